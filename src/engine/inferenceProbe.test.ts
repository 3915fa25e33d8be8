import { describe, expect, it } from 'vitest';
import { tf } from './tf';
import '@tensorflow/tfjs-backend-wasm';
import type { ExperimentConfigInput } from '../config/schema';
import type { LockstepTrainer } from './trainer';
import { runLockstep } from './run';
import { appendProbe, createHistory, modeHistory } from './history';
import { distributionsIn, type LayerDistributions } from './probes/types';
import { PERCENTILES } from './probes/distribution';
import { percentileReference } from './testing/reference';
import { trainerFixture } from './testing/fixtures';

/**
 * Batch norm's inference-mode distributions: the probe batch through the network with the running averages, the way
 * the test set is evaluated. Checked against a float64 forward pass in plain JavaScript from the read-back weights
 * and running statistics (no tfjs), for batch norm before and after the nonlinearity. On wasm, the lab's backend.
 */

const PROBE = 64;
const WIDTH = 24;

const mlp = (placement: 'before' | 'after'): ExperimentConfigInput => ({
  seed: 7,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 3, width: WIDTH },
  batchSize: 32,
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  normalization: { placement, momentum: 0.1, epsilon: 1e-3, affine: true },
  arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }],
  probe: { interval: 10, batchSize: PROBE, bins: 16, range: 8 },
});

const { trainer, release } = trainerFixture();

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * The nonlinearity inputs of the probe batch through the BN arm in inference mode, in float64: per hidden layer a
 * [PROBE × units] row-major array. z = hW + b; batch norm uses the running mean and variance:
 * y = γ (x − μ) / √(σ² + ε) + β, before the sigmoid (placement 'before') or on its output ('after').
 */
async function float64PreActivations(t: LockstepTrainer, armIndex: number): Promise<Float64Array[]> {
  const arm = t.arms[armIndex]!;
  const values = new Map<string, Float32Array>();
  for (const [i, p] of arm.layout.entries()) values.set(p.name, (await arm.params[i]!.data()) as Float32Array);
  const running = await Promise.all(arm.running.map(async (r) => (r ? { mean: (await r.mean.data()) as Float32Array, variance: (await r.variance.data()) as Float32Array } : null)));
  const eps = arm.spec.epsilon;
  const bn = (v: Float64Array, layer: number, units: number) => {
    const r = running[layer]!;
    const g = values.get(`hidden${layer}.gamma`)!;
    const b = values.get(`hidden${layer}.beta`)!;
    for (let n = 0; n < PROBE; n++) for (let k = 0; k < units; k++) v[n * units + k] = (g[k]! * (v[n * units + k]! - r.mean[k]!)) / Math.sqrt(r.variance[k]! + eps) + b[k]!;
  };
  const flat = t.dataset.inputShape.reduce((a, b) => a * b, 1);
  let h = Float64Array.from(t.dataset.testX.subarray(0, PROBE * flat));
  let fanIn = flat;
  const out: Float64Array[] = [];
  t.architecture.hidden.forEach((l, j) => {
    const w = values.get(`hidden${j}.weight`)!;
    const bias = values.get(`hidden${j}.bias`);
    const z = new Float64Array(PROBE * l.units);
    for (let n = 0; n < PROBE; n++) {
      for (let k = 0; k < l.units; k++) {
        let s = bias ? bias[k]! : 0;
        for (let i = 0; i < fanIn; i++) s += h[n * fanIn + i]! * w[i * l.units + k]!;
        z[n * l.units + k] = s;
      }
    }
    if (arm.spec.placement === 'before') bn(z, j, l.units);
    out.push(z);
    h = z.map(sigmoid);
    if (arm.spec.placement === 'after') bn(h, j, l.units);
    fanIn = l.units;
  });
  return out;
}

/** Every number of one layer's distributions against the float64 values z ([PROBE × units], row-major). */
function expectMatches(got: LayerDistributions, z: Float64Array, units: number, bins: number, range: number): void {
  PERCENTILES.forEach((p, q) => expect(got.pooled.percentiles[q]).toBeCloseTo(percentileReference(z, p), 4));
  const mean = z.reduce((a, b) => a + b, 0) / z.length;
  const std = Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length);
  expect(got.pooled.mean).toBeCloseTo(mean, 4);
  expect(got.pooled.std).toBeCloseTo(std, 4);
  const total = got.pooled.histogram.reduce((a, b) => a + b, 0) + got.pooled.underflow + got.pooled.overflow;
  expect(total).toBe(z.length);
  expect(got.units.histogram.length).toBe(units * (bins + 2));
  expect(range).toBeGreaterThan(0);
  for (let k = 0; k < units; k++) {
    const column = Array.from({ length: PROBE }, (_, n) => z[n * units + k]!);
    PERCENTILES.forEach((p, q) => expect(got.units.percentiles[k * 5 + q]).toBeCloseTo(percentileReference(column, p), 4));
    const m = column.reduce((a, b) => a + b, 0) / PROBE;
    expect(got.units.mean[k]).toBeCloseTo(m, 4);
    expect(got.units.std[k]).toBeCloseTo(Math.sqrt(column.reduce((a, b) => a + (b - m) ** 2, 0) / PROBE), 4);
  }
}

describe('inference-mode distributions (batch norm with its running averages)', () => {
  it.each(['before', 'after'] as const)('match a float64 forward pass from the running statistics, batch norm %s the sigmoid', async (placement) => {
    await tf.setBackend('wasm');
    const t = await trainer(mlp(placement));
    await runLockstep(t, 30);
    const snap = await t.probe();
    const bnArm = t.arms.findIndex((a) => a.spec.norm === 'batch');
    const z64 = await float64PreActivations(t, bnArm);
    const { bins, range } = t.config.probe;
    snap.arms[bnArm]!.layers.forEach((layer, j) => {
      expect(layer.inference).not.toBeNull();
      expectMatches(layer.inference!, z64[j]!, WIDTH, bins, range);
    });
    // The two modes differ where batch norm acts on this layer's input: every layer before the sigmoid; after it,
    // from the second layer on (the first layer's input is the data).
    snap.arms[bnArm]!.layers.forEach((layer, j) => {
      const differs = layer.inference!.pooled.percentiles.some((v, q) => Math.abs(v - layer.pooled.percentiles[q]!) > 1e-4);
      expect(differs).toBe(placement === 'before' || j > 0);
    });
  });

  it('are not computed twice for arms whose two modes are the same (no batch norm, layer norm)', async () => {
    await tf.setBackend('wasm');
    const t = await trainer(mlp('before'));
    await runLockstep(t, 10);
    const snap = await t.probe();
    t.arms.forEach((arm, i) => {
      for (const layer of snap.arms[i]!.layers) {
        if (arm.spec.norm === 'batch') continue;
        expect(layer.inference).toBeNull();
        // Read as either mode, it is the one set of numbers (the same arrays, not copies).
        expect(distributionsIn(layer, 'inference').units.percentiles).toBe(layer.units.percentiles);
        expect(distributionsIn(layer, 'train').pooled).toBe(layer.pooled);
      }
    });
  });

  it('reach the history (pooled, per mode) and keep it aligned with the steps', async () => {
    await tf.setBackend('wasm');
    const t = await trainer(mlp('before'));
    const h = createHistory(t.arms.map((a) => ({ name: a.name, norm: a.spec.norm })), t.architecture.hidden.map((l) => l.units));
    const snaps: Awaited<ReturnType<LockstepTrainer['probe']>>[] = [];
    await runLockstep(t, 25, {
      onProbe: (s) => {
        appendProbe(h, s);
        snaps.push(s);
      },
    });
    h.forEach((arm, i) => {
      for (const [j, layer] of arm.layers.entries()) {
        expect(layer.inference === null).toBe(arm.norm !== 'batch');
        const inf = modeHistory(layer, 'inference');
        expect(inf.percentiles.p50).toHaveLength(arm.steps.length);
        snaps.forEach((s, k) => expect(inf.percentiles.p50[k]).toBe(distributionsIn(s.arms[i]!.layers[j]!, 'inference').pooled.percentiles[2]));
      }
    });
  });

  it('keep tf.memory().numTensors flat over many probes in both placements, and free everything on dispose', async () => {
    await tf.setBackend('wasm');
    for (const placement of ['before', 'after'] as const) {
      const before = tf.memory().numTensors;
      const t = await trainer({ ...mlp(placement), model: { kind: 'mlp', depth: 2, width: 8 } });
      await runLockstep(t, 10);
      const afterStart = tf.memory().numTensors;
      let probes = 0;
      let inference = 0;
      await runLockstep(t, 90, {
        onProbe: (s) => {
          probes++;
          inference += s.arms.filter((a) => a.layers.every((l) => l.inference !== null)).length;
        },
      });
      expect(probes).toBe(8);
      // One batch-norm arm per probe measured its inference mode.
      expect(inference).toBe(8);
      expect(tf.memory().numTensors).toBe(afterStart);
      release(t);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
