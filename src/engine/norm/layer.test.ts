import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import { layerNorm } from './layer';
import { normNumericsSuite } from '../testing/normChecks';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function plainLayerNorm(x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: { epsilon: number }): Tensor {
  const axes = x.rank === 2 ? [1] : [1, 2, 3];
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))), gamma), beta);
}

// Layer norm's statistics are per example: over the features (2-D) or over height, width and channels (4-D).
describe('layerNorm on 2-D [batch, features]', () => {
  normNumericsSuite(layerNorm, plainLayerNorm, [6, 9], (i) => Math.floor(i / 9), 6);
});
describe('layerNorm on 4-D NHWC, per example over height, width and channels', () => {
  normNumericsSuite(layerNorm, plainLayerNorm, [3, 4, 2, 5], (i) => Math.floor(i / 40), 3);
});

describe('layerNorm', () => {
  it('does not depend on the rest of the batch: a batch of one gives the same output as inside a batch', () => {
    const x = tf.tensor2d([[1, 2, 3, 10], [-4, 0, 4, 8]]);
    const g = tf.tensor1d([1, 2, 0.5, 1]);
    const b = tf.tensor1d([0, 1, 0, -1]);
    const both = layerNorm(x, g, b, { epsilon: 1e-5 }).arraySync() as number[][];
    const alone = layerNorm(tf.slice(x, [1, 0], [1, 4]), g, b, { epsilon: 1e-5 }).arraySync() as number[][];
    alone[0]!.forEach((v, k) => expect(v).toBeCloseTo(both[1]![k]!, 6));
  });
});
