import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import { batchNorm, batchNormInference, batchMoments, kerasMomentum, updateRunningStats } from './batch';
import { standardizeBackward } from './standardize';
import { normReference, relativeError } from '../testing/reference';
import { normCase, normNumericsSuite } from '../testing/normChecks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Batch norm written with plain ops, left to autodiff: the comparison point for the custom gradient. */
function plainBatchNorm(x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: { epsilon: number }): Tensor {
  const axes = x.rank === 2 ? [0] : [0, 1, 2];
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

// Batch norm's statistics are per channel (the last axis), over every other axis.
describe('batchNorm on 2-D [batch, features]', () => {
  normNumericsSuite(batchNorm, plainBatchNorm, [32, 7], (i) => i % 7, 7);
});
describe('batchNorm on 4-D NHWC, per channel over batch, height and width', () => {
  normNumericsSuite(batchNorm, plainBatchNorm, [4, 5, 3, 6], (i) => i % 6, 6);
});

describe('the §3 intermediates', () => {
  it.each([[[32, 7]], [[4, 5, 3, 6]]])('∂ℓ/∂x̂, ∂ℓ/∂σ², ∂ℓ/∂μ have the right shapes and ∂ℓ/∂x sums to zero per channel (%j)', (shape) => {
    const c = shape[shape.length - 1]!;
    const { x, gamma, dy, epsilon } = normCase(shape, 15, (i) => i % c, c);
    const axes = shape.length === 2 ? [0] : [0, 1, 2];
    const terms = standardizeBackward(tf.tensor(x, shape), tf.tensor1d(gamma), tf.tensor(dy, shape), { statAxes: axes, paramAxes: axes }, epsilon);
    expect(terms.dXhat.shape).toEqual(shape);
    expect(terms.dVariance.size).toBe(c);
    expect(terms.dMean.size).toBe(c);
    // Shifting a whole channel by a constant leaves BN's output unchanged, so its gradient sums to zero.
    for (const v of tf.sum(terms.dx, axes).dataSync()) expect(Math.abs(v)).toBeLessThan(1e-3);
    tf.dispose(Object.values(terms));
  });
});

describe('running statistics and inference mode', () => {
  const refMoments = (x: Float32Array, c: number) =>
    normReference(x, new Float32Array(c).fill(1), new Float32Array(c), new Float32Array(x.length), (i) => i % c, c, (i) => i % c, 0);

  it('update with PyTorch momentum and store the unbiased variance m/(m−1)·σ²_B', () => {
    const { x, c } = normCase([10, 4], 21, (i) => i % 4, 4);
    const xt = tf.tensor(x, [10, 4]);
    const { mean, variance, count } = batchMoments(xt);
    expect(count).toBe(10);
    const ref = refMoments(x, c);
    const run = updateRunningStats(tf.zeros([c]), tf.ones([c]), mean, variance, count, 0.1);
    const rm = run.mean.dataSync();
    const rv = run.variance.dataSync();
    for (let j = 0; j < c; j++) {
      expect(rm[j]).toBeCloseTo(0.1 * ref.mean[j]!, 5);
      expect(rv[j]).toBeCloseTo(0.9 + 0.1 * ref.variance[j]! * (10 / 9), 4);
    }
    tf.dispose([xt, mean, variance, run.mean, run.variance]);
  });

  it('counts a convolution’s statistics over batch, height and width (m = N·H·W)', () => {
    const xt = tf.ones([2, 3, 4, 5]);
    const { mean, variance, count } = batchMoments(xt);
    expect(count).toBe(24);
    expect(mean.shape).toEqual([5]);
    tf.dispose([xt, mean, variance]);
  });

  it('converge to the population mean and unbiased variance when fed the same batch', () => {
    const { x, c } = normCase([8, 3], 22, (i) => i % 3, 3);
    const xt = tf.tensor(x, [8, 3]);
    const { mean, variance, count } = batchMoments(xt);
    let rm: Tensor = tf.zeros([c]);
    let rv: Tensor = tf.ones([c]);
    for (let k = 0; k < 400; k++) {
      const next = updateRunningStats(rm, rv, mean, variance, count, 0.05);
      tf.dispose([rm, rv]);
      rm = next.mean;
      rv = next.variance;
    }
    const ref = refMoments(x, c);
    expect(relativeError(rm.dataSync(), ref.mean)).toBeLessThan(1e-5);
    expect(relativeError(rv.dataSync(), ref.variance.map((v) => (v * 8) / 7))).toBeLessThan(1e-5);
    tf.dispose([xt, mean, variance, rm, rv]);
  });

  it('inference mode applies the running statistics, not the batch ones', () => {
    const x = tf.tensor2d([[1, 10], [3, 30]]);
    const y = batchNormInference(x, tf.tensor1d([2, 1]), tf.tensor1d([0.5, 0]), tf.tensor1d([1, 0]), tf.tensor1d([4, 100]), { epsilon: 0 });
    // (x − μ)/σ·γ + β: column 0: (1−1)/2·2+0.5 = 0.5, (3−1)/2·2+0.5 = 2.5; column 1: 10/10 = 1, 30/10 = 3.
    expect(Array.from(y.dataSync())).toEqual([0.5, 1, 2.5, 3]);
    tf.dispose([x, y]);
  });

  it('states momentum in both conventions: PyTorch 0.1 is Keras 0.9', () => {
    expect(kerasMomentum(0.1)).toBeCloseTo(0.9, 12);
    expect(kerasMomentum(0.01)).toBeCloseTo(0.99, 12);
  });
});
