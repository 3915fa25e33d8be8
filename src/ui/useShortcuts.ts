import { useEffect } from 'react';

/** Global keys, ignored while typing in a field or with a modifier held. */
export function useShortcuts(map: Record<string, () => void>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName))) return;
      // Inside a dialog (the help, or the settings drawer on small screens) keys belong to it, not to the page behind.
      if (t?.closest('dialog, [aria-modal="true"]')) return;
      const key = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const action = map[key];
      if (!action) return;
      // Space on a focused button would also click it: handle it once, here.
      e.preventDefault();
      action();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [map]);
}
