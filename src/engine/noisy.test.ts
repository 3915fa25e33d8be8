import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf';
import { parseConfig, type ExperimentConfigInput } from '../config/schema';
import type { LockstepTrainer } from './trainer';
import { runLockstep } from './run';
import { armSpec, buildArchitecture, crossEntropy, forward, paramLayout, type ForwardCapture } from './model';
import type { ProbeSnapshot } from './probes/types';
import { bnNoiseDraw } from './norm/noise';
import { trainerFixture } from './testing/fixtures';
import { randomArray } from './testing/normChecks';

/** A small MNIST MLP: batch-norm arms with and without Santurkar et al.'s noise, a plain arm beside them. */
const small = (arms: ExperimentConfigInput['arms'], extra: Partial<ExperimentConfigInput> = {}): ExperimentConfigInput => ({
  seed: 4,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 2, width: 24 },
  batchSize: 32,
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  probe: { interval: 10, batchSize: 64, bins: 16, range: 8 },
  arms,
  ...extra,
});

const { trainer, history, release } = trainerFixture();

const paramsOf = (t: LockstepTrainer, arm: number) => t.arms[arm]!.params.map((p) => Array.from(p.dataSync()));

describe('noise after batch norm: the draws', () => {
  const spec = { strength: 1.5, seed: 9 };

  it('are a pure function of the seed, the step and the layer, and change at every step', () => {
    expect(bnNoiseDraw(spec, 12, 1, 50)).toEqual(bnNoiseDraw(spec, 12, 1, 50));
    const a = bnNoiseDraw(spec, 12, 1, 50);
    for (const other of [bnNoiseDraw(spec, 13, 1, 50), bnNoiseDraw(spec, 12, 2, 50), bnNoiseDraw({ ...spec, seed: 10 }, 12, 1, 50)]) {
      expect(other.shift).not.toEqual(a.shift);
      expect(other.scale).not.toEqual(a.scale);
    }
    // Every arm of a run sees the same underlying draws, scaled to its strength.
    const weak = bnNoiseDraw({ ...spec, strength: 0.5 }, 12, 1, 50);
    a.shift.forEach((m, j) => expect(weak.shift[j]!).toBeCloseTo((m / 1.5) * 0.5, 6));
    a.scale.forEach((s, j) => expect(Math.log(weak.scale[j]!) / Math.log1p(0.5)).toBeCloseTo(Math.log(s) / Math.log1p(1.5), 5));
  });

  it('follow their distribution: shift ~ U(−n, n), log scale ~ U(−ln(1 + n), ln(1 + n))', () => {
    const n = spec.strength;
    const shifts: number[] = [];
    const logs: number[] = [];
    for (let step = 0; step < 200; step++) {
      const d = bnNoiseDraw(spec, step, 0, 100);
      shifts.push(...d.shift);
      logs.push(...Array.from(d.scale, Math.log));
    }
    const N = shifts.length;
    const ks = (xs: number[], lo: number, hi: number) => {
      const s = [...xs].sort((p, q) => p - q);
      return Math.max(...s.map((x, i) => Math.max(Math.abs((i + 1) / N - (x - lo) / (hi - lo)), Math.abs(i / N - (x - lo) / (hi - lo)))));
    };
    const L = Math.log1p(n);
    expect(Math.min(...shifts)).toBeGreaterThanOrEqual(-n);
    expect(Math.max(...shifts)).toBeLessThan(n);
    expect(Math.max(...logs.map(Math.abs))).toBeLessThanOrEqual(L + 1e-6);
    // Kolmogorov–Smirnov against the uniform distribution, at the 0.1% level (critical value 1.95/√N).
    expect(ks(shifts, -n, n)).toBeLessThan(1.95 / Math.sqrt(N));
    expect(ks(logs, -L, L)).toBeLessThan(1.95 / Math.sqrt(N));
  });
});

describe('noise after batch norm: the forward pass', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** One dense batch-norm layer, 5 inputs → 6 units, then a 3-way classifier, with γ and β not at 1 and 0. */
  function oneLayer(noise: number | undefined) {
    const config = parseConfig({ seed: 21, dataset: { name: 'blobs' }, model: { kind: 'mlp', depth: 1, width: 6 }, arms: [{ norm: 'batch', ...(noise === undefined ? {} : { noise }) }] });
    const arch = buildArchitecture(config, [5], 3);
    const spec = armSpec(config.arms[0]!, config);
    const layout = paramLayout(arch, spec);
    const values = layout.map((p, i) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (p.role === 'gamma') return randomArray(size, 100 + i, 0.3, 1);
      return randomArray(size, 100 + i, p.role === 'weight' ? 0.7 : 0.5);
    });
    return { config, arch, spec, layout, values };
  }

  it('computes y′ = s·(γ x̂ + β) + m per unit, as a float64 recomputation in JavaScript does', () => {
    const { arch, spec, layout, values } = oneLayer(2);
    const B = 9;
    const xs = randomArray(B * 5, 7, 2, 0.5);
    const step = 37;
    const z = tf.tidy(() => {
      const cap: ForwardCapture = { preActivations: [], inputs: [], normInputs: [] };
      forward(arch, spec, layout, values.map((v, i) => tf.tensor(v, [...layout[i]!.shape])), tf.tensor2d(xs, [B, 5]), { kind: 'train', step }, cap);
      return Array.from(cap.preActivations[0]!.dataSync());
    });
    const at = (name: string) => values[layout.findIndex((p) => p.name === name)]!;
    const [W, gamma, beta] = [at('hidden0.weight'), at('hidden0.gamma'), at('hidden0.beta')];
    const { scale, shift } = bnNoiseDraw({ strength: 2, seed: 21 }, step, 0, 6);
    for (let j = 0; j < 6; j++) {
      const col = Array.from({ length: B }, (_, b) => Array.from({ length: 5 }, (_, k) => xs[b * 5 + k]! * W[k * 6 + j]!).reduce((p, q) => p + q, 0));
      const mu = col.reduce((p, q) => p + q, 0) / B;
      const variance = col.reduce((p, q) => p + (q - mu) ** 2, 0) / B;
      col.forEach((v, b) => {
        const expected = scale[j]! * (gamma[j]! * ((v - mu) / Math.sqrt(variance + 1e-5)) + beta[j]!) + shift[j]!;
        expect(Math.abs(z[b * 6 + j]! - expected)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
      });
    }
  });

  it('moves each unit’s batch mean from β to s·β + m and its standard deviation from γ to s·γ', () => {
    const { arch, spec, layout, values } = oneLayer(1);
    const B = 64;
    const xs = randomArray(B * 5, 8);
    const at = (name: string) => values[layout.findIndex((p) => p.name === name)]!;
    for (const step of [0, 1, 500]) {
      const z = tf.tidy(() => {
        const cap: ForwardCapture = { preActivations: [], inputs: [], normInputs: [] };
        forward(arch, spec, layout, values.map((v, i) => tf.tensor(v, [...layout[i]!.shape])), tf.tensor2d(xs, [B, 5]), { kind: 'train', step }, cap);
        return cap.preActivations[0]!.dataSync();
      });
      const { scale, shift } = bnNoiseDraw({ strength: 1, seed: 21 }, step, 0, 6);
      for (let j = 0; j < 6; j++) {
        const col = Array.from({ length: B }, (_, b) => z[b * 6 + j]!);
        const mean = col.reduce((p, q) => p + q, 0) / B;
        const std = Math.sqrt(col.reduce((p, q) => p + (q - mean) ** 2, 0) / B);
        const beta = at('hidden0.beta')[j]!;
        const gamma = at('hidden0.gamma')[j]!;
        expect(mean).toBeCloseTo(scale[j]! * beta + shift[j]!, 4);
        // ε = 1e-5 against a batch variance of order 1 makes σ̂ a hair under 1.
        expect(std / (scale[j]! * Math.abs(gamma))).toBeCloseTo(1, 3);
        // Within the distribution's bounds: |m| < 1 and s in [1/2, 2] for strength 1.
        expect(Math.abs(mean - scale[j]! * beta)).toBeLessThan(1);
        expect(std / Math.abs(gamma)).toBeGreaterThanOrEqual(0.5 - 1e-4);
        expect(std / Math.abs(gamma)).toBeLessThanOrEqual(2 + 1e-4);
      }
    }
  });

  it('adds nothing in inference mode, and needs the step in training mode', () => {
    const noisy = oneLayer(1);
    const clean = oneLayer(undefined);
    const xs = tf.tensor2d(randomArray(8 * 5, 9), [8, 5]);
    const params = noisy.values.map((v, i) => tf.tensor(v, [...noisy.layout[i]!.shape]));
    const running = [{ mean: tf.tensor1d(randomArray(6, 10)), variance: tf.tensor1d(randomArray(6, 11, 0.1, 1)) }];
    const infer = (c: typeof noisy) => tf.tidy(() => Array.from(forward(c.arch, c.spec, c.layout, params, xs, { kind: 'inference', running }).dataSync()));
    expect(infer(noisy)).toEqual(infer(clean));
    expect(() => tf.tidy(() => forward(noisy.arch, noisy.spec, noisy.layout, params, xs, { kind: 'train' }))).toThrow(/training step/);
    tf.dispose([xs, ...params, running[0]!.mean, running[0]!.variance]);
  });

  it('passes the gradient through the noise as a constant: ∂ℓ/∂γ matches central differences', () => {
    const { arch, spec, layout, values } = oneLayer(1.5);
    const xs = tf.tensor2d(randomArray(12 * 5, 12), [12, 5]);
    const ys = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 'int32');
    const g = layout.findIndex((p) => p.name === 'hidden0.gamma');
    const loss = (gamma: tf.Tensor) =>
      crossEntropy(forward(arch, spec, layout, values.map((v, i) => (i === g ? gamma : tf.tensor(v, [...layout[i]!.shape]))), xs, { kind: 'train', step: 3 }), ys, 3);
    const gamma0 = values[g]!;
    const analytic = tf.tidy(() => Array.from(tf.grad(loss)(tf.tensor1d(gamma0)).dataSync()));
    const h = 1e-2;
    gamma0.forEach((_, j) => {
      const shifted = (d: number) => tf.tidy(() => loss(tf.tensor1d(gamma0.map((v, k) => (k === j ? v + d : v)))).dataSync()[0]!);
      const numeric = (shifted(h) - shifted(-h)) / (2 * h);
      expect(Math.abs(analytic[j]! - numeric)).toBeLessThan(2e-3 + 2e-2 * Math.abs(numeric));
    });
    tf.dispose([xs, ys]);
  });
});

// The trainer's tests run on wasm, the lab's backend (and 10× faster than cpu at probing 2,000 test digits).
describe('noise after batch norm: in the trainer', () => {
  it('noise 0 is bit for bit the arm without it, and a noisy arm leaves the other arms’ runs untouched', async () => {
    await tf.setBackend('wasm');
    const zero = await trainer(small([{ norm: 'batch' }, { norm: 'batch', noise: 0 }]));
    await runLockstep(zero, 30);
    expect(paramsOf(zero, 1)).toEqual(paramsOf(zero, 0));
    expect(zero.arms[1]!.spec.noise).toBeNull();
    expect(zero.arms[1]!.name).toBe('BN');

    const without = await history(small([{ norm: 'none' }, { norm: 'batch' }]), 30);
    const withNoisy = await history(small([{ norm: 'none' }, { norm: 'batch' }, { norm: 'batch', noise: 1 }]), 30);
    for (const i of [0, 1]) {
      expect(withNoisy[i]!.trainLoss).toEqual(without[i]!.trainLoss);
      expect(withNoisy[i]!.testAccuracy).toEqual(without[i]!.testAccuracy);
      expect(withNoisy[i]!.layers[1]!.percentiles.p50).toEqual(without[i]!.layers[1]!.percentiles.p50);
    }
    expect(withNoisy[2]!.name).toBe('BN + noise 1');
    expect(withNoisy[2]!.trainLoss).not.toEqual(withNoisy[1]!.trainLoss);
  });

  it('is reproducible from the seed, does not depend on how often the run probes, and differs with the seed', async () => {
    await tf.setBackend('wasm');
    const arms = [{ norm: 'batch' as const, noise: 1 }];
    const a = await trainer(small(arms, { probe: { interval: 3, batchSize: 64, bins: 16, range: 8 } }));
    const b = await trainer(small(arms, { probe: { interval: 1000, batchSize: 64, bins: 16, range: 8 } }));
    const c = await trainer(small(arms, { seed: 5 }));
    await runLockstep(a, 20);
    await runLockstep(b, 20);
    await runLockstep(c, 20);
    expect(paramsOf(a, 0)).toEqual(paramsOf(b, 0));
    expect(paramsOf(c, 0)[0]).not.toEqual(paramsOf(a, 0)[0]);
  });

  it('shows in the probe: each unit’s training-mode input has the mean and spread the step’s draw gives it', async () => {
    await tf.setBackend('wasm');
    const t = await trainer(small([{ norm: 'batch' }, { norm: 'batch', noise: 1 }]));
    const snaps: ProbeSnapshot[] = [];
    for (const upTo of [0, 1, 2]) {
      await runLockstep(t, upTo);
      snaps.push(await t.probe());
    }
    snaps.forEach((snap) => {
      // γ and β of each arm, as the probe's inspector read them; the noise of the step the probe looks at.
      for (const layer of [0, 1]) {
        const clean = snap.arms[0]!.layers[layer]!;
        const noisy = snap.arms[1]!.layers[layer]!;
        const { scale, shift } = bnNoiseDraw({ strength: 1, seed: 4 }, snap.step, layer, 24);
        noisy.units.mean.forEach((m, j) => {
          expect(clean.units.mean[j]!).toBeCloseTo(clean.inspect!.beta[j]!, 4);
          expect(m).toBeCloseTo(scale[j]! * noisy.inspect!.beta[j]! + shift[j]!, 4);
          expect(noisy.units.std[j]! / (scale[j]! * Math.abs(noisy.inspect!.gamma[j]!))).toBeCloseTo(1, 2);
        });
      }
    });
    // From one step to the next the noisy units move by the change of the draw; the clean ones hardly at all.
    const moved = (arm: number) => snaps[2]!.arms[arm]!.layers[1]!.units.mean.reduce((s, m, j) => s + Math.abs(m - snaps[1]!.arms[arm]!.layers[1]!.units.mean[j]!), 0) / 24;
    expect(moved(1)).toBeGreaterThan(0.3);
    expect(moved(0)).toBeLessThan(0.05);
  });

  it('keeps tf.memory().numTensors flat over 50 noisy steps with probes, and frees everything on dispose', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const t = await trainer(small([{ norm: 'none' }, { norm: 'batch', noise: 2 }], { probe: { interval: 10, batchSize: 64, bins: 16, range: 8 } }));
    await runLockstep(t, 1);
    const afterStart = tf.memory().numTensors;
    let probes = 0;
    await runLockstep(t, 51, { onProbe: () => probes++ });
    expect(probes).toBe(6);
    expect(tf.memory().numTensors).toBe(afterStart);
    release(t);
    expect(tf.memory().numTensors).toBe(before);
  });
});
