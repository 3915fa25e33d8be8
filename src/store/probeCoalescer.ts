import type { SessionEvent } from '../worker/protocol';

/**
 * At most this often, while a run plays, are probes handed to the store. At full speed the engine probes the
 * ioffe-mnist preset six times a second, and each probe redraws every view (one per frame, see StaggeredSync): the
 * views were redrawing without pause, and the costliest redraws, back to back with the others' and with training's
 * messages, made main-thread tasks over 50 ms. The views only ever show the newest probe, so drawing three a second
 * loses nothing a learner can see, while the histories still get every probe (they are applied, in order, at the
 * next flush).
 */
export const PLAYING_PROBE_INTERVAL_MS = 350;

export interface CoalescerClock {
  now(): number;
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: CoalescerClock = {
  now: () => performance.now(),
  setTimeout: (f, ms) => setTimeout(f, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Sits between the training worker and the store. Every event reaches the store, in the order it was sent, except
 * that while a run plays its probes are held back and delivered together at most every `interval` ms: the store then
 * applies them all (every point of every history) and the views draw the last, once. A probe arriving while paused
 * or stepping (the learner is looking at each one), the first probe of a run (its first picture), and any event that
 * is not a playing run's progress (a pause, the end of a run, a new run, an error) deliver what is held at once, so
 * nothing waits for a timer when the run stops and nothing is reordered around a change of run.
 */
export class ProbeCoalescer {
  private held: SessionEvent[] = [];
  private playing = false;
  private lastDelivered = -Infinity;
  private timer: unknown = null;

  constructor(
    private readonly deliver: (e: SessionEvent) => void,
    private readonly interval = PLAYING_PROBE_INTERVAL_MS,
    private readonly clock: CoalescerClock = realClock,
  ) {}

  push(e: SessionEvent): void {
    if (e.type === 'probe') {
      if (!this.playing || this.clock.now() - this.lastDelivered >= this.interval) {
        this.held.push(e);
        this.flush();
      } else {
        this.held.push(e);
        this.arm();
      }
      return;
    }
    if (e.type === 'progress') {
      this.playing = e.playing;
      // A playing run's step counter goes straight through: it is cheap, and the probes it passes are older.
      if (e.playing) {
        this.deliver(e);
        return;
      }
      // Paused or finished: the probes of the last stretch are shown now, then the paused state.
      this.flush();
      this.deliver(e);
      return;
    }
    this.flush();
    if (e.type === 'ready') {
      // A new run: its first probe is its first picture, drawn as soon as it comes.
      this.lastDelivered = -Infinity;
      this.playing = false;
    }
    this.deliver(e);
  }

  /** Delivers every held probe now, in order. */
  flush(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.held.length === 0) return;
    this.lastDelivered = this.clock.now();
    // One at a time from the queue: should the store throw on one, the probes after it stay held for the next
    // flush instead of being dropped with it.
    while (this.held.length > 0) this.deliver(this.held.shift()!);
  }

  /** How many probes are held back (for tests and diagnostics). */
  get pending(): number {
    return this.held.length;
  }

  private arm(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastDelivered + this.interval - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }
}
