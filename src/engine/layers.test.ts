import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { conv3x3, dense } from './layers';
import { randomArray } from './testing/normChecks';
import { relativeError } from './testing/reference';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Float64 3×3 'same' convolution (TensorFlow's padding: the odd pixel goes at the end), NHWC, plain loops. */
function convReference(x: Float32Array, [b, h, w, c]: [number, number, number, number], k: Float32Array, units: number, stride: number): Float64Array {
  const oh = Math.ceil(h / stride);
  const ow = Math.ceil(w / stride);
  const padTop = Math.floor(Math.max((oh - 1) * stride + 3 - h, 0) / 2);
  const padLeft = Math.floor(Math.max((ow - 1) * stride + 3 - w, 0) / 2);
  const out = new Float64Array(b * oh * ow * units);
  for (let n = 0; n < b; n++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let u = 0; u < units; u++) {
          let s = 0;
          for (let di = 0; di < 3; di++)
            for (let dj = 0; dj < 3; dj++) {
              const r = i * stride + di - padTop;
              const q = j * stride + dj - padLeft;
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              for (let ch = 0; ch < c; ch++) s += x[((n * h + r) * w + q) * c + ch]! * k[((di * 3 + dj) * c + ch) * units + u]!;
            }
          out[((n * oh + i) * ow + j) * units + u] = s;
        }
  return out;
}

describe('dense', () => {
  it('forward and both gradients match the float64 reference', () => {
    const x = randomArray(5 * 4, 1);
    const w = randomArray(4 * 3, 2);
    const dy = randomArray(5 * 3, 3);
    const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(dense(a, b), tf.tensor2d(dy, [5, 3]))))([tf.tensor2d(x, [5, 4]), tf.tensor2d(w, [4, 3])]);
    const refDx = new Float64Array(20);
    const refDw = new Float64Array(12);
    for (let n = 0; n < 5; n++)
      for (let i = 0; i < 4; i++)
        for (let u = 0; u < 3; u++) {
          refDx[n * 4 + i]! += dy[n * 3 + u]! * w[i * 3 + u]!;
          refDw[i * 3 + u]! += x[n * 4 + i]! * dy[n * 3 + u]!;
        }
    expect(relativeError(dx!.dataSync(), refDx)).toBeLessThan(1e-6);
    expect(relativeError(dw!.dataSync(), refDw)).toBeLessThan(1e-6);
  });
});

describe.each([1, 2] as const)('conv3x3 with stride %i', (stride) => {
  for (const shape of [[2, 6, 6, 3], [1, 7, 5, 2]] as [number, number, number, number][]) {
    it(`forward on ${shape.join('×')} matches a float64 'same' convolution`, () => {
      const x = randomArray(shape.reduce((a, b) => a * b, 1), 4);
      const k = randomArray(9 * shape[3]! * 4, 5);
      const y = conv3x3(tf.tensor(x, shape), tf.tensor(k, [3, 3, shape[3]!, 4]), stride);
      expect(y.shape).toEqual([shape[0], Math.ceil(shape[1]! / stride), Math.ceil(shape[2]! / stride), 4]);
      expect(relativeError(y.dataSync(), convReference(x, shape, k, 4, stride))).toBeLessThan(1e-6);
    });

    it(`gradients on ${shape.join('×')} match tf.conv2d's autodiff`, () => {
      const x = tf.tensor4d(randomArray(shape.reduce((a, b) => a * b, 1), 6), shape as [number, number, number, number]);
      const k = tf.tensor(randomArray(9 * shape[3]! * 4, 7), [3, 3, shape[3]!, 4]) as tf.Tensor4D;
      const dy = tf.tensor(randomArray(shape[0]! * Math.ceil(shape[1]! / stride) * Math.ceil(shape[2]! / stride) * 4, 8), [shape[0]!, Math.ceil(shape[1]! / stride), Math.ceil(shape[2]! / stride), 4]);
      const ours = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(conv3x3(a, b, stride), dy)))([x, k]);
      const theirs = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same'), dy)))([x, k]);
      expect(relativeError(ours[0]!.dataSync(), theirs[0]!.dataSync())).toBeLessThan(1e-5);
      expect(relativeError(ours[1]!.dataSync(), theirs[1]!.dataSync())).toBeLessThan(1e-5);
    });
  }
});
