import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { createSessionClient, type MainThreadLoader, type WorkerLike } from './client';
import type { Command, SessionEvent, TimingEvent } from './protocol';

const config = parseConfig({ dataset: { name: 'xor', noise: 0.1 } });
const configure = (learningRate: number): Command => ({ type: 'configure', config: parseConfig({ ...config, optimizer: { ...config.optimizer, learningRate } }), backend: 'wasm' });
const ready = (runId: number): SessionEvent => ({ type: 'ready', runId, backend: { name: 'wasm', reason: '' }, stepPath: 'fast', arms: [], layers: [], inputShape: [2], numClasses: 2, dataset: 'xor', testScored: 400, numTest: 400, points: null });

/** A worker that records what it is sent and lets the test make it answer or fail. */
function fakeWorker() {
  const w = {
    posted: [] as Command[],
    terminated: false,
    onmessage: null as WorkerLike['onmessage'],
    onerror: null as WorkerLike['onerror'],
    postMessage(cmd: Command) {
      w.posted.push(cmd);
    },
    terminate() {
      w.terminated = true;
    },
    answer(e: SessionEvent) {
      w.onmessage?.({ data: e } as MessageEvent<SessionEvent>);
    },
    fail(message = '') {
      let prevented = false;
      w.onerror?.({ message, preventDefault: () => (prevented = true) } as unknown as ErrorEvent);
      return prevented;
    },
  };
  return w;
}

/** A main-thread session that records its commands; its code loads when `loaded` is resolved (or fails). */
function fakeMainThread() {
  const m = {
    handled: [] as Command[],
    emit: null as ((e: SessionEvent) => void) | null,
    attempts: 0,
    failNext: false,
    load: (async () => {
      m.attempts++;
      await Promise.resolve();
      if (m.failNext) {
        m.failNext = false;
        throw new TypeError('Failed to fetch dynamically imported module');
      }
      return (emit: (e: SessionEvent) => void) => {
        m.emit = emit;
        return { handle: (cmd: Command) => m.handled.push(cmd) };
      };
    }) as MainThreadLoader,
  };
  return m;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the session client', () => {
  it('a worker that fails before its first run hands training to the main thread, replays what it was sent, and says so', async () => {
    const worker = fakeWorker();
    const main = fakeMainThread();
    const events: SessionEvent[] = [];
    const modes: string[] = [];
    const client = createSessionClient((e) => events.push(e), { startWorker: () => worker, loadMainThread: main.load, onModeChange: (c) => modes.push(c.label) });
    expect([client.mode, client.label]).toEqual(['worker', 'in a Web Worker']);
    client.send(configure(0.5));
    client.send({ type: 'setSpeed', stepsPerSecond: 20 });
    client.send(configure(0.1));
    // Its script did not load: the event carries no message.
    expect(worker.fail()).toBe(true);
    expect(worker.terminated).toBe(true);
    expect(client.mode).toBe('main-thread');
    expect(client.label).toBe('on the main thread (the worker failed)');
    expect(client.reason).toMatch(/worker failed to start \(its script did not load\)/);
    expect(modes).toEqual([client.label]);
    await flush();
    // Merged as the session merges them: the speed, then the newest configuration (with the link's backend).
    expect(main.handled.map((c) => (c.type === 'configure' ? `configure ${c.config.optimizer.learningRate} ${c.backend}` : c.type))).toEqual(['setSpeed', 'configure 0.1 wasm']);
    client.send({ type: 'play' });
    expect(main.handled.at(-1)).toEqual({ type: 'play' });
    expect(worker.posted).toHaveLength(3);
    // The main thread's events reach the page; the dead worker's do not.
    main.emit!(ready(1));
    worker.answer(ready(7));
    expect(events).toEqual([ready(1)]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
  });

  it('hands a run’s ready to the page together with the message after it (its first probe), or on its own if none comes', async () => {
    const worker = fakeWorker();
    const events: SessionEvent[] = [];
    createSessionClient((e) => events.push(e), { startWorker: () => worker, memory: null });
    const first: SessionEvent = { type: 'progress', runId: 1, step: 0, playing: false, stepsPerSecond: 0 };
    worker.answer(ready(1));
    expect(events).toEqual([]);
    worker.answer(first);
    expect(events).toEqual([ready(1), first]);
    // Nothing after it: it is not kept back for long.
    worker.answer(ready(2));
    const t0 = Date.now();
    while (events.length < 3 && Date.now() - t0 < 60_000) await flush();
    expect(events.at(-1)).toEqual(ready(2));
  });

  it('once the worker has built a run, its failure is the run’s error, tagged with that run', async () => {
    const worker = fakeWorker();
    const main = fakeMainThread();
    const events: SessionEvent[] = [];
    const client = createSessionClient((e) => events.push(e), { startWorker: () => worker, loadMainThread: main.load });
    client.send(configure(0.5));
    worker.answer(ready(1));
    worker.answer(ready(2));
    worker.fail('Uncaught RangeError: out of memory');
    expect(client.mode).toBe('worker');
    expect(worker.terminated).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'error', runId: 2, message: 'the training worker failed: Uncaught RangeError: out of memory' });
    await flush();
    expect(main.attempts).toBe(0);
  });

  it('where the main thread’s engine fails to load, that is the error, and Reset loads it again', async () => {
    const main = fakeMainThread();
    main.failNext = true;
    const events: SessionEvent[] = [];
    const client = createSessionClient((e) => events.push(e), { forceMainThread: true, loadMainThread: main.load });
    expect(client.label).toBe('on the main thread');
    client.send(configure(0.5));
    await flush();
    expect(events).toEqual([{ type: 'error', runId: 0, message: 'could not load the training engine: Failed to fetch dynamically imported module' }]);
    // Play does not try again (it waits); Reset does, and the configuration still waiting is applied (the reset and
    // the play are moot before a configure: it gives a fresh, paused run).
    client.send({ type: 'play' });
    await flush();
    expect(main.attempts).toBe(1);
    client.send({ type: 'reset' });
    await flush();
    expect(main.attempts).toBe(2);
    expect(main.handled.map((c) => c.type)).toEqual(['configure']);
    client.send({ type: 'play' });
    expect(main.handled.map((c) => c.type)).toEqual(['configure', 'play']);
  });

  it('tells a new session the timings kept from earlier visits first, and keeps those it reports, which the page never sees', async () => {
    const worker = fakeWorker();
    const main = fakeMainThread();
    const known = { 'GPU A': { 'digits-mlp': { gpu: 'webgl' as const, gpuMs: 4, wasmMs: 12, at: 1 } } };
    const written: TimingEvent[] = [];
    const events: SessionEvent[] = [];
    createSessionClient((e) => events.push(e), { startWorker: () => worker, loadMainThread: main.load, memory: { read: () => known, write: (e) => written.push(e) } });
    expect(worker.posted).toEqual([{ type: 'timings', known }]);
    const timing: TimingEvent = { type: 'timing', renderer: 'GPU A', workload: 'points-mlp', timing: { gpu: 'webgl', gpuMs: 30, wasmMs: 9, at: 2 } };
    worker.answer(timing as never);
    expect(written).toEqual([timing]);
    expect(events).toEqual([]);
    // The worker fails before its first run: the main thread is told them too, once, before the commands replayed.
    const replayed = fakeWorker();
    const fallback = fakeMainThread();
    createSessionClient(() => {}, { startWorker: () => replayed, loadMainThread: fallback.load, memory: { read: () => known, write: () => {} } }).send(configure(0.5));
    replayed.fail();
    await flush();
    expect(fallback.handled.map((c) => c.type)).toEqual(['timings', 'configure']);
  });

  it('tells a new session the WebGL renderer the page read, with the timings', () => {
    const worker = fakeWorker();
    const graphics = { renderer: 'GPU A', kind: 'hardware' as const };
    createSessionClient(() => {}, { startWorker: () => worker, memory: null, graphics });
    expect(worker.posted).toEqual([{ type: 'timings', known: {}, graphics }]);
  });

  it('without Worker support, training runs on the main thread from the start', async () => {
    const main = fakeMainThread();
    const client = createSessionClient(() => {}, { startWorker: null, loadMainThread: main.load });
    expect([client.mode, client.label]).toEqual(['main-thread', 'on the main thread']);
    expect(client.reason).toMatch(/no Web Worker support/);
  });
});
