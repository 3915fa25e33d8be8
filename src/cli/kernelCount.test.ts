import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../engine';
import { dense } from '../engine/layers';
import { countKernels } from './kernelCount';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('countKernels', () => {
  const x = tf.ones([4, 3]);
  const w = tf.ones([3, 2]);
  afterAll(() => tf.dispose([x, w]));

  it('counts plain ops one kernel each, and hands back what the function returns', async () => {
    const c = await countKernels('cpu', () => tf.tidy(() => tf.sum(tf.add(tf.matMul(x, w), tf.scalar(1))).arraySync()));
    expect(c.result).toBe(4 * 2 * 4);
    expect(Object.fromEntries(c.byName)).toEqual({ BatchMatMul: 1, Add: 1, Sum: 1 });
    expect(c.kernels).toBe(3);
  });

  it('counts a custom-gradient layer by its kernels, forward and backward, not by tf.profile’s extra entry for it', async () => {
    const run = () => tf.tidy(() => tf.grad((wIn: tf.Tensor) => tf.sum(dense(x, wIn, { inputGrad: false })))(w).arraySync());
    const c = await countKernels('cpu', run);
    // Forward: the product, the copies tf.customGrad keeps for the backward pass and of its output, the sum. Backward:
    // the sum's gradient, the skipped input gradient (zeros) and xᵀ·dy.
    expect(Object.fromEntries(c.byName)).toEqual({ Identity: 3, BatchMatMul: 2, Sum: 1, Reshape: 1, Multiply: 1, ZerosLike: 1, Transpose: 1 });
    const raw = await tf.profile(run);
    expect(raw.kernels.length).toBe(c.kernels + 1);
  });

  it('leaves the kernel registry as it found it, also when the function throws', async () => {
    const before = tf.getKernelsForBackend('cpu').map((k) => k.kernelFunc);
    await expect(
      countKernels('cpu', () => {
        tf.tidy(() => tf.add(x, x));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(tf.getKernelsForBackend('cpu').map((k) => k.kernelFunc)).toEqual(before);
    expect((await countKernels('cpu', () => tf.tidy(() => tf.add(x, x).dataSync()))).kernels).toBe(1);
  });
});
