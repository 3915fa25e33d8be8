import { useEffect, useId, useRef, useState } from 'react';
import { VIEW_NAMES, viewsShown, type ViewName } from '../../config/link';
import { useLab, useLabStore } from '../../store/context';
import { VIEW_TITLES } from './projectorLayout';

/**
 * The choice of views: a button in the header and, under it, a checkbox per view. The choice is part of the link
 * (`views=`), so a teacher's prepared link opens on the same screen. One view always stays; projector mode fits
 * `max` views to the screen (the lab scrolls, so it has no limit).
 */
export function ViewPicker({ max = Infinity }: { max?: number }) {
  const store = useLabStore();
  const views = useLab((s) => s.view.views);
  const has2D = useLab((s) => s.run.points !== null);
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  const chosen: readonly ViewName[] = viewsShown(views);
  const available = (v: ViewName) => v !== 'boundary' || has2D;
  const shown = chosen.filter(available);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const flip = (name: ViewName) => {
    const next = VIEW_NAMES.filter((v) => (v === name ? !chosen.includes(v) : chosen.includes(v)));
    if (next.some(available)) store.getState().setView({ views: next });
  };

  return (
    <div className="view-picker" ref={rootRef}>
      <button
        ref={toggleRef}
        type="button"
        className="view-picker-toggle"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        Views <span className="view-picker-count">{shown.length}</span>
        <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
          <path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {open && (
        <div
          id={panelId}
          className="view-picker-panel"
          role="group"
          aria-label="Views on the screen"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
              toggleRef.current?.focus();
            }
          }}
        >
          {VIEW_NAMES.map((v) => {
            const on = chosen.includes(v) && available(v);
            const last = on && shown.length === 1;
            const full = !on && shown.length >= max;
            return (
              <label key={v} className={available(v) && !full ? undefined : 'unavailable'}>
                <input type="checkbox" checked={on} disabled={!available(v) || last || full} onChange={() => flip(v)} />
                {VIEW_TITLES[v]}
                {!available(v) ? <span className="view-picker-note"> (2-D data sets)</span> : null}
              </label>
            );
          })}
          {shown.length >= max && <p className="view-picker-note">Four views at most fit one screen legibly.</p>}
        </div>
      )}
    </div>
  );
}
