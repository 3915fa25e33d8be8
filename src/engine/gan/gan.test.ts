import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { gaussianArray } from '../init';
import { createRng } from '../random';
import { tf } from '../tf';
import { GanTrainer, type GeneratorWeights } from './gan';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Small enough for the cpu backend in a unit test; the same code as the lab's and the CLI's GAN. */
const SMALL = { hidden: 12, batchSize: 16, probeSamples: 64, noiseDim: 3 };
const PLAIN = 0;
const BN = 1;

/**
 * The generator in float64 JavaScript, independent of tfjs and of src/engine/norm: batch norm with the batch's
 * mean and biased variance ('train') or with the running averages ('inference'). Returns the output and each
 * hidden layer's input to batch norm.
 */
function referenceGenerator(wts: GeneratorWeights, z: Float32Array, mode: 'train' | 'inference', eps: number): { out: number[][]; pre: number[][][] } {
  const nIn = wts.dense[0]!.shape[0];
  let h: number[][] = Array.from({ length: z.length / nIn }, (_, i) => Array.from(z.subarray(i * nIn, (i + 1) * nIn)));
  const pre: number[][][] = [];
  wts.dense.forEach((l, li) => {
    const fo = l.shape[1];
    h = h.map((row) => Array.from({ length: fo }, (_, j) => row.reduce((s, v, i) => s + v * l.w[i * fo + j]!, l.b[j]!)));
    if (li === wts.dense.length - 1) return;
    if (wts.gamma.length) {
      pre.push(h);
      const m = h.length;
      const mean = Array.from({ length: fo }, (_, j) => (mode === 'train' ? h.reduce((s, r) => s + r[j]!, 0) / m : wts.runningMean[li]![j]!));
      const variance = Array.from({ length: fo }, (_, j) => (mode === 'train' ? h.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / m : wts.runningVariance[li]![j]!));
      h = h.map((r) => r.map((v, j) => wts.gamma[li]![j]! * ((v - mean[j]!) / Math.sqrt(variance[j]! + eps)) + wts.beta[li]![j]!));
    }
    h = h.map((r) => r.map((v) => Math.max(0, v)));
  });
  return { out: h, pre };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('GanTrainer', () => {
  it('is deterministic: the same seed gives the same samples and losses, another seed others', async () => {
    const run = async (seed: number) => {
      const t = new GanTrainer({ ...SMALL, seed });
      t.train(15);
      const p = await t.probe();
      t.dispose();
      return p;
    };
    const a = await run(4);
    const b = await run(4);
    const c = await run(5);
    for (let i = 0; i < 2; i++) {
      expect(b.arms[i]!.samples).toEqual(a.arms[i]!.samples);
      expect(b.arms[i]!.dLoss).toBe(a.arms[i]!.dLoss);
      expect(b.arms[i]!.gLoss).toBe(a.arms[i]!.gLoss);
      expect(c.arms[i]!.samples).not.toEqual(a.arms[i]!.samples);
    }
    expect(a.step).toBe(15);
    expect(Number.isFinite(a.arms[0]!.dLoss)).toBe(true);
  });

  it('leaks no tensors over many steps and probes', async () => {
    const t = new GanTrainer(SMALL);
    t.train(2);
    await t.probe();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      t.train(8);
      await t.probe();
      await t.generate(BN, new Float32Array(4 * SMALL.noiseDim), 'train');
      await t.generatorWeights(BN);
    }
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('starts both arms from the same weights', async () => {
    const t = new GanTrainer(SMALL);
    const [plain, bn] = await Promise.all([t.generatorWeights(PLAIN), t.generatorWeights(BN)]);
    expect(bn.dense).toEqual(plain.dense);
    expect(plain.gamma).toEqual([]);
    expect(bn.gamma.map((g) => Array.from(g))).toEqual([new Array(12).fill(1), new Array(12).fill(1)]);
    expect(bn.runningVariance.map((v) => Array.from(v))).toEqual([new Array(12).fill(1), new Array(12).fill(1)]);
    t.dispose();
  });
});

describe("batch norm in the generator behaves as src/engine/norm's", () => {
  it('training mode normalizes with the batch statistics, inference mode with the running averages', async () => {
    const t = new GanTrainer({ ...SMALL, seed: 7 });
    t.train(20);
    const wts = await t.generatorWeights(BN);
    const z = gaussianArray(32 * SMALL.noiseDim, 1, createRng(99, 'test'));
    const eps = t.config.epsilon;
    for (const mode of ['train', 'inference'] as const) {
      const got = await t.generate(BN, z, mode);
      const ref = referenceGenerator(wts, z, mode, eps).out.flat();
      expect(maxAbsDiff(got, ref)).toBeLessThan(1e-4);
    }
    // Training mode: a sample's output depends on the rest of its batch; inference mode: on its own noise alone.
    const half = z.subarray(0, 16 * SMALL.noiseDim);
    const [trainFull, trainHalf, infFull, infHalf] = await Promise.all([t.generate(BN, z, 'train'), t.generate(BN, half, 'train'), t.generate(BN, z, 'inference'), t.generate(BN, half, 'inference')]);
    expect(maxAbsDiff(trainHalf, trainFull.subarray(0, 32))).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(infHalf, infFull.subarray(0, 32))).toBeLessThan(1e-6);
    t.dispose();
  });

  it("updates the running averages from the discriminator step's generator batch, PyTorch's convention", async () => {
    const t = new GanTrainer({ ...SMALL, seed: 3 });
    const before = await t.generatorWeights(BN);
    t.train(1);
    const after = await t.generatorWeights(BN);
    // The first noise batch of the 'gan-noise' stream is the discriminator step's.
    const zD = gaussianArray(SMALL.batchSize * SMALL.noiseDim, 1, createRng(3, 'gan-noise'));
    const { pre } = referenceGenerator(before, zD, 'train', t.config.epsilon);
    const m = SMALL.batchSize;
    const mom = t.config.bnMomentum;
    pre.forEach((h, li) => {
      const mean = h[0]!.map((_, j) => h.reduce((s, r) => s + r[j]!, 0) / m);
      const unbiased = h[0]!.map((_, j) => h.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / (m - 1));
      expect(maxAbsDiff(after.runningMean[li]!, mean.map((v) => mom * v))).toBeLessThan(1e-5);
      expect(maxAbsDiff(after.runningVariance[li]!, unbiased.map((v) => (1 - mom) + mom * v))).toBeLessThan(1e-4);
    });
    t.dispose();
  });

  it('the probe draws inference-mode samples and also reports training-mode coverage for the BN arm only', async () => {
    const t = new GanTrainer(SMALL);
    t.train(5);
    const p = await t.probe();
    const z = gaussianArray(SMALL.probeSamples * SMALL.noiseDim, 1, createRng(t.config.seed, 'gan-probe-noise'));
    expect(p.arms[BN]!.samples).toEqual(await t.generate(BN, z, 'inference'));
    expect(p.arms[PLAIN]!.trainModeCoverage).toBeNull();
    expect(p.arms[BN]!.trainModeCoverage).not.toBeNull();
    t.dispose();
  });
});
