import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { parseConfig } from '../config/schema';
import type { SessionEvent } from '../worker/protocol';
import { TrainingSession } from '../worker/session';
import { createLabStore } from './labStore';

const config = parseConfig({
  dataset: { name: 'xor', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 8 },
  probe: { interval: 5, batchSize: 32, bins: 16, range: 8 },
});

/** Real events of two runs of one session (run 1, then a reset's run 2), each up to its first probe. */
let runs: Map<number, SessionEvent[]>;

beforeAll(async () => {
  const events: SessionEvent[] = [];
  const session = new TrainingSession({ emit: (e) => events.push(e), fetchMnist: () => Promise.reject(new Error('not used')), backendOptions: {}, sliceMs: 5 });
  const probes = () => events.filter((e) => e.type === 'probe').length;
  const until = async (n: number) => {
    const t0 = Date.now();
    while (probes() < n) {
      if (Date.now() - t0 > 60_000) throw new Error('timed out waiting for a probe');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  session.handle({ type: 'configure', config, backend: 'cpu' });
  await until(1);
  session.handle({ type: 'reset' });
  await until(2);
  runs = new Map([1, 2].map((id) => [id, events.filter((e) => e.runId === id)]));
});

const of = (runId: number, type: SessionEvent['type']) => runs.get(runId)!.find((e) => e.type === type)!;

describe('the lab store takes each event only for the run it names', () => {
  it('ignores a snapshot, a progress, a phase or an error from a run older than the one on screen', () => {
    const store = createLabStore(config);
    const { receive } = store.getState();
    runs.get(1)!.forEach(receive);
    receive(of(2, 'ready'));
    const before = store.getState();
    expect(before.run.runId).toBe(2);
    receive(of(1, 'probe'));
    receive({ type: 'progress', runId: 1, step: 40, playing: true, stepsPerSecond: 100 });
    receive({ type: 'status', runId: 1, phase: 'build' });
    receive({ type: 'error', runId: 1, message: 'a probe of the old run failed' });
    const after = store.getState();
    expect(after.run).toBe(before.run);
    expect(after.revision).toBe(before.revision);
    expect(after.latest).toBeNull();
    expect(after.history[0]!.steps).toEqual([]);
    expect(after.waiting).toBe(before.waiting);
    // The current run's own probe is taken.
    receive(of(2, 'probe'));
    expect(store.getState().history[0]!.steps).toEqual([0]);
    expect(store.getState().run.status).toBe('ready');
  });

  it('a run is built once: its ready event again does not wipe its history', () => {
    const store = createLabStore(config);
    runs.get(1)!.forEach(store.getState().receive);
    const revision = store.getState().revision;
    store.getState().receive(of(1, 'ready'));
    expect(store.getState().history[0]!.steps).toEqual([0]);
    expect(store.getState().revision).toBe(revision);
  });

  it('shows an error of the run on screen or of the one being built, until a new attempt begins', () => {
    const store = createLabStore(config);
    const { receive } = store.getState();
    runs.get(1)!.forEach(receive);
    receive({ type: 'error', runId: 2, message: 'could not load the MNIST digits (mnist.bin): Failed to fetch' });
    expect(store.getState().run).toMatchObject({ status: 'error', error: 'could not load the MNIST digits (mnist.bin): Failed to fetch' });
    // Reset: the session starts over, and says what it waits for.
    receive({ type: 'status', runId: 2, phase: 'data', dataset: 'mnist' });
    expect(store.getState().run).toMatchObject({ status: 'starting', error: null });
    expect(store.getState().waiting.map((w) => w.phase.phase)).toEqual(['data']);
    receive(of(2, 'ready'));
    expect(store.getState().run).toMatchObject({ runId: 2, status: 'ready', error: null });
  });
});
