import { describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { parseConfig } from '../config/schema';
import { readMnistBytes } from '../engine/testing/fixtures';
import type { SessionEvent } from './protocol';
import { TrainingSession } from './session';

const config = parseConfig({
  dataset: { name: 'xor', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 8 },
  activation: 'tanh',
  optimizer: { kind: 'sgd', learningRate: 0.1 },
  batchSize: 16,
  probe: { interval: 5, batchSize: 32, bins: 16, range: 8 },
});

function session() {
  const events: SessionEvent[] = [];
  const s = new TrainingSession({ emit: (e) => events.push(e), fetchMnist: readMnistBytes, backendOptions: {}, sliceMs: 5 });
  const until = async (pred: () => boolean, ms = 20_000) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const lastStep = () => [...events].reverse().find((e) => e.type === 'progress')?.step ?? -1;
  return { s, events, until, lastStep };
}

describe('training session (the worker’s side of the protocol)', () => {
  it('a change from the current step keeps the run going, and replays exactly from a link that holds it', async () => {
    const withDrop = parseConfig({ ...config, schedule: [{ step: 10, set: { learningRate: 0.01, batchSize: 8 } }] });
    const finalProbe = (events: SessionEvent[]) => events.flatMap((e) => (e.type === 'probe' && e.snapshot.step === 20 ? [e.snapshot] : []))[0];
    // Live: train to 10, then apply the change from step 10 on, then on to 20.
    const live = session();
    live.s.handle({ type: 'configure', config, backend: 'cpu' });
    live.s.handle({ type: 'runTo', step: 10 });
    await live.until(() => live.events.some((e) => e.type === 'progress' && e.step === 10 && !e.playing));
    live.s.handle({ type: 'schedule', config: withDrop });
    live.s.handle({ type: 'runTo', step: 20 });
    await live.until(() => finalProbe(live.events) !== undefined);
    expect(live.events.filter((e) => e.type === 'ready')).toHaveLength(1);
    // Replayed: the same schedule from the start, as a link gives it.
    const replay = session();
    replay.s.handle({ type: 'configure', config: withDrop, backend: 'cpu' });
    replay.s.handle({ type: 'runTo', step: 20 });
    await replay.until(() => finalProbe(replay.events) !== undefined);
    const a = finalProbe(live.events)!.arms;
    const b = finalProbe(replay.events)!.arms;
    expect(a.map((x) => [x.trainLoss, x.testLoss])).toEqual(b.map((x) => [x.trainLoss, x.testLoss]));
    // And the change did something: without it the losses differ.
    const plain = session();
    plain.s.handle({ type: 'configure', config, backend: 'cpu' });
    plain.s.handle({ type: 'runTo', step: 20 });
    await plain.until(() => finalProbe(plain.events) !== undefined);
    expect(finalProbe(plain.events)!.arms[0]!.trainLoss).not.toBe(a[0]!.trainLoss);
  });

  it('configures, steps exactly one at a time, runs to a step and stops there, and resets to 0', async () => {
    const { s, events, until, lastStep } = session();
    s.handle({ type: 'configure', config, backend: 'cpu' });
    await until(() => events.some((e) => e.type === 'probe'));
    const ready = events.find((e) => e.type === 'ready');
    expect(ready && ready.type === 'ready' && ready.backend.name).toBe('cpu');
    s.handle({ type: 'step' });
    await until(() => lastStep() === 1);
    s.handle({ type: 'runTo', step: 12 });
    await until(() => lastStep() === 12 && events.some((e) => e.type === 'progress' && e.step === 12 && !e.playing));
    await new Promise((r) => setTimeout(r, 50));
    expect(lastStep()).toBe(12);
    const probeSteps = events.flatMap((e) => (e.type === 'probe' ? [e.snapshot.step] : []));
    // The manual step at 1 is probed off the schedule, so the page shows that very step.
    expect(probeSteps).toEqual([0, 1, 5, 10, 12]);
    s.handle({ type: 'reset' });
    await until(() => events.filter((e) => e.type === 'ready').length === 2);
    await until(() => lastStep() === 0);
  });

  it('plays and pauses', async () => {
    const { s, events, until, lastStep } = session();
    s.handle({ type: 'configure', config, backend: 'cpu' });
    await until(() => events.some((e) => e.type === 'probe'));
    s.handle({ type: 'play' });
    await until(() => lastStep() >= 20);
    s.handle({ type: 'pause' });
    await until(() => events.some((e) => e.type === 'progress' && !e.playing && e.step >= 20));
    const paused = lastStep();
    await new Promise((r) => setTimeout(r, 100));
    expect(lastStep()).toBe(paused);
  });
});
