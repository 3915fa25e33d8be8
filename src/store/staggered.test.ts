import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { createLabStore } from './labStore';
import { StaggeredSync } from './staggered';

// A manual animation-frame clock: each tick() runs the callbacks queued for the next frame.
let queue: FrameRequestCallback[] = [];
// The catch-up task after each frame, run at once: these tests are about which mirror, not when.
const now = (f: () => void) => f();
const tick = () => {
  const run = queue;
  queue = [];
  run.forEach((f) => f(0));
};

describe('StaggeredSync', () => {
  beforeEach(() => {
    queue = [];
    globalThis.requestAnimationFrame = (f: FrameRequestCallback) => queue.push(f);
    globalThis.cancelAnimationFrame = () => {
      queue = [];
    };
  });
  afterEach(() => {
    queue = [];
  });

  it('brings one mirror up to date per frame, in order, after a store change', () => {
    const store = createLabStore(parseConfig({}));
    const sync = new StaggeredSync(store, now);
    sync.start();
    const mirrors = [sync.mirror(), sync.mirror(), sync.mirror()];
    mirrors.forEach((m) => sync.attach(m));
    for (let i = 0; i < 3; i++) tick();
    store.getState().setView({ layer: 1 });
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([2, 2, 2]);
    tick();
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([1, 2, 2]);
    tick();
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([1, 1, 2]);
    tick();
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([1, 1, 1]);
    tick();
    expect(queue).toHaveLength(0);
  });

  it('starves no view when the store changes every frame (the step counter does)', () => {
    const store = createLabStore(parseConfig({}));
    const sync = new StaggeredSync(store, now);
    sync.start();
    const mirrors = [sync.mirror(), sync.mirror(), sync.mirror()];
    mirrors.forEach((m) => sync.attach(m));
    store.getState().setView({ layer: 0 });
    for (let f = 0; f < 3; f++) {
      store.getState().setView({ smoothing: f / 10 });
      tick();
    }
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([0, 0, 0]);
  });

  it('draws a run’s first probe from the top of the page, wherever the round had reached', () => {
    const store = createLabStore(parseConfig({}));
    const sync = new StaggeredSync(store, now);
    sync.start();
    const mirrors = [sync.mirror(), sync.mirror(), sync.mirror()];
    mirrors.forEach((m) => sync.attach(m));
    for (let i = 0; i < 3; i++) tick();
    // The round has reached the third view when the probe comes.
    store.getState().setView({ layer: 1 });
    tick();
    tick();
    expect(mirrors.map((m) => m.getState().view.layer)).toEqual([1, 1, 2]);
    const snapshot = { step: 0 } as unknown as NonNullable<ReturnType<typeof store.getState>['latest']>;
    store.setState({ latest: snapshot });
    tick();
    expect(mirrors.map((m) => m.getState().latest)).toEqual([snapshot, null, null]);
  });

  it('routes actions of a mirror to the one store', () => {
    const store = createLabStore(parseConfig({}));
    const sync = new StaggeredSync(store, now);
    const m = sync.mirror();
    sync.attach(m);
    m.getState().selectLayer(0);
    expect(store.getState().view.layer).toBe(0);
    sync.release(m);
    tick();
    sync.stop();
  });

  it('survives React StrictMode’s effect replay (start, stop, start) and keeps following the store', () => {
    const store = createLabStore(parseConfig({}));
    const sync = new StaggeredSync(store, now);
    sync.start();
    sync.stop();
    sync.start();
    const m = sync.mirror();
    sync.attach(m);
    store.getState().setView({ layer: 0 });
    tick();
    tick();
    expect(m.getState().view.layer).toBe(0);
  });
  it('catches a mirror up in a task after the frame, not inside it, with the store as it is then', () => {
    const store = createLabStore(parseConfig({}));
    const tasks: (() => void)[] = [];
    const sync = new StaggeredSync(store, (f) => tasks.push(f));
    sync.start();
    const m = sync.mirror();
    sync.attach(m);
    tick();
    tasks.splice(0).forEach((f) => f());
    store.getState().setView({ layer: 1 });
    tick();
    // The frame only chose the mirror: its render waits for the task.
    expect(m.getState().view.layer).toBe(2);
    expect(tasks).toHaveLength(1);
    store.getState().setView({ layer: 0 });
    tasks.splice(0).forEach((f) => f());
    expect(m.getState().view.layer).toBe(0);
    // A catch-up queued before stop() is dropped; start() marks every mirror stale again.
    store.getState().setView({ layer: 1 });
    tick();
    sync.stop();
    tasks.splice(0).forEach((f) => f());
    expect(m.getState().view.layer).toBe(0);
    sync.start();
    tick();
    tasks.splice(0).forEach((f) => f());
    expect(m.getState().view.layer).toBe(1);
  });
});
