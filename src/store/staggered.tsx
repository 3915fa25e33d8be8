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
 *
 * The catching up itself runs in a task of its own just after the frame, not inside the animation frame: a view's
 * React render and commit, then the style, layout and paint of what it changed, were one task (the frame's), and for
 * the costliest views (Inside batch norm) the two together passed 50 ms on this kind of machine. Apart, input is
 * handled between them, and the picture still changes all at once: one view's commit is one task.
 */
/** Runs a callback in a new task as soon as the event loop allows (a message, not a throttled timer). */
export function nextTask(): (f: () => void) => void {
  if (typeof MessageChannel !== 'function') return (f) => setTimeout(f, 0);
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  return (f) => {
    queue.push(f);
    channel.port2.postMessage(null);
  };
}

export class StaggeredSync {
  private readonly mirrors: StoreApi<LabState>[] = [];
  private readonly stale = new Set<StoreApi<LabState>>();
  private frame = 0;
  private cursor = 0;
  private unsubscribe: (() => void) | null = null;
  /** Bumped by stop(): a catch-up queued before it is dropped. */
  private epoch = 0;

  constructor(
    private readonly source: StoreApi<LabState>,
    /** Where a mirror catches up (tests pass a synchronous runner). */
    private readonly afterFrame: (f: () => void) => void = nextTask(),
  ) {}

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
        const epoch = this.epoch;
        // The store as it is when the task runs: newer than at the frame, never older.
        this.afterFrame(() => {
          if (epoch === this.epoch && this.mirrors.includes(m)) m.setState(this.source.getState(), true);
        });
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
    this.epoch++;
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
