import { useContext, useEffect, useMemo, type ReactNode } from 'react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { LabContext, type Lab } from './context';
import type { LabState } from './labStore';

/**
 * Views render on their own clock, one per animation frame. Each view reads a mirror of the lab's store; when
 * the store changes, every mirror is marked stale and one stale mirror catches up per frame, in page order. A
 * probe then re-renders the six views over six frames instead of in one long task, and the main thread stays
 * free for input and animation (a zustand store cannot be time-sliced by React: useSyncExternalStore renders
 * synchronously). Actions in the mirrored state are the store's own, so clicks still update the one store.
 */
export class StaggeredSync {
  private readonly mirrors: StoreApi<LabState>[] = [];
  private readonly stale = new Set<StoreApi<LabState>>();
  private frame = 0;
  private cursor = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly source: StoreApi<LabState>) {}

  /** Follows the store until stop(); idempotent, so React's StrictMode effect replay is harmless. */
  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.source.subscribe((state, previous) => {
      // A run's first probe, its first picture, is drawn from the top of the page, where the learner looks first:
      // from wherever the round had reached, the Convergence view came after three others, some 200 ms later.
      if (state.latest !== null && previous.latest === null) this.cursor = 0;
      for (const m of this.mirrors) this.stale.add(m);
      this.schedule();
    });
    for (const m of this.mirrors) this.stale.add(m);
    this.schedule();
  }

  /** A mirror that starts in sync; it follows the store once attached. */
  mirror(): StoreApi<LabState> {
    return createStore<LabState>(() => this.source.getState());
  }

  attach(m: StoreApi<LabState>): void {
    if (this.mirrors.includes(m)) return;
    this.mirrors.push(m);
    this.stale.add(m);
    this.schedule();
  }

  release(m: StoreApi<LabState>): void {
    const i = this.mirrors.indexOf(m);
    if (i >= 0) this.mirrors.splice(i, 1);
    this.stale.delete(m);
  }

  private schedule(): void {
    if (this.frame || this.stale.size === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      // Round robin from where the last frame stopped: with the store changing every frame (step counter),
      // a first-stale-first policy would starve the views at the end of the page.
      const n = this.mirrors.length;
      for (let k = 0; k < n; k++) {
        const m = this.mirrors[(this.cursor + k) % n]!;
        if (!this.stale.has(m)) continue;
        this.stale.delete(m);
        this.cursor = (this.cursor + k + 1) % n;
        m.setState(this.source.getState(), true);
        break;
      }
      this.schedule();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}

/** Gives its children a staggered mirror of the lab's store (see StaggeredSync). */
export function Staggered({ sync, children }: { sync: StaggeredSync; children: ReactNode }) {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('<Staggered> outside <LabContext.Provider>');
  const mirror = useMemo(() => sync.mirror(), [sync]);
  useEffect(() => {
    sync.attach(mirror);
    return () => sync.release(mirror);
  }, [sync, mirror]);
  const value = useMemo<Lab>(() => ({ store: mirror, send: lab.send }), [mirror, lab.send]);
  return <LabContext.Provider value={value}>{children}</LabContext.Provider>;
}
