import { describe, expect, it } from 'vitest';
import type { ProbeSnapshot } from '../engine/probes/types';
import type { SessionEvent } from '../worker/protocol';
import { parseConfig } from '../config/schema';
import { createLabStore } from './labStore';
import { ProbeCoalescer, type CoalescerClock } from './probeCoalescer';

/** A manual clock: time moves only when the test says, and due timers run then. */
function manualClock() {
  let t = 0;
  let timers: { at: number; f: () => void; id: number }[] = [];
  let next = 1;
  const clock: CoalescerClock = {
    now: () => t,
    setTimeout: (f, ms) => {
      const id = next++;
      timers.push({ at: t + ms, f, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((x) => x.id !== id);
    },
  };
  const advance = (ms: number) => {
    t += ms;
    const due = timers.filter((x) => x.at <= t);
    timers = timers.filter((x) => x.at > t);
    due.forEach((x) => x.f());
  };
  return { clock, advance, timers: () => timers.length };
}

const probe = (step: number, runId = 1): SessionEvent => ({ type: 'probe', runId, snapshot: { step, arms: [] } as unknown as ProbeSnapshot });
const progress = (step: number, playing: boolean, runId = 1): SessionEvent => ({ type: 'progress', runId, step, playing, stepsPerSecond: 300 });
const stepsOf = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'probe' ? [e.snapshot.step] : []));

function setup(interval = 350) {
  const out: SessionEvent[] = [];
  const c = manualClock();
  const coalescer = new ProbeCoalescer((e) => out.push(e), interval, c.clock);
  return { out, coalescer, ...c };
}

describe('ProbeCoalescer', () => {
  it('keeps the probes after one the store throws on, and delivers them at the next flush, in order', () => {
    const out: number[] = [];
    const c = manualClock();
    const coalescer = new ProbeCoalescer((e) => {
      if (e.type !== 'probe') return;
      if (e.snapshot.step === 100 && !out.includes(-100)) {
        out.push(-100);
        throw new Error('the store failed on this probe');
      }
      out.push(e.snapshot.step);
    }, 350, c.clock);
    coalescer.push(progress(0, true));
    coalescer.push(probe(50));
    for (const s of [100, 150, 200]) coalescer.push(probe(s));
    expect(() => c.advance(350)).toThrow('the store failed');
    expect(coalescer.pending, 'the probes after the failed one are still held').toBe(2);
    coalescer.push(progress(200, false));
    expect(out).toEqual([50, -100, 150, 200]);
  });

  it('passes every probe through at once while paused or stepping', () => {
    const { out, coalescer } = setup();
    coalescer.push(progress(0, false));
    for (let s = 1; s <= 4; s++) coalescer.push(probe(s));
    expect(stepsOf(out)).toEqual([1, 2, 3, 4]);
    expect(coalescer.pending).toBe(0);
  });

  it('while playing, delivers the first probe at once and the rest together at most once an interval, in order', () => {
    const { out, coalescer, advance } = setup(350);
    coalescer.push(progress(0, true));
    coalescer.push(probe(50));
    expect(stepsOf(out)).toEqual([50]);
    for (const s of [100, 150, 200]) {
      advance(100);
      coalescer.push(probe(s));
    }
    // Held back: nothing new has reached the store within the interval.
    expect(stepsOf(out)).toEqual([50]);
    expect(coalescer.pending).toBe(3);
    // The timer fires at the end of the interval and hands over every held probe, the latest last.
    advance(50);
    expect(stepsOf(out)).toEqual([50, 100, 150, 200]);
    expect(coalescer.pending).toBe(0);
  });

  it('lets a playing run’s step counter through without waiting', () => {
    const { out, coalescer, advance } = setup();
    coalescer.push(progress(0, true));
    coalescer.push(probe(50));
    advance(10);
    coalescer.push(probe(100));
    coalescer.push(progress(120, true));
    expect(out.at(-1)).toEqual(progress(120, true));
    expect(coalescer.pending).toBe(1);
  });

  it('flushes on pause, before the paused progress, so nothing is left behind at the end of a run', () => {
    const { out, coalescer, advance, timers } = setup();
    coalescer.push(progress(0, true));
    coalescer.push(probe(50));
    advance(10);
    coalescer.push(probe(100));
    coalescer.push(probe(150));
    coalescer.push(progress(150, false));
    expect(stepsOf(out)).toEqual([50, 100, 150]);
    expect(out.at(-1)).toEqual(progress(150, false));
    // No timer is left to fire later.
    expect(timers()).toBe(0);
  });

  it('flushes before a new run, an error or a status, and draws a new run’s first probe at once', () => {
    const { out, coalescer, advance } = setup();
    coalescer.push(progress(0, true));
    coalescer.push(probe(50));
    advance(10);
    coalescer.push(probe(100));
    const ready = { type: 'ready', runId: 2 } as unknown as SessionEvent;
    coalescer.push(ready);
    expect(out.slice(-2)).toEqual([probe(100), ready]);
    coalescer.push(probe(0, 2));
    expect(out.at(-1)).toEqual(probe(0, 2));
    coalescer.push(progress(0, true, 2));
    advance(10);
    coalescer.push(probe(50, 2));
    const error: SessionEvent = { type: 'error', runId: 2, message: 'boom' };
    coalescer.push(error);
    expect(out.slice(-2)).toEqual([probe(50, 2), error]);
  });

  it('feeds the store every probe: the histories keep every point, the latest is the newest', () => {
    const store = createLabStore(parseConfig({}));
    const { clock, advance } = manualClock();
    const coalescer = new ProbeCoalescer((e) => store.getState().receive(e), 350, clock);
    coalescer.push({ type: 'ready', runId: 1, backend: { name: 'wasm', reason: '' }, stepPath: 'fast', arms: [], layers: [], inputShape: [784], numClasses: 10, dataset: 'mnist', testScored: 10, numTest: 10, points: null });
    coalescer.push(progress(0, true));
    coalescer.push(probe(0));
    expect(store.getState().latest?.step).toBe(0);
    const revision = store.getState().revision;
    for (const s of [50, 100, 150]) coalescer.push(probe(s));
    expect(store.getState().latest?.step).toBe(0);
    expect(store.getState().revision).toBe(revision);
    advance(350);
    expect(store.getState().latest?.step).toBe(150);
    expect(store.getState().revision).toBe(revision + 3);
  });
});
