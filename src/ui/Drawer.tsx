import { useCallback, useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';

/** Below this width the settings leave the side of the page and become a drawer (a bottom sheet on phones). */
export const DRAWER_QUERY = '(max-width: 900px)';

/** Whether a media query matches, kept current (no effect and re-render round trip: the first render is right). */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => matchMedia(query).matches,
    () => false,
  );
}

export interface DrawerState {
  /** The layout has no room for the side panel: its content lives in the drawer. */
  narrow: boolean;
  /** The drawer is showing (never while the layout is wide). */
  open: boolean;
  show(): void;
  hide(): void;
  /** The drawer element's id (its button points at it with aria-controls). */
  id: string;
}

/** The open state of a drawer, shared by its button (in the header) and the drawer itself. */
export function useDrawer(query = DRAWER_QUERY): DrawerState {
  const narrow = useMediaQuery(query);
  const [requested, setRequested] = useState(false);
  // Turning a tablet to landscape puts the panel back at the side: the drawer closes rather than reappearing
  // by itself when the tablet turns back (state adjusted during render, React's pattern for derived resets).
  const [wasNarrow, setWasNarrow] = useState(narrow);
  if (wasNarrow !== narrow) {
    setWasNarrow(narrow);
    if (!narrow) setRequested(false);
  }
  const id = `drawer${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const show = useCallback(() => setRequested(true), []);
  const hide = useCallback(() => setRequested(false), []);
  return { narrow, open: narrow && requested, show, hide, id };
}

/**
 * The header's button that opens the drawer; nothing while the panel sits at the side. An icon and its label;
 * on the narrowest phones only the icon shows (the label stays its accessible name).
 */
export function DrawerButton({ drawer, children, className }: { drawer: DrawerState; children: ReactNode; className?: string }) {
  if (!drawer.narrow) return null;
  return (
    <button
      type="button"
      className={className}
      aria-haspopup="dialog"
      aria-expanded={drawer.open}
      aria-controls={drawer.id}
      onClick={drawer.show}
    >
      <svg className="drawer-button-icon" width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">
        <path d="M2 4.5h14M2 9h14M2 13.5h14" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        <circle cx="6" cy="4.5" r="2" />
        <circle cx="12" cy="9" r="2" />
        <circle cx="7.5" cy="13.5" r="2" />
      </svg>
      <span className="drawer-button-label">{children}</span>
    </button>
  );
}

/** Siblings that must stay perceivable while the drawer is open: notices that report what a setting did. */
const KEEP_LIVE = '[role="alert"], [role="status"], [aria-live], .toast, dialog';

/**
 * The side panel on wide screens; on narrow ones a modal drawer (a sheet from the bottom on phones, from the
 * side on tablets, see styles.css) with a close button, Escape to close, focus moved into it and back, and the
 * rest of the page inert and hidden from assistive technology while it is open.
 *
 * The children stay mounted in every state and layout (closed, open, wide): the drawer only moves and hides
 * them, so a slider mid-drag or a half-typed seed survives opening, closing and turning the tablet.
 */
export function Drawer({ drawer, title, className, children }: { drawer: DrawerState; title: string; className: string; children: ReactNode }) {
  const { narrow, open, hide, id } = drawer;
  const asideRef = useRef<HTMLElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const titleId = `${id}-title`;

  useEffect(() => {
    const aside = asideRef.current;
    if (!open || !aside) return;
    const returnTo = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    // The page behind a modal is out of reach: inert (no focus, no clicks) and hidden from screen readers.
    const hidden: Element[] = [];
    for (const el of Array.from(aside.parentElement?.children ?? [])) {
      if (el === aside || el.classList.contains('drawer-scrim') || el.matches(KEEP_LIVE) || el.hasAttribute('inert')) continue;
      el.setAttribute('inert', '');
      el.setAttribute('aria-hidden', 'true');
      hidden.push(el);
    }
    document.documentElement.classList.add('drawer-open');
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      // A field that uses Escape itself (cancelling an edit) marks it handled; a modal dialog on top closes first.
      if (e.key !== 'Escape' || e.defaultPrevented || (e.target instanceof Element && e.target.closest('dialog'))) return;
      e.preventDefault();
      hide();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.documentElement.classList.remove('drawer-open');
      for (const el of hidden) {
        el.removeAttribute('inert');
        el.removeAttribute('aria-hidden');
      }
      // Back where the person was: the button that opened it, usually (Safari does not focus a tapped button).
      const target = returnTo?.isConnected ? returnTo : document.querySelector<HTMLElement>(`[aria-controls="${id}"]`);
      target?.focus();
    };
  }, [open, hide, id]);

  const modal = narrow && open;
  return (
    <>
      <aside
        ref={asideRef}
        id={id}
        className={`${className}${narrow ? ' drawer' : ''}${modal ? ' open' : ''}`}
        // Closed, it is out of sight and out of the tab order; open, it is a modal dialog.
        inert={narrow && !open}
        role={modal ? 'dialog' : undefined}
        aria-modal={modal ? true : undefined}
        aria-labelledby={modal ? titleId : undefined}
        // Clicks on its bare background keep focus inside (so Escape and Tab still start from here).
        tabIndex={modal ? -1 : undefined}
      >
        {narrow && (
          <div className="drawer-head">
            <h2 id={titleId}>{title}</h2>
            <button ref={closeRef} type="button" className="icon drawer-close" aria-label={`Close ${title.toLowerCase()}`} onClick={hide}>
              ×
            </button>
          </div>
        )}
        {children}
      </aside>
      {narrow && <div className={`drawer-scrim${modal ? ' open' : ''}`} aria-hidden="true" onClick={hide} />}
    </>
  );
}
