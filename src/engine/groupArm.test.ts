import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { armName, parseConfig, type ArmConfig, type ExperimentConfig, type ExperimentConfigInput } from '../config/schema';
import { armSpec, buildArchitecture, forward, initialValues, paramLayout, type ForwardCapture } from './model';
import { trainerFixture } from './testing/fixtures';

/**
 * Group norm as an arm of the lab: it trains in the lockstep trainer, its forward pass is the textbook computation
 * (checked against float64 loops written here, not against the engine's own group norm), and one group is layer norm.
 */

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const fixture = trainerFixture();

/** Deterministic values in (−amp, amp): no randomness outside the seed, and far from any symmetry. */
function wiggle(n: number, salt: number, amp = 1): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin(12.9898 * (i + 1) + 78.233 * salt));
}

/** An arm's network from the config, with its parameters; γ, β and the biases made non-trivial so they are tested too. */
function network(config: ExperimentConfig, arm: ArmConfig, inputShape: number[], numClasses: number) {
  const arch = buildArchitecture(config, inputShape, numClasses);
  const spec = armSpec(arm, config);
  const layout = paramLayout(arch, spec);
  const values = initialValues(arch, layout, config).map((v, i) => {
    const role = layout[i]!.role;
    if (role === 'gamma') return Float32Array.from(wiggle(v.length, i, 0.5), (w) => 1 + w);
    if (role === 'beta' || role === 'bias') return wiggle(v.length, i, 0.3);
    return v;
  });
  return { arch, spec, layout, values };
}

/** Per example and group, the float64 textbook group norm of rows [N, C] (channels last, spatial positions pooled). */
function groupNormRef(z: Float64Array | Float32Array, batch: number, positions: number, channels: number, groups: number, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number): Float64Array {
  const out = new Float64Array(z.length);
  const per = channels / groups;
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let p = 0; p < positions; p++) for (let c = g * per; c < (g + 1) * per; c++) idx.push((n * positions + p) * channels + c);
      const mean = idx.reduce((s, i) => s + z[i]!, 0) / idx.length;
      const variance = idx.reduce((s, i) => s + (z[i]! - mean) ** 2, 0) / idx.length;
      for (const i of idx) out[i] = gamma[i % channels]! * ((z[i]! - mean) / Math.sqrt(variance + eps)) + beta[i % channels]!;
    }
  }
  return out;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

/** The logits of a training-mode pass; `read` sees the pass's captured tensors before they are freed. */
function run(net: ReturnType<typeof network>, x: Tensor, read?: (capture: ForwardCapture) => void): Float32Array {
  return tf.tidy(() => {
    const params = net.values.map((v, i) => tf.tensor(v, [...net.layout[i]!.shape]));
    const capture: ForwardCapture = { preActivations: [], inputs: [], normInputs: [] };
    const logits = forward(net.arch, net.spec, net.layout, params, x, { kind: 'train', step: 0 }, capture);
    read?.(capture);
    return logits.dataSync() as Float32Array;
  });
}

const mlpInput: ExperimentConfigInput = {
  seed: 3,
  dataset: { name: 'circles' },
  model: { kind: 'mlp', depth: 2, width: 8 },
  activation: 'tanh',
  init: { scheme: 'gaussian', scale: 0.6 },
  normalization: { epsilon: 1e-5 },
  arms: [{ norm: 'group', groups: 2 }],
};

describe('a group-norm arm in the network', () => {
  it('takes the default number of groups, is named for it, and keeps its bias with γ and β per unit', () => {
    const config = parseConfig({ ...mlpInput, arms: [{ norm: 'group' }, { norm: 'group', groups: 2 }, { norm: 'group', groups: 1 }] });
    const specs = config.arms.map((a) => armSpec(a, config));
    expect(specs.map((s) => s.groups)).toEqual([4, 2, 1]);
    expect(armSpec({ norm: 'layer' }, config).groups).toBeUndefined();
    expect(config.arms.map((a) => armName(a, config))).toEqual(['GN', 'GN 2 groups', 'GN 1 group']);
    const arch = buildArchitecture(config, [2], 2);
    // Layer norm's layout, name for name: the bias stays (a mean over a group's units does not cancel it).
    expect(paramLayout(arch, specs[0]!)).toEqual(paramLayout(arch, armSpec({ norm: 'layer' }, config)));
    expect(paramLayout(arch, specs[0]!).filter((p) => p.layer === 0).map((p) => `${p.role} ${p.shape.join('×')}`)).toEqual(['weight 2×8', 'bias 8', 'gamma 8', 'beta 8']);
    const noAffine = parseConfig({ ...mlpInput, normalization: { affine: false } });
    expect(paramLayout(arch, armSpec(noAffine.arms[0]!, noAffine)).map((p) => p.role)).toEqual(['weight', 'bias', 'weight', 'bias', 'weight', 'bias']);
  });

  it('MLP: the logits are dense → group norm → tanh, layer by layer, as float64 loops compute them', () => {
    const config = parseConfig(mlpInput);
    const net = network(config, config.arms[0]!, [2], 2);
    const batch = 5;
    const xs = wiggle(batch * 2, 99, 2);
    const x = tf.tensor2d(xs, [batch, 2]);
    const logits = run(net, x);
    x.dispose();
    const byName = new Map(net.layout.map((p, i) => [p.name, net.values[i]!]));
    let h: Float64Array = Float64Array.from(xs);
    let width = 2;
    for (let j = 0; j < 2; j++) {
      const w = byName.get(`hidden${j}.weight`)!;
      const b = byName.get(`hidden${j}.bias`)!;
      const z = new Float64Array(batch * 8);
      for (let n = 0; n < batch; n++) for (let u = 0; u < 8; u++) {
        let s = b[u]!;
        for (let k = 0; k < width; k++) s += h[n * width + k]! * w[k * 8 + u]!;
        z[n * 8 + u] = s;
      }
      h = groupNormRef(z, batch, 1, 8, 2, byName.get(`hidden${j}.gamma`)!, byName.get(`hidden${j}.beta`)!, 1e-5).map(Math.tanh);
      width = 8;
    }
    const wc = byName.get('classifier.weight')!;
    const bc = byName.get('classifier.bias')!;
    const ref = Array.from({ length: batch * 2 }, (_, i) => {
      const [n, k] = [Math.floor(i / 2), i % 2];
      let s = bc[k]!;
      for (let u = 0; u < 8; u++) s += h[n * 8 + u]! * wc[u * 2 + k]!;
      return s;
    });
    expect(maxAbsDiff(logits, ref)).toBeLessThan(1e-5);
  });

  it('CNN: each example’s groups of channels, over every pixel, normalized to mean 0 and variance 1 (γ = 1, β = 0), then γ and β per channel', () => {
    const input: ExperimentConfigInput = { dataset: { name: 'mnist' }, model: { kind: 'cnn', depth: 2, width: 8 }, activation: 'relu', init: { scheme: 'he', scale: 1 }, arms: [{ norm: 'group' }] };
    const config = parseConfig(input);
    expect(armSpec(config.arms[0]!, config).groups).toBe(4);
    const batch = 3;
    const x = tf.tensor2d(wiggle(batch * 784, 7), [batch, 784]);
    // With the initial γ = 1 and β = 0: every example's every group has mean 0 and variance 1 (to ε), by construction.
    const plainStart = network(config, config.arms[0]!, [28, 28, 1], 10);
    const fresh = { ...plainStart, values: initialValues(plainStart.arch, plainStart.layout, config) };
    run(fresh, x, (cap) => {
      expect(cap.preActivations).toHaveLength(2);
      cap.preActivations.forEach((t, j) => {
        const [h, w] = fresh.arch.hidden[j]!.outShape as [number, number, number];
        const { mean, variance } = tf.moments(tf.reshape(t, [batch, h * w, 4, 2]), [1, 3]);
        expect(maxAbsDiff(mean.dataSync(), new Float32Array(batch * 4))).toBeLessThan(1e-5);
        // The variance is σ²/(σ² + ε): 1 to within ε over the group's spread.
        expect(maxAbsDiff(variance.dataSync(), new Float32Array(batch * 4).fill(1))).toBeLessThan(1e-3);
      });
    });
    // With learned-looking γ, β and biases: the GN layer's output is the float64 group norm of the plain layer's
    // output, from the same weights and biases (the plain arm's pre-activation is conv + bias, nothing more).
    const gn = network(config, config.arms[0]!, [28, 28, 1], 10);
    const plain = network(config, { norm: 'none' }, [28, 28, 1], 10);
    const byName = new Map(gn.layout.map((p, i) => [p.name, gn.values[i]!]));
    plain.values = plain.layout.map((p) => byName.get(p.name)!);
    // Layer 1 (28×28×8), where both arms see the same input.
    let z: Float32Array = new Float32Array();
    run(plain, x, (cap) => (z = cap.preActivations[0]!.dataSync() as Float32Array));
    let y: Float32Array = new Float32Array();
    run(gn, x, (cap) => (y = cap.preActivations[0]!.dataSync() as Float32Array));
    expect(z.length).toBe(batch * 28 * 28 * 8);
    const ref = groupNormRef(z, batch, 28 * 28, 8, 4, byName.get('hidden0.gamma')!, byName.get('hidden0.beta')!, config.normalization.epsilon);
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-4);
    x.dispose();
  });

  it('with one group it is layer norm, on the same weights: MLP and CNN', () => {
    const cases: [ExperimentConfigInput, number[], number][] = [
      [{ ...mlpInput, arms: [{ norm: 'group', groups: 1 }] }, [2], 2],
      [{ dataset: { name: 'mnist' }, model: { kind: 'cnn', depth: 2, width: 4 }, activation: 'relu', arms: [{ norm: 'group', groups: 1 }] }, [28, 28, 1], 10],
    ];
    for (const [input, shape, classes] of cases) {
      const config = parseConfig(input);
      const gn = network(config, config.arms[0]!, shape, classes);
      const ln = network(config, { norm: 'layer' }, shape, classes);
      expect(ln.layout).toEqual(gn.layout);
      ln.values = gn.values;
      const size = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor2d(wiggle(4 * size, 5), [4, size]);
      expect(maxAbsDiff(run(gn, x), run(ln, x))).toBeLessThan(1e-5);
      x.dispose();
    }
  });

  it('trains in the lockstep trainer: finite, falling losses over 50 steps, and a flat tensor count', async () => {
    const t = await fixture.trainer({
      seed: 1,
      dataset: { name: 'circles', noise: 0.1 },
      model: { kind: 'mlp', depth: 2, width: 16 },
      activation: 'relu',
      init: { scheme: 'he', scale: 1 },
      optimizer: { kind: 'adam', learningRate: 0.02 },
      batchSize: 16,
      probe: { interval: 25, batchSize: 64, bins: 8, range: 4 },
      arms: [{ norm: 'group', groups: 2 }, { norm: 'group' }],
    });
    expect(t.arms.map((a) => a.name)).toEqual(['GN 2 groups', 'GN']);
    const start = await t.probe();
    t.trainStep();
    const counted = tf.memory().numTensors;
    const probes = [start];
    for (let s = 1; s < 50; s++) {
      t.trainStep();
      expect(tf.memory().numTensors).toBe(counted);
      if ((s + 1) % 25 === 0) probes.push(await t.probe());
    }
    expect(tf.memory().numTensors).toBe(counted);
    expect(probes.map((p) => p.step)).toEqual([0, 25, 50]);
    for (let a = 0; a < 2; a++) {
      const [p0, p25, p50] = probes.map((p) => p.arms[a]!);
      for (const p of [p0!, p25!, p50!]) expect(Number.isFinite(p.trainLoss) && Number.isFinite(p.testLoss)).toBe(true);
      // Training loss averaged over steps 26–50 below that over 1–25, and the test loss at step 50 under half step 0's
      // (seed 1: 0.90 → 0.08 with 2 groups, 0.82 → 0.18 with 4): the circles, learned.
      expect(p50!.trainLoss).toBeLessThan(p25!.trainLoss);
      expect(p50!.testLoss).toBeLessThan(0.5 * p0!.testLoss);
      expect(p50!.testAccuracy).toBeGreaterThan(0.85);
      expect(p50!.divergedAt).toBeNull();
    }
  });
});
