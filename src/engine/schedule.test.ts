import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import type { ExperimentConfigInput, ScheduleEvent } from '../config/schema';
import type { LockstepTrainer } from './trainer';
import { BatchSampler } from './batches';
import { trainerFixture } from './testing/fixtures';

/** A small spirals net: fast on the cpu backend, with a batch-norm arm and a plain one. */
const base: ExperimentConfigInput = {
  seed: 4,
  dataset: { name: 'spirals', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 8 },
  activation: 'relu',
  init: { scheme: 'he', scale: 1 },
  optimizer: { kind: 'sgd', learningRate: 0.2 },
  batchSize: 16,
  arms: [{ norm: 'none' }, { norm: 'batch' }],
  probe: { interval: 5, batchSize: 32, bins: 8, range: 4 },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const fixture = trainerFixture();
const trainer = (schedule: ScheduleEvent[], extra: Partial<ExperimentConfigInput> = {}) => fixture.trainer({ ...base, ...extra, schedule });

const weights = (t: LockstepTrainer, arm: number, role = 'weight') =>
  t.arms[arm]!.params.filter((_, i) => t.arms[arm]!.layout[i]!.role === role).map((p) => p.dataSync().slice());
const running = (t: LockstepTrainer, arm: number) => t.arms[arm]!.running.flatMap((r) => (r ? [r.mean.dataSync().slice(), r.variance.dataSync().slice()] : []));
const run = (t: LockstepTrainer, steps: number) => {
  for (let i = 0; i < steps; i++) t.trainStep();
};

describe('a schedule of changes during the run', () => {
  it('a learning-rate change takes effect from its step: the SGD update after it scales with the new rate', async () => {
    const a = await trainer([{ step: 5, set: { learningRate: 0.1 } }]);
    const b = await trainer([{ step: 5, set: { learningRate: 0.05 } }]);
    run(a, 5);
    run(b, 5);
    const w5a = weights(a, 0);
    expect(weights(b, 0)).toEqual(w5a); // the same run up to the event
    run(a, 1);
    run(b, 1);
    // Plain SGD: w6 − w5 = −lr·g with the same g, so the two updates differ by exactly the rates' ratio.
    const da = weights(a, 0).flatMap((w, l) => Array.from(w, (v, k) => v - w5a[l]![k]!));
    const db = weights(b, 0).flatMap((w, l) => Array.from(w, (v, k) => v - w5a[l]![k]!));
    const big = da.map((d, k) => [d, db[k]!] as const).filter(([d]) => Math.abs(d) > 1e-4);
    expect(big.length).toBeGreaterThan(10);
    for (const [d, e] of big) expect(e / d).toBeCloseTo(0.5, 2);
  });

  it('an event that sets what is already set changes nothing, bit for bit', async () => {
    const plain = await trainer([]);
    const same = await trainer([{ step: 3, set: { learningRate: 0.2, batchSize: 16, bnMomentum: 0.1, bnMode: 'train', affine: true } }]);
    run(plain, 12);
    run(same, 12);
    for (const arm of [0, 1]) expect(weights(same, arm)).toEqual(weights(plain, arm));
    expect(running(same, 1)).toEqual(running(plain, 1));
  });

  it('an arm with its own learning rate keeps its ratio to the base rate', async () => {
    const t = await trainer([{ step: 2, set: { learningRate: 0.1 } }], { arms: [{ norm: 'none' }, { norm: 'batch', learningRate: 1 }] });
    expect(t.arms.map((a) => a.learningRate)).toEqual([0.2, 1]);
    run(t, 3);
    expect(t.arms[0]!.learningRate).toBeCloseTo(0.1, 12);
    expect(t.arms[1]!.learningRate).toBeCloseTo(0.5, 12);
  });

  it('freezing γ and β keeps them while the weights go on learning', async () => {
    const t = await trainer([{ step: 4, set: { affine: false } }]);
    run(t, 4);
    const gamma = weights(t, 1, 'gamma');
    const beta = weights(t, 1, 'beta');
    const w = weights(t, 1);
    run(t, 4);
    expect(weights(t, 1, 'gamma')).toEqual(gamma);
    expect(weights(t, 1, 'beta')).toEqual(beta);
    expect(weights(t, 1)).not.toEqual(w);
  });

  it('batch norm in inference mode freezes the running statistics and keeps training finite', async () => {
    const t = await trainer([{ step: 6, set: { bnMode: 'inference' } }]);
    run(t, 6);
    const stats = running(t, 1);
    const w = weights(t, 1);
    run(t, 6);
    expect(running(t, 1)).toEqual(stats);
    expect(weights(t, 1)).not.toEqual(w);
    const snap = await t.probe();
    expect(Number.isFinite(snap.arms[1]!.trainLoss)).toBe(true);
  });

  it('a batch-norm momentum change reaches the running statistics', async () => {
    const slow = await trainer([{ step: 2, set: { bnMomentum: 0.001 } }]);
    const fast = await trainer([{ step: 2, set: { bnMomentum: 1 } }]);
    run(slow, 3);
    run(fast, 3);
    // Momentum 1 replaces the running mean with the last batch's mean; 0.001 barely moves it from step 2's.
    const [slowMean] = running(slow, 1);
    const [fastMean] = running(fast, 1);
    expect(slowMean).not.toEqual(fastMean);
  });

  it('a batch-size change gives batches of the new size from its step on', async () => {
    const t = await trainer([{ step: 3, set: { batchSize: 4 } }]);
    run(t, 3);
    expect(t.current.batchSize).toBe(16);
    run(t, 1);
    expect(t.current.batchSize).toBe(4);
  });

  it('a sampler at a constant batch size gives the same batches as one that never changes', () => {
    const a = new BatchSampler(50, 8, 9);
    const b = new BatchSampler(50, 8, 9);
    for (let i = 0; i < 20; i++) expect(Array.from(a.next())).toEqual(Array.from(b.next()));
    b.batchSize = 5;
    expect(b.next().length).toBe(5);
  });

  it('the past of a schedule cannot change, the future can', async () => {
    const t = await trainer([{ step: 2, set: { learningRate: 0.1 } }]);
    run(t, 4);
    expect(() => t.setSchedule([])).toThrow(/before the current step/);
    t.setSchedule([{ step: 2, set: { learningRate: 0.1 } }, { step: 4, set: { learningRate: 0.01 } }]);
    run(t, 1);
    expect(t.arms[0]!.learningRate).toBeCloseTo(0.01, 12);
  });

  it('leaks no tensors over scheduled changes', async () => {
    const t = await trainer([
      { step: 3, set: { learningRate: 0.1, affine: false } },
      { step: 6, set: { bnMode: 'inference', batchSize: 8 } },
    ]);
    run(t, 2);
    const n = tf.memory().numTensors;
    run(t, 10);
    await t.probe();
    expect(tf.memory().numTensors).toBe(n);
  });
});
