import { useEffect, useRef, type PointerEvent } from 'react';

export interface PlotPointerHandlers<E extends Element> {
  onPointerDown(e: PointerEvent<E>): void;
  onPointerMove(e: PointerEvent<E>): void;
  onPointerLeave(e: PointerEvent<E>): void;
  onPointerCancel(e: PointerEvent<E>): void;
}

/**
 * Pointer handlers for a plot's read-out that work the same by mouse, pen and touch. A mouse shows the read-out
 * while it hovers and hides it when it leaves. A finger shows it where it taps and while it slides along the
 * plot, and leaves it up after lifting (a finger "leaves" the moment it lifts), until the next tap outside the
 * plot; when the browser takes the gesture over for scrolling (pointercancel), the read-out goes.
 *
 * `point` reads the event (clientX/Y against the target's box) and shows the read-out; `clear` hides it.
 * Plots should let the page scroll vertically over them (`touch-action: pan-y pinch-zoom`), so a horizontal
 * slide scrubs the read-out and a vertical one scrolls.
 */
export function usePlotPointer<E extends Element>(point: (e: PointerEvent<E>) => void, clear: () => void): PlotPointerHandlers<E> {
  // The plot element a touch read-out is pinned to, and how to take it down when a tap lands elsewhere.
  const pinned = useRef<{ el: Element; off: () => void } | null>(null);
  const clearRef = useRef(clear);
  useEffect(() => {
    clearRef.current = clear;
  });
  const unpin = () => {
    pinned.current?.off();
    pinned.current = null;
  };
  useEffect(() => unpin, []);

  return {
    onPointerDown(e) {
      point(e);
      if (e.pointerType !== 'touch' || pinned.current?.el === e.currentTarget) return;
      unpin();
      const el = e.currentTarget;
      const onDocDown = (ev: globalThis.PointerEvent) => {
        if (ev.target instanceof Node && el.contains(ev.target)) return;
        unpin();
        clearRef.current();
      };
      // Capture: the outside tap is seen even where a handler stops it from bubbling.
      document.addEventListener('pointerdown', onDocDown, true);
      pinned.current = { el, off: () => document.removeEventListener('pointerdown', onDocDown, true) };
    },
    onPointerMove(e) {
      // A finger's read-out follows it only while it is down (no hover between touches).
      if (e.pointerType === 'touch' && e.buttons === 0) return;
      point(e);
    },
    onPointerLeave(e) {
      if (e.pointerType === 'touch') return;
      clear();
    },
    onPointerCancel() {
      unpin();
      clear();
    },
  };
}
