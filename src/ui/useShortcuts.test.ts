import { describe, expect, it } from 'vitest';
import { focusOwnsKey, runShortcut, shortcutKey, type ShortcutTarget } from './useShortcuts';

/** A stand-in for a focused element: what the guard reads of it. */
function el(tagName: string, attrs: Record<string, string> = {}, inDialog = false): ShortcutTarget {
  return {
    tagName,
    type: tagName === 'INPUT' ? (attrs.type ?? 'text') : undefined,
    isContentEditable: attrs.contenteditable === 'true',
    getAttribute: (name) => attrs[name] ?? null,
    closest: () => (inDialog ? {} : null),
  };
}

/** Presses `key` on `target` through the page's handler; returns what ran and whether the default was prevented. */
function press(target: ShortcutTarget | null, key: string, extra: { defaultPrevented?: boolean; ctrlKey?: boolean } = {}) {
  const ran: string[] = [];
  const map = { Space: () => ran.push('play'), ArrowRight: () => ran.push('step'), r: () => ran.push('reset'), t: () => ran.push('theme'), '?': () => ran.push('help') };
  let prevented = false;
  runShortcut(map, {
    key,
    ctrlKey: extra.ctrlKey ?? false,
    metaKey: false,
    altKey: false,
    defaultPrevented: extra.defaultPrevented ?? false,
    target,
    preventDefault: () => {
      prevented = true;
    },
  });
  return { ran, prevented };
}

const body = el('BODY');
const slider = el('INPUT', { type: 'range' });
const select = el('SELECT');

describe('keyboard shortcuts', () => {
  it('act on the page and on buttons, once, and keep Space from pressing the button too', () => {
    expect(press(body, ' ')).toEqual({ ran: ['play'], prevented: true });
    expect(press(el('BUTTON'), ' ')).toEqual({ ran: ['play'], prevented: true });
    expect(press(body, 'R').ran).toEqual(['reset']);
    expect(press(el('A'), 'ArrowRight').ran).toEqual(['step']);
    expect(press(body, 'x')).toEqual({ ran: [], prevented: false });
  });

  it('never act on a focused select or text field: its letters, Space and arrows are its own', () => {
    for (const target of [select, el('INPUT'), el('INPUT', { type: 'number' }), el('TEXTAREA'), el('DIV', { contenteditable: 'true' }), el('DIV', { role: 'combobox' })]) {
      for (const key of ['r', 'R', 't', ' ', 'ArrowRight', '?']) expect(press(target, key), `${target.tagName} ${key}`).toEqual({ ran: [], prevented: false });
    }
  });

  it('work again on a slider after it was used, which keeps its own arrows, Page and Home/End keys', () => {
    expect(press(slider, 'r').ran).toEqual(['reset']);
    expect(press(slider, 't').ran).toEqual(['theme']);
    expect(press(slider, ' ')).toEqual({ ran: ['play'], prevented: true });
    expect(press(slider, '?').ran).toEqual(['help']);
    for (const key of ['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'PageUp', 'PageDown', 'Home', 'End']) expect(focusOwnsKey(slider, key), key).toBe(true);
    expect(press(slider, 'ArrowRight')).toEqual({ ran: [], prevented: false });
  });

  it('leave Space to a checkbox or option button, and their letters to the page', () => {
    const box = el('INPUT', { type: 'checkbox' });
    const radio = el('INPUT', { type: 'radio' });
    expect(press(box, ' ').ran).toEqual([]);
    expect(press(box, 't').ran).toEqual(['theme']);
    expect(press(box, 'ArrowRight').ran).toEqual(['step']);
    expect(press(radio, ' ').ran).toEqual([]);
    expect(press(radio, 'ArrowRight').ran).toEqual([]);
    expect(press(radio, 'r').ran).toEqual(['reset']);
  });

  it('stay out of a key a widget already handled, of dialogs, and of the browser\'s modified keys', () => {
    // A unit picker's arrows and a layer's Space call preventDefault: the run must not step or play as well.
    expect(press(el('svg', { role: 'img' }), 'ArrowRight', { defaultPrevented: true }).ran).toEqual([]);
    expect(press(el('g', { role: 'button' }), ' ', { defaultPrevented: true }).ran).toEqual([]);
    expect(press(el('BUTTON', {}, true), 'r').ran).toEqual([]);
    expect(press(body, 'r', { ctrlKey: true }).ran).toEqual([]);
    expect(press(null, 'r').ran).toEqual(['reset']);
  });

  it('name keys as the map does', () => {
    expect([' ', 'R', 'r', '?', 'ArrowRight'].map(shortcutKey)).toEqual(['Space', 'r', 'r', '?', 'ArrowRight']);
  });
});
