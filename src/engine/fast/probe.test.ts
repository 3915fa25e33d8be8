import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfigInput } from '../../config/schema';
import { configAndData } from '../testing/fixtures';
import { tf } from '../tf';
import { LockstepTrainer } from '../trainer';
import { measureEvaluation, TestSet } from '../probes/evaluation';
import { emptyCapture, logitsOf, type ProbedNetwork } from '../probes/network';
import { readBack } from '../probes/readback';
import { relativeError } from '../testing/reference';

/**
 * The fast path's probe passes (FastNet.evaluate and probePass, in WebAssembly) against the tfjs measurements they
 * replace (measureEvaluation, probeBatchPasses), from the same trained state: test loss and accuracy over the whole
 * test set in inference mode, and the probe batch's nonlinearity inputs and layer-input moments in both modes.
 */

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Mean and biased variance in float64. */
function momentsOf(v: Float32Array): { mean: number; variance: number } {
  let mean = 0;
  for (const x of v) mean += x;
  mean /= v.length;
  let variance = 0;
  for (const x of v) variance += (x - mean) ** 2;
  return { mean, variance: variance / v.length };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);

const ALL_NORMS: ExperimentConfigInput['arms'] = [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }, { norm: 'group', groups: 2 }];

async function expectSameProbePasses(input: ExperimentConfigInput, steps: number): Promise<void> {
  const { config, dataset } = await configAndData(input);
  const trainer = new LockstepTrainer(config, dataset, undefined, { path: 'fast' });
  const testSet = new TestSet(dataset);
  try {
    for (let s = 0; s < steps; s++) trainer.trainStep();
    const rows = Math.min(config.probe.batchSize, dataset.numTest);
    const flat = dataset.inputShape.reduce((a, b) => a * b, 1);
    for (const arm of trainer.arms) {
      arm.syncFromFast();
      const fast = arm.fast!;
      const net: ProbedNetwork = { architecture: trainer.architecture, spec: arm.spec, layout: arm.layout, params: arm.params, running: arm.runningTensors() };
      const probeX = tf.tensor2d(dataset.testX.subarray(0, rows * flat), [rows, flat]);
      // The reference: the tfjs measurements, with every capture read back.
      const { values, result } = await readBack((c) => {
        const { read, probeCapture } = measureEvaluation(c, net, testSet, tf.scalar(0), rows);
        const train = emptyCapture();
        logitsOf(net, net.params, probeX, { kind: 'train', step: trainer.step }, train);
        const put = (mode: string, capture: typeof train) =>
          capture.preActivations.forEach((z, j) => {
            c.put(`${mode}.z${j}`, z);
            c.put(`${mode}.in${j}`, capture.inputs[j]!);
          });
        put('inference', probeCapture);
        put('train', train);
        return read;
      });
      probeX.dispose();
      const ref = result(values);
      const evaluation = fast.evaluate(dataset.testX, Int32Array.from(dataset.testY), dataset.numTest, rows);
      const what = `${arm.name} after ${steps} steps`;
      expect(rel(evaluation.lossSum / dataset.numTest, ref.testLoss), `${what}: test loss`).toBeLessThanOrEqual(1e-5);
      expect(Math.fround(evaluation.correct / dataset.numTest), `${what}: test accuracy`).toBe(ref.testAccuracy);
      const train = fast.probePass(dataset.testX.subarray(0, rows * flat), rows, { kind: 'train', step: trainer.step });
      for (const [mode, capture] of [['inference', evaluation.capture], ['train', train]] as const) {
        capture.preActivations.forEach((z, j) => {
          expect(relativeError(z, values.view(`${mode}.z${j}`)), `${what}: ${mode} layer ${j} nonlinearity input`).toBeLessThanOrEqual(1e-5);
          // The layer's input moments against exact (float64) moments of the reference pass's input: tf.moments sums in
          // float32, which is off by up to 1e-3 on the variance of a probe batch's 150,000 pixels; the fast path sums
          // in float64.
          const exact = momentsOf(values.view(`${mode}.in${j}`));
          expect(rel(capture.inputMean[j]!, exact.mean), `${what}: ${mode} layer ${j} input mean`).toBeLessThanOrEqual(1e-5);
          expect(rel(capture.inputVariance[j]!, exact.variance), `${what}: ${mode} layer ${j} input variance`).toBeLessThanOrEqual(1e-5);
        });
      }
      values.assertAllRead();
    }
  } finally {
    testSet.dispose();
    trainer.dispose();
  }
}

describe("the fast path's probe passes measure what the tfjs probe measures", () => {
  it('MLP with each normalization: test loss, accuracy and the probe batch in both modes within 1e-5', { timeout: 600_000 }, async () => {
    await expectSameProbePasses({ model: { kind: 'mlp', depth: 3, width: 32 }, batchSize: 24, arms: ALL_NORMS, init: { scheme: 'gaussian', scale: 0.1 }, probe: { interval: 10, batchSize: 200, bins: 16, range: 8 } }, 30);
  });

  it('tanh, normalization after the nonlinearity, and a noisy batch norm', { timeout: 600_000 }, async () => {
    await expectSameProbePasses({
      model: { kind: 'mlp', depth: 2, width: 20 },
      activation: 'tanh',
      batchSize: 16,
      normalization: { placement: 'after', momentum: 0.2 },
      arms: [{ norm: 'batch', noise: 0.5 }, { norm: 'layer' }, { norm: 'batch', placement: 'before' }],
      probe: { interval: 10, batchSize: 100, bins: 16, range: 8 },
    }, 20);
  });

  it('CNN with each normalization (im2col blocks, stride 2)', { timeout: 600_000 }, async () => {
    await expectSameProbePasses({ model: { kind: 'cnn', depth: 3, width: 4 }, batchSize: 8, activation: 'relu', init: { scheme: 'he', scale: 1 }, optimizer: { kind: 'sgd', learningRate: 0.05 }, arms: ALL_NORMS, probe: { interval: 10, batchSize: 40, bins: 16, range: 8 } }, 10);
  });
});

