import { useCallback, useContext, useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { LabContext } from '../store/context';
import { saveBlob, saveText } from './download';
import { exportFileName } from './fileNames';
import { PNG_SCALE, svgToPng } from './rasterize';
import { sceneToSvg } from './svgScene';
import './export.css';

type Format = 'png' | 'svg';

const ITEMS: readonly { format: Format; label: string; hint: string }[] = [
  { format: 'png', label: 'PNG image', hint: `${PNG_SCALE}× resolution` },
  { format: 'svg', label: 'SVG image', hint: 'vector, editable' },
];

/**
 * The Export button in a view's header: a menu button (WAI-ARIA menu pattern: arrows, Home/End, Escape) whose
 * items save the figure as it is on screen, title, legend and axes in the current theme, as PNG or SVG.
 */
export function FigureExport({ figure, title }: { figure: RefObject<HTMLElement | null>; title: string }) {
  const lab = useContext(LabContext);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const focusOnOpen = useRef<'first' | 'last'>('first');
  const menuId = useId();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!open) return;
    const list = items();
    (focusOnOpen.current === 'last' ? list[list.length - 1] : list[0])?.focus();
    // A press anywhere else closes the menu, as a native one would.
    const onPointerDown = (e: PointerEvent) => {
      if (!menuRef.current?.contains(e.target as Node) && !buttonRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const run = useCallback(
    async (format: Format) => {
      const el = figure.current;
      if (!el) return;
      setBusy(true);
      setError(null);
      try {
        // Loaded on first use: the capture code is only needed by those who export.
        const { captureFigure } = await import('./figureCapture');
        const scene = await captureFigure(el, title);
        const step = lab?.store.getState().run.step;
        const name = exportFileName(title, format, step);
        if (format === 'svg') saveText(sceneToSvg(scene), name, 'image/svg+xml');
        else saveBlob(await svgToPng(sceneToSvg(scene, { scale: PNG_SCALE }), scene.width, scene.height, PNG_SCALE), name);
      } catch (e) {
        setError(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        setBusy(false);
      }
    },
    [figure, title, lab],
  );

  const onButtonKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    // The lab's global keys (Space plays, → steps) must not fire while the menu button has the focus.
    if (e.key === ' ' || e.key === 'Enter' || e.key === 'ArrowRight') e.stopPropagation();
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      focusOnOpen.current = e.key === 'ArrowUp' ? 'last' : 'first';
      setOpen(true);
    }
  };

  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLButtonElement);
    const move = (i: number) => list[(i + list.length) % list.length]?.focus();
    switch (e.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(list.length - 1);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        setOpen(false);
        return;
      case ' ':
      case 'Enter':
        // Let the focused item's native click happen; only keep the key from the lab's shortcuts.
        e.stopPropagation();
        return;
      default:
        e.stopPropagation();
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="fig-export" data-export-skip="">
      <button
        ref={buttonRef}
        type="button"
        className="fig-export-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-busy={busy}
        aria-label={`Export ${title}`}
        onClick={() => {
          focusOnOpen.current = 'first';
          setOpen((o) => !o);
        }}
        onKeyDown={onButtonKey}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {open && (
        <div ref={menuRef} id={menuId} className="fig-export-menu" role="menu" aria-label={`Export ${title} as`} onKeyDown={onMenuKey}>
          {ITEMS.map((item) => (
            <button
              key={item.format}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close(true);
                void run(item.format);
              }}
            >
              <span>{item.label}</span>
              <span className="fig-export-hint">{item.hint}</span>
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="fig-export-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
