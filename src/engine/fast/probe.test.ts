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


/**
 * A whole probe of a fast-path arm, its training-batch measurements by FastNet.probeBatch against the tfjs reference
 * (batchPass, measureGradients, measureBatchNorm) from the same state: two trainers of one configuration train the
 * same steps on the fast path (the same numbers), and differ only in how their probes measure the training batch.
 */
async function expectSameBatchProbe(input: ExperimentConfigInput, steps: number): Promise<void> {
  const { config, dataset } = await configAndData(input);
  const fast = new LockstepTrainer(config, dataset, undefined, { path: 'fast', probeBatch: 'fast' });
  const ref = new LockstepTrainer(config, dataset, undefined, { path: 'fast', probeBatch: 'tfjs' });
  const tensors = tf.memory().numTensors;
  try {
    for (let probe = 0; probe < 2; probe++) {
      for (let s = 0; s < steps; s++) {
        fast.trainStep();
        ref.trainStep();
      }
      const [a, b] = [await fast.probe(), await ref.probe()];
      expect(a.step).toBe(b.step);
      a.arms.forEach((arm, i) => {
        const r = b.arms[i]!;
        const what = `${fast.arms[i]!.name} at step ${a.step}`;
        expect(arm.trainLoss, `${what}: train loss`).toBe(r.trainLoss);
        expect(arm.testLoss, `${what}: test loss`).toBe(r.testLoss);
        expect(arm.testAccuracy, `${what}: test accuracy`).toBe(r.testAccuracy);
        arm.layers.forEach((l, j) => {
          const lr = r.layers[j]!;
          const at = `${what}, layer ${j}`;
          expect(rel(l.gradNorm, lr.gradNorm), `${at}: gradient norm`).toBeLessThanOrEqual(1e-5);
          // ‖G − G′‖ is a difference of two gradients that agree to ~1e-6 between the paths: relative to ‖G‖.
          expect(Math.abs(l.ics.l2 - lr.ics.l2) / lr.gradNorm, `${at}: ICS ‖G − G′‖`).toBeLessThanOrEqual(1e-5);
          expect(Math.abs(l.ics.cos - lr.ics.cos), `${at}: ICS cos`).toBeLessThanOrEqual(1e-5);
          expect(l.bn === null, `${at}: batch-norm stats or none`).toBe(lr.bn === null);
          expect(l.inspect === null, `${at}: inspection or none`).toBe(lr.inspect === null);
          if (l.bn && lr.bn) {
            for (const key of ['batchMean', 'batchVariance', 'runningMean', 'runningVariance'] as const) {
              expect(relativeError(l.bn[key], lr.bn[key]), `${at}: ${key}`).toBeLessThanOrEqual(1e-5);
            }
          }
          if (l.inspect && lr.inspect) {
            expect([l.inspect.count, l.inspect.samples], `${at}: m and samples`).toEqual([lr.inspect.count, lr.inspect.samples]);
            for (const key of ['gamma', 'beta', 'mean', 'variance', 'dGamma', 'dBeta', 'dMean', 'dVariance', 'x', 'dy', 'dx'] as const) {
              // dMean is Σ of terms that nearly cancel on a layer whose ∂ℓ/∂x̂ sums to about 0: relative to ∂ℓ/∂β's scale.
              const floor = key === 'dMean' ? Math.max(...lr.inspect.dBeta.map(Math.abs)) / Math.sqrt(Math.max(...lr.inspect.variance)) : 1e-30;
              expect(relativeError(l.inspect[key], lr.inspect[key], floor), `${at}: inspector ${key}`).toBeLessThanOrEqual(1e-5);
            }
          }
        });
      });
    }
    expect(tf.memory().numTensors, 'the probes leave no tensor behind').toBe(tensors);
  } finally {
    fast.dispose();
    ref.dispose();
  }
}

describe("the fast path's training-batch probe (gradients, ICS, batch norm) measures what the tfjs probe measures", () => {
  it('MLP with each normalization, SGD', { timeout: 600_000 }, async () => {
    await expectSameBatchProbe({ model: { kind: 'mlp', depth: 3, width: 32 }, batchSize: 24, arms: ALL_NORMS, probe: { interval: 10, batchSize: 100, bins: 16, range: 8 } }, 15);
  });

  it('tanh, after the nonlinearity, a noisy batch norm, momentum, frozen affine', { timeout: 600_000 }, async () => {
    await expectSameBatchProbe({
      model: { kind: 'mlp', depth: 3, width: 20 },
      activation: 'tanh',
      batchSize: 16,
      optimizer: { kind: 'momentum', learningRate: 0.1, momentum: 0.9 },
      normalization: { placement: 'after', momentum: 0.2, affine: false },
      arms: [{ norm: 'batch', noise: 0.5 }, { norm: 'layer' }, { norm: 'batch', placement: 'before' }],
      probe: { interval: 10, batchSize: 50, bins: 16, range: 8 },
    }, 10);
  });

  it('CNN with each normalization and Adam', { timeout: 600_000 }, async () => {
    await expectSameBatchProbe({ model: { kind: 'cnn', depth: 3, width: 4 }, batchSize: 8, activation: 'relu', init: { scheme: 'he', scale: 1 }, optimizer: { kind: 'adam', learningRate: 0.01 }, arms: ALL_NORMS, probe: { interval: 10, batchSize: 20, bins: 16, range: 8 } }, 5);
  });
});

describe('probe.testSize: a probe scores the test set’s first examples, on both paths', () => {
  it('the first n, never fewer than the probe batch, and the same numbers on the fast and the tfjs path', { timeout: 600_000 }, async () => {
    for (const [testSize, batchSize, scored] of [[300, 100, 300], [100, 200, 200], [10000, 100, 2000]] as const) {
      const { config, dataset } = await configAndData({ model: { kind: 'mlp', depth: 2, width: 16 }, batchSize: 16, probe: { interval: 10, batchSize, testSize, bins: 16, range: 8 } });
      const trainers = (['fast', 'tfjs'] as const).map((path) => new LockstepTrainer(config, dataset, undefined, { path }));
      const reference = new TestSet(dataset, 500, scored);
      try {
        for (const t of trainers) for (let s = 0; s < 12; s++) t.trainStep();
        const [fast, tfjsProbe] = [await trainers[0]!.probe(), await trainers[1]!.probe()];
        expect(trainers.map((t) => t.testScored)).toEqual([scored, scored]);
        // The reference: tfjs's own evaluation of exactly the first `scored` examples, from the tfjs trainer's state.
        const arm = trainers[1]!.arms[1]!;
        const net: ProbedNetwork = { architecture: trainers[1]!.architecture, spec: arm.spec, layout: arm.layout, params: arm.params, running: arm.runningTensors() };
        const { values, result } = await readBack((c) => measureEvaluation(c, net, reference, tf.scalar(0), batchSize).read);
        const want = result(values);
        expect(rel(tfjsProbe.arms[1]!.testLoss, want.testLoss), `tfjs path, test=${testSize}`).toBeLessThanOrEqual(1e-6);
        expect(tfjsProbe.arms[1]!.testAccuracy).toBe(want.testAccuracy);
        // Accuracy is a count over `scored` examples: a multiple of 1/scored.
        expect(Math.abs(fast.arms[1]!.testAccuracy * scored - Math.round(fast.arms[1]!.testAccuracy * scored))).toBeLessThan(1e-3);
        fast.arms.forEach((a, i) => expect(rel(a.testLoss, tfjsProbe.arms[i]!.testLoss), `arm ${i}, test=${testSize}: fast against tfjs`).toBeLessThanOrEqual(1e-4));
      } finally {
        reference.dispose();
        for (const t of trainers) t.dispose();
      }
    }
  });
});
