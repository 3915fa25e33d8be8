import { describe, expect, it } from 'vitest';
import { tf } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { ExperimentConfigInput } from '../config/schema';
import { runLockstep } from './run';
import { crossEntropy, forward, type ForwardCapture } from './model';
import type { ProbeSnapshot } from './probes/types';
import { PERCENTILES } from './probes/distribution';
import { percentileReference, relativeError } from './testing/reference';
import { trainerFixture } from './testing/fixtures';

const smallMnist: ExperimentConfigInput = {
  seed: 3,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 2, width: 24 },
  batchSize: 32,
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  probe: { interval: 10, batchSize: 64, bins: 16, range: 8 },
};

const spirals3: ExperimentConfigInput = {
  seed: 5,
  dataset: { name: 'spirals', noise: 0.1 },
  model: { kind: 'mlp', depth: 3, width: 12 },
  activation: 'relu',
  init: { scheme: 'he', scale: 1 },
  optimizer: { kind: 'adam', learningRate: 0.01 },
  batchSize: 16,
  arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }],
  probe: { interval: 10, batchSize: 64, bins: 16, range: 8 },
};

const { trainer, history, release } = trainerFixture();

describe.each(['cpu', 'wasm'])('determinism on %s', (backend) => {
  it('two runs of the same configuration give identical loss histories, bit for bit', async () => {
    await tf.setBackend(backend);
    for (const cfg of [smallMnist, spirals3]) {
      const a = await history(cfg, 30);
      const b = await history(cfg, 30);
      for (let i = 0; i < a.length; i++) {
        expect(a[i]!.trainLoss.length).toBe(4);
        expect(a[i]!.trainLoss).toEqual(b[i]!.trainLoss);
        expect(a[i]!.testLoss).toEqual(b[i]!.testLoss);
        expect(a[i]!.layers[1]!.percentiles.p50).toEqual(b[i]!.layers[1]!.percentiles.p50);
      }
    }
  });

  it('a different seed gives a different run', async () => {
    await tf.setBackend(backend);
    const a = await history(spirals3, 10);
    const b = await history({ ...spirals3, seed: 6 }, 10);
    expect(a[0]!.trainLoss).not.toEqual(b[0]!.trainLoss);
  });
});

describe('lockstep trainer', () => {
  it('starts every arm from the same weights', async () => {
    await tf.setBackend('cpu');
    const t = await trainer(spirals3);
    const weightsOf = (arm: number, name: string) => t.arms[arm]!.params[t.arms[arm]!.layout.findIndex((p) => p.name === name)]!.dataSync();
    for (const name of ['hidden0.weight', 'hidden2.weight', 'classifier.weight']) {
      expect(weightsOf(1, name)).toEqual(weightsOf(0, name));
      expect(weightsOf(2, name)).toEqual(weightsOf(0, name));
    }
    // Batch norm before the nonlinearity drops the redundant bias; β takes its place.
    expect(t.arms[1]!.layout.map((p) => p.name)).not.toContain('hidden0.bias');
    expect(t.arms[1]!.layout.map((p) => p.name)).toContain('hidden0.beta');
  });

  it('places batch norm after the nonlinearity when asked, keeping the bias and the running statistics', async () => {
    await tf.setBackend('cpu');
    const t = await trainer({ ...smallMnist, normalization: { placement: 'after', momentum: 0.1, epsilon: 1e-5, affine: true } });
    const names = t.arms[1]!.layout.map((p) => p.name);
    expect(names).toContain('hidden0.bias');
    expect(names).toContain('hidden0.gamma');
    await runLockstep(t, 10);
    const snap = await t.probe();
    // After a sigmoid, batch norm normalizes values in (0, 1): its running mean moves towards ~0.5, not 0.
    const rm = snap.arms[1]!.layers[0]!.bn!.runningMean;
    expect(rm.reduce((a, b) => a + b, 0) / rm.length).toBeGreaterThan(0.2);
    expect(Number.isFinite(snap.arms[1]!.trainLoss)).toBe(true);
  });

  it('probing does not change the run: the weights after 40 steps are the same with probes every step or never', async () => {
    await tf.setBackend('cpu');
    const often = await trainer({ ...spirals3, probe: { interval: 1, batchSize: 64, bins: 16, range: 8 } });
    const never = await trainer({ ...spirals3, probe: { interval: 1000, batchSize: 64, bins: 16, range: 8 } });
    await runLockstep(often, 40);
    await runLockstep(never, 40);
    often.arms.forEach((arm, i) => arm.params.forEach((p, k) => expect(p.dataSync()).toEqual(never.arms[i]!.params[k]!.dataSync())));
  });

  it('probes on the schedule: step 0, every interval, and the last step', async () => {
    await tf.setBackend('cpu');
    const t = await trainer(spirals3);
    const steps: number[] = [];
    await runLockstep(t, 25, { onProbe: (s) => steps.push(s.step) });
    expect(steps).toEqual([0, 10, 20, 25]);
    await runLockstep(t, 31, { onProbe: (s) => steps.push(s.step) });
    expect(steps).toEqual([0, 10, 20, 25, 30, 31]);
  });

  it('keeps tf.memory().numTensors flat over 500 steps with probes on, and frees everything on dispose', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const t = await trainer(spirals3);
    await runLockstep(t, 10);
    const afterStart = tf.memory().numTensors;
    let probes = 0;
    await runLockstep(t, 510, { onProbe: () => probes++ });
    expect(probes).toBe(50);
    expect(tf.memory().numTensors).toBe(afterStart);
    release(t);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports the probe batch’s percentiles of each nonlinearity input, as a float64 sort of the same values gives', async () => {
    await tf.setBackend('cpu');
    const t = await trainer(smallMnist);
    await runLockstep(t, 20);
    const snap = await t.probe();
    const arm = t.arms[1]!;
    const cap: ForwardCapture = { preActivations: [], inputs: [], normInputs: [] };
    const probeX = tf.tensor2d(t.dataset.testX.subarray(0, 64 * 784), [64, 784]);
    tf.tidy(() => {
      forward(t.architecture, arm.spec, arm.layout, arm.params, probeX, { kind: 'train' }, cap);
      cap.preActivations.forEach((z, j) => {
        const values = z.dataSync();
        const got = snap.arms[1]!.layers[j]!.pooled.percentiles;
        PERCENTILES.forEach((p, q) => expect(got[q]).toBeCloseTo(percentileReference(values, p), 4));
        // Unit 0's own percentiles: column 0 of the [batch, units] matrix.
        const unit0 = Array.from({ length: 64 }, (_, r) => values[r * 24]!);
        expect(snap.arms[1]!.layers[j]!.units.percentiles[2]).toBeCloseTo(percentileReference(unit0, 50), 4);
      });
    });
    probeX.dispose();
    // Histogram bins plus under- and overflow account for every value of the pooled layer.
    const l0 = snap.arms[1]!.layers[0]!;
    expect(l0.pooled.histogram.reduce((a, b) => a + b, 0) + l0.pooled.underflow + l0.pooled.overflow).toBe(64 * 24);
    expect(l0.bn).not.toBeNull();
    expect(snap.arms[0]!.layers[0]!.bn).toBeNull();
  });

  it('inspects each batch-norm layer with the §3 backward: ∂ℓ/∂γ and ∂ℓ/∂β equal the training gradients of γ and β', async () => {
    await tf.setBackend('cpu');
    const t = await trainer(smallMnist);
    await runLockstep(t, 15);
    const snap = await t.probe();
    const arm = t.arms[1]!;
    const batch = (t as unknown as { sampler: { peek(): Int32Array } }).sampler.peek();
    const x = tf.tensor2d(Array.from(batch).flatMap((r) => Array.from(t.dataset.trainX.subarray(r * 784, (r + 1) * 784))), [32, 784]);
    const y = tf.tensor1d(Float32Array.from(batch).map((r) => t.dataset.trainY[r]!), 'int32');
    const grads = tf.grads((...ps: tf.Tensor[]) => crossEntropy(forward(t.architecture, arm.spec, arm.layout, ps, x, { kind: 'train' }), y, 10))(arm.params);
    for (const j of [0, 1]) {
      const ins = snap.arms[1]!.layers[j]!.inspect!;
      expect(ins.count).toBe(32);
      expect(ins.samples).toBe(32);
      expect(ins.x.length).toBe(32 * 24);
      const gi = arm.layout.findIndex((p) => p.name === `hidden${j}.gamma`);
      const bi = arm.layout.findIndex((p) => p.name === `hidden${j}.beta`);
      expect(relativeError(ins.dGamma, grads[gi]!.dataSync())).toBeLessThan(1e-4);
      expect(relativeError(ins.dBeta, grads[bi]!.dataSync())).toBeLessThan(1e-4);
      // Σ_i ∂ℓ/∂x_i = 0 per unit: batch norm's output ignores a shift of its whole input.
      for (let k = 0; k < 24; k++) {
        let sum = 0;
        for (let r = 0; r < 32; r++) sum += ins.dx[r * 24 + k]!;
        expect(Math.abs(sum)).toBeLessThan(1e-4);
      }
    }
    expect(snap.arms[0]!.layers[0]!.inspect).toBeNull();
    expect(snap.arms[0]!.boundary).toBeNull();
    tf.dispose([x, y, ...grads]);
  });

  it('evaluates the decision boundary of 2-D sets on a grid of class probabilities', async () => {
    await tf.setBackend('cpu');
    const t = await trainer(spirals3);
    const snap = await t.probe();
    for (const arm of snap.arms) {
      const b = arm.boundary!;
      expect(b.probs.length).toBe(b.size * b.size * 2);
      for (let k = 0; k < b.size * b.size; k++) expect(b.probs[2 * k]! + b.probs[2 * k + 1]!).toBeCloseTo(1, 5);
      expect(b.extent[0]).toBeLessThan(-1);
      expect(b.extent[1]).toBeGreaterThan(1);
    }
  });

  it('measures internal covariate shift: zero for the first layer, growing with the step size of the earlier layers', async () => {
    await tf.setBackend('cpu');
    const probeWith = async (lr: number): Promise<ProbeSnapshot> => {
      const t = await trainer({ ...smallMnist, optimizer: { kind: 'sgd', learningRate: lr } });
      return t.probe();
    };
    const tiny = await probeWith(1e-4);
    const big = await probeWith(1);
    for (const snap of [tiny, big]) {
      for (const arm of snap.arms) {
        expect(arm.layers[0]!.ics).toEqual({ l2: 0, cos: 1 });
        expect(arm.layers[1]!.ics.cos).toBeLessThanOrEqual(1 + 1e-6);
      }
    }
    // With a vanishing step G′ → G; with a large one the second layer's gradient changes measurably.
    expect(tiny.arms[0]!.layers[1]!.ics.cos).toBeGreaterThan(0.999);
    expect(big.arms[0]!.layers[1]!.ics.l2).toBeGreaterThan(100 * tiny.arms[0]!.layers[1]!.ics.l2);
    expect(big.arms[0]!.layers[1]!.gradNorm).toBeCloseTo(tiny.arms[0]!.layers[1]!.gradNorm, 5);
  });

  it('lets one arm diverge without stopping the others', async () => {
    await tf.setBackend('cpu');
    const t = await trainer({
      ...smallMnist,
      activation: 'relu',
      init: { scheme: 'gaussian', scale: 3 },
      arms: [{ norm: 'none', learningRate: 10 }, { norm: 'batch', learningRate: 0.1 }],
    });
    const snaps: ProbeSnapshot[] = [];
    await runLockstep(t, 60, { onProbe: (s) => snaps.push(s) });
    const last = snaps[snaps.length - 1]!;
    expect(last.arms[0]!.divergedAt).not.toBeNull();
    // The diverged arm stops: its step count froze at the probe that caught it.
    const frozen = t.arms[0]!.params[0]!.dataSync().slice();
    await runLockstep(t, 80);
    expect(t.arms[0]!.params[0]!.dataSync()).toEqual(frozen);
    expect(last.arms[1]!.divergedAt).toBeNull();
    expect(Number.isFinite(last.arms[1]!.trainLoss)).toBe(true);
    expect(last.arms[1]!.trainLoss).toBeLessThan(snaps[0]!.arms[1]!.trainLoss);
  });

  it('trains the small CNN with batch norm per channel (wasm, which lacks Conv2DBackpropFilter)', async () => {
    await tf.setBackend('wasm');
    const h = await history(
      {
        ...smallMnist,
        model: { kind: 'cnn', depth: 3, width: 8 },
        activation: 'relu',
        init: { scheme: 'he', scale: 1 },
        optimizer: { kind: 'sgd', learningRate: 0.05 },
        probe: { interval: 20, batchSize: 32, bins: 16, range: 8 },
      },
      40,
    );
    for (const arm of h) {
      expect(arm.layers.map((l) => l.units)).toEqual([8, 8, 8]);
      expect(arm.trainLoss[arm.trainLoss.length - 1]!).toBeLessThan(arm.trainLoss[0]!);
    }
  });
});
