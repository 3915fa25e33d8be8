import { useEffect } from 'react';

/** What the guard reads of the focused element: a DOM Element has all of it (tests pass plain objects). */
export interface ShortcutTarget {
  tagName: string;
  isContentEditable?: boolean;
  type?: string;
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
}

/** The keyboard event as the handler reads it. */
export interface ShortcutEvent {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
  target: unknown;
  preventDefault(): void;
}

const ARROWS = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);
const SLIDER_KEYS = new Set([...ARROWS, 'Home', 'End', 'PageUp', 'PageDown']);
/** Inputs that take no typing: the page's letter shortcuts stay live on them. */
const PRESSABLE_INPUTS = new Set(['button', 'submit', 'reset', 'image', 'color', 'file']);
/** ARIA widgets that move with the arrow keys. */
const ARROW_ROLES = new Set(['slider', 'spinbutton', 'scrollbar', 'radiogroup', 'radio', 'tablist', 'tab', 'menu', 'menubar', 'menuitem', 'listbox', 'option', 'tree', 'grid']);

/** The name a shortcut map uses for a key: "Space", lower-case letters, and the DOM's names for the rest. */
export function shortcutKey(key: string): string {
  return key === ' ' ? 'Space' : key.length === 1 ? key.toLowerCase() : key;
}

/**
 * Whether the focused element uses `key` itself, so the page's shortcut must leave it alone. Text fields and
 * lists (select) use every key: letters type, or pick an option. A slider keeps its arrows, Page Up/Down, Home and
 * End; a checkbox or option button keeps Space (and an option button its arrows). Everything else (buttons, links,
 * the page) leaves the shortcuts live, Space included: Enter presses the focused button.
 */
export function focusOwnsKey(el: ShortcutTarget | null, key: string): boolean {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el.type ?? el.getAttribute('type') ?? 'text').toLowerCase();
    if (type === 'range') return SLIDER_KEYS.has(key);
    if (type === 'checkbox') return key === 'Space';
    if (type === 'radio') return key === 'Space' || ARROWS.has(key);
    return !PRESSABLE_INPUTS.has(type);
  }
  const role = el.getAttribute('role');
  if (role === 'textbox' || role === 'combobox' || role === 'searchbox') return true;
  if (role === 'checkbox' || role === 'switch') return key === 'Space';
  if (role && ARROW_ROLES.has(role)) return SLIDER_KEYS.has(key) || key === 'Space';
  return false;
}

/**
 * Runs the shortcut for a key press, if one applies; returns whether it did. None applies with a modifier held (the
 * browser's own shortcuts), when a widget already handled the key (a unit picker's arrows, a layer's Space), inside a
 * dialog (the help, the settings drawer: keys belong to it, not to the page behind), or when the focused element
 * uses the key itself.
 */
export function runShortcut(map: Readonly<Record<string, () => void>>, e: ShortcutEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return false;
  const key = shortcutKey(e.key);
  const action = map[key];
  if (!action) return false;
  const t = isTarget(e.target) ? e.target : null;
  if (t?.closest('dialog, [aria-modal="true"]')) return false;
  if (focusOwnsKey(t, key)) return false;
  // Handled here, once: Space on a focused button would otherwise also press it, and on a slider scroll the page.
  e.preventDefault();
  action();
  return true;
}

function isTarget(t: unknown): t is ShortcutTarget {
  return typeof t === 'object' && t !== null && typeof (t as ShortcutTarget).tagName === 'string' && typeof (t as ShortcutTarget).closest === 'function';
}

/** The page's keyboard shortcuts (`map` from shortcutKey names to actions), live wherever the guard allows. */
export function useShortcuts(map: Record<string, () => void>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      runShortcut(map, e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [map]);
}
