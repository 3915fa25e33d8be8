import { describe, expect, it } from 'vitest';
import { tf } from '../tf';
import '@tensorflow/tfjs-backend-wasm';
import type { ExperimentConfigInput } from '../../config/schema';
import { runLockstep } from '../run';
import { configAndData, trainerFixture } from '../testing/fixtures';
import { LockstepTrainer } from '../trainer';
import { percentilesOf } from './percentiles';

/** The trainer's probe as a whole: measurements by name, read back once per arm. */

const config: ExperimentConfigInput = {
  seed: 4,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 2, width: 16 },
  batchSize: 32,
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }],
  probe: { interval: 10, batchSize: 96, bins: 16, range: 8 },
};

const { trainer } = trainerFixture();

describe('the probe', () => {
  /** The sizes of the tensors read back (data()) during one probe of `t`; a dataSync fails the test. */
  async function readsOfProbe(t: LockstepTrainer): Promise<number[]> {
    await runLockstep(t, 12);
    const reads: number[] = [];
    const data = tf.Tensor.prototype.data;
    const dataSync = tf.Tensor.prototype.dataSync;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads.push(this.size);
      return data.call(this) as never;
    };
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      throw new Error(`dataSync of ${this.size} values during a probe`);
    };
    try {
      const snap = await t.probe();
      expect(snap.arms).toHaveLength(3);
    } finally {
      tf.Tensor.prototype.data = data;
      tf.Tensor.prototype.dataSync = dataSync;
    }
    return reads;
  }

  it('on the tfjs path reads each arm back with one data() call, and no other read-back', async () => {
    await tf.setBackend('wasm');
    const { config: parsed, dataset } = await configAndData(config);
    const t = new LockstepTrainer(parsed, dataset, undefined, { path: 'tfjs' });
    try {
      expect(await readsOfProbe(t)).toHaveLength(3);
    } finally {
      t.dispose();
    }
  });

  it('on the fast path (wasm\'s default) reads nothing back: every measurement runs in WebAssembly', async () => {
    await tf.setBackend('wasm');
    const t = await trainer(config);
    expect(t.path).toBe('fast');
    expect(await readsOfProbe(t)).toEqual([]);
  });

  it('gives a probe batch larger than a test chunk its activations across chunks, as one pass over it would', async () => {
    await tf.setBackend('wasm');
    // 700 examples: the first test chunk (500) and part of the second.
    const t = await trainer({ ...config, arms: [{ norm: 'none' }], probe: { interval: 10, batchSize: 700, bins: 16, range: 8 } });
    await runLockstep(t, 5);
    const snap = await t.probe();
    const arm = t.arms[0]!;
    const x = tf.tensor2d(t.dataset.testX.subarray(0, 700 * 784), [700, 784]);
    const z = tf.tidy(() => {
      const h = tf.matMul(x, arm.params[0]! as tf.Tensor2D);
      return tf.add(h, arm.params[1]!);
    });
    const first = (await z.data()) as Float32Array;
    tf.dispose([x, z]);
    const layer0 = snap.arms[0]!.layers[0]!;
    expect(layer0.pooled.histogram.reduce((a, b) => a + b, 0) + layer0.pooled.underflow + layer0.pooled.overflow).toBe(700 * 16);
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    expect(layer0.pooled.mean).toBeCloseTo(mean, 4);
    const expected = percentilesOf(first);
    layer0.pooled.percentiles.forEach((p, q) => expect(p).toBeCloseTo(expected[q]!, 4));
  });
});
