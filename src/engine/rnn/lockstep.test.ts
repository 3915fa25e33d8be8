import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf';
import type { Dataset } from '../data/types';
import { createRng } from '../random';
import { rnnConfigSchema, type RnnConfig } from './config';
import { RnnLockstep, runRnn, type RnnProbe } from './lockstep';
import { clipByGlobalNorm, initialWeights } from './train';

/**
 * The three-arm recurrent run on a small seeded stand-in for MNIST (784-pixel "digits" whose top rows are blank, as
 * real digits' are), so the tests are quick on the cpu backend: lockstep, determinism, no tensor leaks, and
 * per-time-step batch statistics. The real digits run in the CLI and the lab.
 */
function standIn(seed: number, numTrain = 96, numTest = 40): Dataset {
  const rng = createRng(seed, 'rnn-stand-in');
  const digits = (n: number) => {
    const x = new Float32Array(n * 784);
    // Rows 0–3 blank; the rest a label-dependent stripe plus noise, so there is something to learn.
    const y = Uint8Array.from({ length: n }, () => rng.int(10));
    for (let i = 0; i < n; i++) for (let p = 4 * 28; p < 784; p++) x[i * 784 + p] = Math.max(0, (p % 28 === 2 * y[i]! + 4 ? 1 : 0) + 0.3 * rng.normal());
    return { x, y };
  };
  const train = digits(numTrain);
  const test = digits(numTest);
  return { name: 'mnist', inputShape: [784], numClasses: 10, trainX: train.x, trainY: train.y, testX: test.x, testY: test.y, numTrain, numTest };
}

const small = (over: Partial<RnnConfig> = {}): RnnConfig => rnnConfigSchema.parse({ hidden: 12, batchSize: 8, testSize: 40, probeEvery: 5, ...over });

const live: RnnLockstep[] = [];
const lockstep = (config: RnnConfig, data = standIn(1)) => {
  const t = new RnnLockstep(config, data);
  live.push(t);
  return t;
};
afterEach(() => live.splice(0).forEach((t) => t.dispose()));

async function probes(config: RnnConfig, steps: number): Promise<RnnProbe[]> {
  const out: RnnProbe[] = [];
  await runRnn(lockstep(config), steps, (p) => out.push(p));
  return out;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('RnnLockstep', () => {
  it('starts the three arms from the same weights, and gives the same probes from the same seed', async () => {
    const t = lockstep(small());
    const [none, layer, batch] = t.arms;
    for (const name of ['wx', 'wh', 'wo'] as const) {
      const ref = await none!.params[name].data();
      expect(await layer!.params[name].data()).toEqual(ref);
      expect(await batch!.params[name].data()).toEqual(ref);
    }
    const a = await probes(small({ seed: 7 }), 10);
    const b = await probes(small({ seed: 7 }), 10);
    const c = await probes(small({ seed: 8 }), 10);
    expect(a).toEqual(b);
    expect(a.map((p) => p.step)).toEqual([0, 5, 10]);
    expect(c[2]!.arms[0]!.testLoss).not.toBe(a[2]!.arms[0]!.testLoss);
  });

  it('draws W_h orthogonal: W_hᵀ W_h = I', () => {
    const { wh } = initialWeights({ input: 28, hidden: 16, classes: 10, steps: 28 }, 3);
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        let dot = 0;
        for (let k = 0; k < 16; k++) dot += wh[k * 16 + i]! * wh[k * 16 + j]!;
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 5);
      }
    }
  });

  it('keeps tf.memory().numTensors flat over many steps and probes, and frees everything on dispose', async () => {
    const before = tf.memory().numTensors;
    const t = new RnnLockstep(small({ probeEvery: 4 }), standIn(2));
    await runRnn(t, 4, () => {});
    const settled = tf.memory().numTensors;
    await runRnn(t, 24, () => {});
    expect(tf.memory().numTensors).toBe(settled);
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('learns: every arm’s training loss falls from its start', async () => {
    const p = await probes(small({ learningRate: 0.01, probeEvery: 15 }), 15);
    for (const [i, arm] of p[0]!.arms.entries()) expect(p[p.length - 1]!.arms[i]!.trainLoss, arm.norm).toBeLessThan(arm.trainLoss);
  });

  it('keeps batch norm’s statistics per time step: where the digits are blank, every example has the same a_t', async () => {
    const t = lockstep(small());
    await runRnn(t, 20, () => {});
    const batch = t.arms[2]!;
    const variance = (await batch.running!.variance.array()) as number[][];
    const mean = (await batch.running!.mean.array()) as number[][];
    expect(variance).toHaveLength(28);
    // Rows 1–4 are blank and h_0 = 0, so a_t = h_{t−1} W_h is the same for every example there: each batch adds a
    // variance of 0 and the start (1) decays by (1 − 0.1) a step. Row 1's a_t is 0 itself, so its mean stays 0.
    // Later rows see the digit and keep statistics of their own.
    for (let t0 = 0; t0 < 4; t0++) for (const v of variance[t0]!) expect(v).toBeCloseTo(0.9 ** 20, 6);
    for (const m of mean[0]!) expect(m).toBe(0);
    expect(mean[20]!.some((m) => Math.abs(m) > 1e-3)).toBe(true);
    expect(variance[20]!.some((v) => Math.abs(v - 0.9 ** 20) > 1e-3)).toBe(true);
  });

  it('reports per-time-step statistics: a_1 is 0 in every arm, and layer norm’s tanh input has std ≈ γ on rows with data', async () => {
    const p = await probes(small(), 5);
    for (const arm of p[1]!.arms) {
      expect(arm.preStd).toHaveLength(28);
      expect(arm.preStd[0]).toBe(0);
      expect(arm.preStd[10]).toBeGreaterThan(0);
    }
    // Layer norm: each example's units have mean β and std ≈ γ; with γ and β near their start (1, 0) after 5 steps,
    // the pooled std of the tanh input is near 1 on every row that has data.
    const layer = p[1]!.arms[1]!;
    for (let t0 = 5; t0 < 28; t0++) expect(layer.inStd[t0]).toBeGreaterThan(0.8);
  });
});

describe('clipByGlobalNorm', () => {
  it('scales gradients to the bound and leaves smaller ones alone', async () => {
    const g = [tf.tensor1d([3, 0]), tf.tensor1d([0, 4])];
    const clipped = clipByGlobalNorm(g, 1);
    expect(Array.from(await clipped[0]!.data())).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(Array.from(await clipped[1]!.data())).toEqual([0, expect.closeTo(0.8, 6)]);
    const kept = clipByGlobalNorm(g, 10);
    expect(Array.from(await kept[1]!.data())).toEqual([0, 4]);
    expect(clipByGlobalNorm(g, 0)).toEqual(g);
    tf.dispose([...g, ...clipped, ...kept]);
  });
});
