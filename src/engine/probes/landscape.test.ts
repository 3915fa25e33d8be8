import { describe, expect, it } from 'vitest';
import { tf } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { ExperimentConfigInput } from '../../config/schema';
import { runLockstep } from '../run';
import { LockstepTrainer } from '../trainer';
import { configAndData } from '../testing/fixtures';
import { normReference } from '../testing/reference';
import { LANDSCAPE_MULTIPLIERS } from './landscape';

/**
 * The loss landscape along the gradient against an independent float64 computation in plain JavaScript: a tiny
 * tanh network's loss and its gradient by hand-written backpropagation (batch norm's through the closed-form
 * float64 reference), at w and at each w − η_k g.
 */

const tiny = (norm: 'none' | 'batch'): ExperimentConfigInput => ({
  seed: 11,
  dataset: { name: 'spirals', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 5 },
  activation: 'tanh',
  init: { scheme: 'glorot', scale: 1 },
  optimizer: { kind: 'sgd', learningRate: 0.3 },
  batchSize: 12,
  normalization: { placement: 'before', momentum: 0.1, epsilon: 1e-3, affine: true },
  arms: [{ norm }],
  probe: { interval: 5, batchSize: 32, bins: 16, range: 8, landscape: true },
});

type Params = Map<string, Float64Array>;

/** Mean softmax cross-entropy of the network and its gradient, in float64: dense → [batch norm] → tanh, then a classifier. */
function lossAndGradient(params: Params, x: Float64Array, labels: Int32Array, dims: number[], classes: number, bn: boolean, eps: number): { loss: number; grads: Params } {
  const B = labels.length;
  const matmul = (a: Float64Array, w: Float64Array, rows: number, inner: number, cols: number) => {
    const out = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let k = 0; k < inner; k++) for (let c = 0; c < cols; c++) out[r * cols + c]! += a[r * inner + k]! * w[k * cols + c]!;
    return out;
  };
  const layers = dims.length - 1;
  const hs: Float64Array[] = [x];
  const zs: Float64Array[] = [];
  const acts: Float64Array[] = [];
  let h = x;
  for (let i = 0; i < layers; i++) {
    const [inner, units] = [dims[i]!, dims[i + 1]!];
    const z = matmul(h, params.get(`hidden${i}.weight`)!, B, inner, units);
    const bias = params.get(`hidden${i}.bias`);
    if (bias) for (let r = 0; r < B; r++) for (let c = 0; c < units; c++) z[r * units + c]! += bias[c]!;
    zs.push(z);
    const y = bn ? normReference(z, params.get(`hidden${i}.gamma`)!, params.get(`hidden${i}.beta`)!, new Float64Array(z.length), (j) => j % units, units, (j) => j % units, eps).y : z;
    h = y.map(Math.tanh);
    acts.push(h);
    hs.push(h);
  }
  const fan = dims[layers]!;
  const logits = matmul(h, params.get('classifier.weight')!, B, fan, classes);
  const cb = params.get('classifier.bias')!;
  let loss = 0;
  const dLogits = new Float64Array(B * classes);
  for (let r = 0; r < B; r++) {
    const row = Array.from({ length: classes }, (_, c) => logits[r * classes + c]! + cb[c]!);
    const top = Math.max(...row);
    const sum = row.reduce((a, v) => a + Math.exp(v - top), 0);
    loss -= row[labels[r]!]! - top - Math.log(sum);
    row.forEach((v, c) => (dLogits[r * classes + c] = (Math.exp(v - top) / sum - (c === labels[r] ? 1 : 0)) / B));
  }
  const grads: Params = new Map();
  const transposeMatmul = (a: Float64Array, b: Float64Array, rows: number, aCols: number, bCols: number) => {
    // aᵀ·b for a [rows × aCols], b [rows × bCols].
    const out = new Float64Array(aCols * bCols);
    for (let r = 0; r < rows; r++) for (let i = 0; i < aCols; i++) for (let j = 0; j < bCols; j++) out[i * bCols + j]! += a[r * aCols + i]! * b[r * bCols + j]!;
    return out;
  };
  const backInput = (d: Float64Array, w: Float64Array, rows: number, inner: number, cols: number) => {
    // d·wᵀ for d [rows × cols], w [inner × cols].
    const out = new Float64Array(rows * inner);
    for (let r = 0; r < rows; r++) for (let k = 0; k < inner; k++) for (let c = 0; c < cols; c++) out[r * inner + k]! += d[r * cols + c]! * w[k * cols + c]!;
    return out;
  };
  const colSums = (d: Float64Array, cols: number) => {
    const out = new Float64Array(cols);
    d.forEach((v, j) => (out[j % cols]! += v));
    return out;
  };
  grads.set('classifier.weight', transposeMatmul(h, dLogits, B, fan, classes));
  grads.set('classifier.bias', colSums(dLogits, classes));
  let dh = backInput(dLogits, params.get('classifier.weight')!, B, fan, classes);
  for (let i = layers - 1; i >= 0; i--) {
    const [inner, units] = [dims[i]!, dims[i + 1]!];
    const dy = dh.map((v, j) => v * (1 - acts[i]![j]! ** 2));
    let dz: Float64Array = dy;
    if (bn) {
      const ref = normReference(zs[i]!, params.get(`hidden${i}.gamma`)!, params.get(`hidden${i}.beta`)!, dy, (j) => j % units, units, (j) => j % units, eps);
      dz = ref.dx;
      grads.set(`hidden${i}.gamma`, ref.dGamma);
      grads.set(`hidden${i}.beta`, ref.dBeta);
    }
    if (params.has(`hidden${i}.bias`)) grads.set(`hidden${i}.bias`, colSums(dz, units));
    grads.set(`hidden${i}.weight`, transposeMatmul(hs[i]!, dz, B, inner, units));
    dh = backInput(dz, params.get(`hidden${i}.weight`)!, B, inner, units);
  }
  return { loss: loss / B, grads };
}

const norm2 = (a: Params, b?: Params) => {
  let s = 0;
  for (const [k, v] of a) v.forEach((x, j) => (s += (x - (b ? b.get(k)![j]! : 0)) ** 2));
  return Math.sqrt(s);
};

describe.each(['cpu', 'wasm'])('loss landscape along the gradient (%s)', (backend) => {
  it.each(['none', 'batch'] as const)('matches a float64 computation of the loss and gradient at each step (%s)', async (norm) => {
    await tf.setBackend(backend);
    const { config, dataset } = await configAndData(tiny(norm));
    const t = new LockstepTrainer(config, dataset);
    try {
      await runLockstep(t, 7);
      const snap = await t.probe();
      const got = snap.arms[0]!.landscape!;
      const arm = t.arms[0]!;
      const params: Params = new Map(arm.layout.map((p, i) => [p.name, Float64Array.from(arm.params[i]!.dataSync())]));
      const batch = (t as unknown as { sampler: { peek(): Int32Array } }).sampler.peek();
      const x = Float64Array.from(Array.from(batch).flatMap((r) => Array.from(dataset.trainX.subarray(r * 2, r * 2 + 2))));
      const labels = Int32Array.from(batch, (r) => dataset.trainY[r]!);
      const dims = [2, 5, 5];
      const here = lossAndGradient(params, x, labels, dims, 2, norm === 'batch', 1e-3);
      expect(got.lossHere).toBeCloseTo(here.loss, 5);
      expect(got.gradNorm / norm2(here.grads)).toBeCloseTo(1, 4);
      expect(Array.from(got.stepSizes)).toEqual(LANDSCAPE_MULTIPLIERS.map((k) => Math.fround(0.3 * k)));
      let beta = 0;
      got.stepSizes.forEach((eta, k) => {
        const moved: Params = new Map([...params].map(([name, w]) => [name, w.map((v, j) => v - eta * here.grads.get(name)![j]!)]));
        const there = lossAndGradient(moved, x, labels, dims, 2, norm === 'batch', 1e-3);
        expect(got.loss[k]).toBeCloseTo(there.loss, 4);
        const change = norm2(here.grads, there.grads);
        expect(got.gradientChange[k]! / change).toBeCloseTo(1, 3);
        beta = Math.max(beta, change / (eta * norm2(here.grads)));
      });
      expect(got.betaSmoothness / beta).toBeCloseTo(1, 3);
      expect(got.lossRange[0]).toBe(Math.min(got.lossHere, ...got.loss));
      expect(got.lossRange[1]).toBe(Math.max(got.lossHere, ...got.loss));
      expect(got.gradientChangeRange).toEqual([Math.min(...got.gradientChange), Math.max(...got.gradientChange)]);
    } finally {
      t.dispose();
    }
  });

  it('is measured only when asked for, and leaks no tensor', async () => {
    await tf.setBackend(backend);
    const { config, dataset } = await configAndData(tiny('batch'));
    const before = tf.memory().numTensors;
    const plain = new LockstepTrainer({ ...config, probe: { ...config.probe, landscape: false } }, dataset);
    const t = new LockstepTrainer(config, dataset);
    try {
      expect((await plain.probe()).arms[0]!.landscape).toBeUndefined();
      await runLockstep(t, 3);
      const start = tf.memory().numTensors;
      await runLockstep(t, 30);
      expect(tf.memory().numTensors).toBe(start);
    } finally {
      t.dispose();
      plain.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
