import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import { groupMoments, groupNorm, groupNormLayout } from './group';
import { layerNorm } from './layer';
import { normReference, relativeError } from '../testing/reference';
import { groupStatisticOf, normCase, normNumericsSuite, runNorm } from '../testing/normChecks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Group norm written with plain ops (a reshape and tf.moments), left to autodiff: the custom gradient's comparison point. */
function plainGroupNorm(groups: number) {
  return (x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: { epsilon: number }): Tensor => {
    const c = x.shape[x.rank - 1]!;
    const grouped = tf.reshape(x, [...x.shape.slice(0, -1), groups, c / groups]);
    const { mean, variance } = tf.moments(grouped, x.rank === 2 ? [2] : [1, 2, 4], true);
    const xHat = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, epsilon))), x.shape);
    return tf.add(tf.mul(xHat, gamma), beta);
  };
}

const withGroups = (groups: number) => (x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: { epsilon: number }) =>
  groupNorm(x, gamma, beta, { groups, epsilon });

function suite(shape: number[], groups: number): void {
  normNumericsSuite(withGroups(groups), plainGroupNorm(groups), shape, groupStatisticOf(shape, groups), shape[0]! * groups);
}

describe('groupNorm on 2-D [batch, features], 12 features in 3 groups of 4', () => {
  suite([8, 12], 3);
});
describe('groupNorm on 4-D NHWC, 6 channels in 3 groups, per example over height, width and the group’s channels', () => {
  suite([3, 4, 5, 6], 3);
});
describe('groupNorm on 4-D NHWC with one channel per group (instance norm)', () => {
  suite([2, 4, 3, 6], 6);
});

describe('groupNorm’s special cases', () => {
  const run = (norm: (x: Tensor, g: Tensor, b: Tensor) => Tensor, shape: number[], seed: number) => {
    const { x, gamma, beta, dy } = normCase(shape, seed, () => 0, 1);
    return { ...runNorm(norm, shape, x, gamma, beta, dy), beta };
  };

  it.each([[[6, 9]], [[3, 4, 2, 5]]])('one group is layer norm, forward and gradients (%j)', (shape) => {
    const epsilon = 1e-5;
    const group = run((x, g, b) => groupNorm(x, g, b, { groups: 1, epsilon }), shape, 31);
    const layer = run((x, g, b) => layerNorm(x, g, b, { epsilon }), shape, 31);
    for (const k of ['y', 'dx', 'dGamma', 'dBeta'] as const) expect(relativeError(group[k], layer[k])).toBeLessThan(1e-6);
  });

  it('one feature per group on a dense layer leaves one value per statistic: x̂ = 0, so y = β and ∂ℓ/∂x = 0', () => {
    const shape = [5, 6];
    const { y, dx, dGamma, beta } = run((x, g, b) => groupNorm(x, g, b, { groups: 6, epsilon: 1e-5 }), shape, 32);
    // x − x₀ is exactly 0 here, so are σ² and x̂: no rounding noise for 1/√ε to blow up.
    y.forEach((v, i) => expect(v).toBe(beta[i % 6]!));
    for (const v of dx) expect(v).toBe(0);
    for (const v of dGamma) expect(v).toBe(0);
  });

  it('each example’s output depends on that example alone', () => {
    const x = tf.tensor4d(Array.from({ length: 2 * 2 * 2 * 4 }, (_, i) => Math.sin(i) * (1 + (i % 4))), [2, 2, 2, 4]);
    const g = tf.tensor1d([1, 2, 0.5, 1]);
    const b = tf.tensor1d([0, 1, 0, -1]);
    const both = groupNorm(x, g, b, { groups: 2, epsilon: 1e-5 });
    const alone = groupNorm(tf.slice(x, [1, 0, 0, 0], [1, 2, 2, 4]), g, b, { groups: 2, epsilon: 1e-5 });
    const second = tf.slice(both, [1, 0, 0, 0], [1, 2, 2, 4]);
    expect(relativeError(alone.dataSync(), second.dataSync())).toBeLessThan(1e-7);
    tf.dispose([x, g, b, both, alone, second]);
  });
});

describe('groupMoments', () => {
  it('gives each example’s per-group mean and biased variance as [batch, groups]', () => {
    const shape = [3, 2, 2, 6];
    const { x, gamma, beta, dy } = normCase(shape, 33, () => 0, 1);
    const ref = normReference(x, gamma, beta, dy, groupStatisticOf(shape, 2), 3 * 2, (i) => i % 6, 0);
    const xt = tf.tensor(x, shape);
    const { mean, variance } = groupMoments(xt, 2);
    expect(mean.shape).toEqual([3, 2]);
    expect(variance.shape).toEqual([3, 2]);
    expect(relativeError(mean.dataSync(), ref.mean)).toBeLessThan(1e-6);
    expect(relativeError(variance.dataSync(), ref.variance)).toBeLessThan(1e-6);
    tf.dispose([xt, mean, variance]);
  });
});

describe('groupNorm’s checks', () => {
  it('says which group counts divide the channels when the one asked for does not', () => {
    expect(() => groupNormLayout([4, 3, 3, 12], 5)).toThrow('groupNorm: 5 groups do not divide the 12 channels evenly; use one of 1, 2, 3, 4, 6, 12');
    expect(() => groupNormLayout([4, 10], 4)).toThrow('4 groups do not divide the 10 features evenly; use one of 1, 2, 5, 10');
  });

  it.each([0, -2, 1.5, Number.NaN])('rejects %s groups', (groups) => {
    expect(() => groupNormLayout([4, 6], groups)).toThrow(`groupNorm needs a whole number of groups, at least 1; got ${groups}`);
  });

  it('rejects tensors that are neither [batch, features] nor NHWC', () => {
    const x = tf.zeros([2, 3, 4]);
    expect(() => groupNorm(x, tf.ones([4]), tf.zeros([4]), { groups: 2, epsilon: 1e-5 })).toThrow('groupNorm expects a 2-D or 4-D (NHWC) tensor, got rank 3');
    tf.dispose(x);
  });
});

describe('groupNorm’s tensors', () => {
  const shape = [2, 3, 3, 4];
  const make = () => [tf.randomNormal(shape, 0, 1, 'float32', 7), tf.ones([4]), tf.zeros([4])] as const;

  it('leaves only its output behind, and nothing once that is disposed', () => {
    const [x, g, b] = make();
    const before = tf.memory().numTensors;
    const y = groupNorm(x, g, b, { groups: 2, epsilon: 1e-5 });
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b]);
  });

  it('leaves only the gradients behind after a backward pass', () => {
    const [x, g, b] = make();
    const dy = tf.randomNormal(shape, 0, 1, 'float32', 8);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.valueAndGrads((a: Tensor, c: Tensor, d: Tensor) => tf.sum(tf.mul(groupNorm(a, c, d, { groups: 4, epsilon: 1e-5 }), dy)))([x, g, b]);
    expect(tf.memory().numTensors).toBe(before + 1 + grads.length);
    tf.dispose([value, ...grads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b, dy]);
  });
});
