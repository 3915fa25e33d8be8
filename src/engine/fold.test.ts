import { afterEach, describe, expect, it } from 'vitest';
import { tf } from './tf';
import '@tensorflow/tfjs-backend-wasm';
import { parseConfig, type ExperimentConfigInput } from '../config/schema';
import { foldBatchNorm, foldedAffine, foldedUnit, foldRefusal, foldTarget, type ArmArrays, type RunningArrays } from './fold';
import { armSpec, buildArchitecture, forward, paramLayout, type Architecture, type ArmSpec } from './model';
import { LockstepTrainer } from './trainer';
import { runLockstep } from './run';
import { configAndData } from './testing/fixtures';

/**
 * Batch norm folded into the weights gives the same inference-mode logits as the network it came from: trained
 * arms (an MLP and a CNN, batch norm before and after the nonlinearity) through the engine's own forward(), and a
 * network small enough to fold by hand.
 */

let live: LockstepTrainer[] = [];
afterEach(() => {
  live.forEach((t) => t.dispose());
  live = [];
});

async function trained(input: ExperimentConfigInput, steps: number): Promise<LockstepTrainer> {
  const { config, dataset } = await configAndData(input);
  const t = new LockstepTrainer(config, dataset);
  live.push(t);
  await runLockstep(t, steps);
  return t;
}

/** The logits of `net` in inference mode on the first `n` test examples, through the engine's forward(). */
async function inferenceLogits(t: LockstepTrainer, net: ArmArrays, running: readonly (RunningArrays | null)[], n: number): Promise<Float32Array> {
  const arch = t.architecture;
  const flat = arch.inputShape.reduce((a, b) => a * b, 1);
  const logits = tf.tidy(() => {
    const params = net.layout.map((p, i) => tf.tensor(Float32Array.from(net.params[i]!), [...p.shape]));
    const run = running.map((r) => (r ? { mean: tf.tensor1d(Float32Array.from(r.mean)), variance: tf.tensor1d(Float32Array.from(r.variance)) } : null));
    const x = tf.tensor2d(t.dataset.testX.subarray(0, n * flat), [n, flat]);
    return forward(arch, net.spec, net.layout, params, x, { kind: 'inference', running: run });
  });
  const out = (await logits.data()) as Float32Array;
  logits.dispose();
  return out;
}

/** max |a − b| / max |b|: the error against the scale of the logits. */
function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/**
 * Folds arm `index` of a trained run and compares the folded network's logits with the arm's own, both in inference
 * mode. Returns the error and the largest |s − 1| of the folded scales, to show that the fold did something.
 */
async function foldAndCompare(t: LockstepTrainer, index: number, n = 256): Promise<{ error: number; scaleSpread: number }> {
  const before = tf.memory().numTensors;
  const snap = await t.snapshotArm(index);
  const folded = foldBatchNorm(t.architecture, snap, snap.running);
  expect(folded.spec.norm).toBe('none');
  expect(folded.layout).toEqual(paramLayout(t.architecture, folded.spec));
  folded.layout.forEach((p, i) => expect(folded.params[i]!.length).toBe(p.shape.reduce((a, b) => a * b, 1)));
  const reference = await inferenceLogits(t, snap, snap.running, n);
  const foldedLogits = await inferenceLogits(t, folded, t.architecture.hidden.map(() => null), n);
  let scaleSpread = 0;
  snap.running.forEach((r, j) => {
    const gi = snap.layout.findIndex((p) => p.layer === j && p.role === 'gamma');
    const bi = snap.layout.findIndex((p) => p.layer === j && p.role === 'beta');
    const { scale } = foldedAffine(snap.params[gi]!, snap.params[bi]!, r!.mean, r!.variance, snap.spec.epsilon);
    for (const s of scale) scaleSpread = Math.max(scaleSpread, Math.abs(s - 1));
  });
  expect(tf.memory().numTensors).toBe(before);
  return { error: relativeMaxError(foldedLogits, reference), scaleSpread };
}

const mlp: ExperimentConfigInput = {
  seed: 11,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 3, width: 24 },
  activation: 'sigmoid',
  init: { scheme: 'gaussian', scale: 0.1 },
  batchSize: 32,
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  normalization: { placement: 'before', momentum: 0.1, epsilon: 1e-5, affine: true },
  arms: [
    { norm: 'batch', placement: 'before' },
    { norm: 'batch', placement: 'after' },
  ],
  probe: { interval: 50, batchSize: 64, bins: 16, range: 8 },
};

const cnn = (depth: number, placement: 'before' | 'after'): ExperimentConfigInput => ({
  seed: 4,
  dataset: { name: 'mnist' },
  model: { kind: 'cnn', depth, width: 8 },
  activation: 'relu',
  init: { scheme: 'he', scale: 1 },
  batchSize: 16,
  optimizer: { kind: 'sgd', learningRate: 0.05 },
  normalization: { placement, momentum: 0.1, epsilon: 1e-5, affine: true },
  arms: [{ norm: 'batch' }],
  probe: { interval: 50, batchSize: 64, bins: 16, range: 8 },
});

describe('folding batch norm into trained networks (wasm)', () => {
  it('an MLP, batch norm before and after the sigmoid: the folded logits equal the inference logits to 1e-5', async () => {
    await tf.setBackend('wasm');
    const t = await trained(mlp, 50);
    for (const index of [0, 1]) {
      const { error, scaleSpread } = await foldAndCompare(t, index);
      expect(error, t.arms[index]!.name).toBeLessThan(1e-5);
      // The running statistics moved far from (0, 1): the fold rescales units, it is no identity.
      expect(scaleSpread).toBeGreaterThan(0.1);
    }
  });

  it('a CNN with batch norm before the ReLU (strided layers included): the folded filters give the same logits', async () => {
    await tf.setBackend('wasm');
    const t = await trained(cnn(3, 'before'), 50);
    const { error, scaleSpread } = await foldAndCompare(t, 0, 64);
    expect(error).toBeLessThan(1e-5);
    expect(scaleSpread).toBeGreaterThan(0.1);
  });

  it('a convolution with batch norm after the ReLU folds into the classifier, which reads it flattened', async () => {
    await tf.setBackend('wasm');
    const t = await trained(cnn(1, 'after'), 50);
    const { error, scaleSpread } = await foldAndCompare(t, 0, 64);
    expect(error).toBeLessThan(1e-5);
    expect(scaleSpread).toBeGreaterThan(0.1);
  });

  it('refuses batch norm after the nonlinearity in front of a convolution, whose zero padding would not fold', async () => {
    await tf.setBackend('wasm');
    const { config, dataset } = await configAndData(cnn(2, 'after'));
    const t = new LockstepTrainer(config, dataset);
    live.push(t);
    const snap = await t.snapshotArm(0);
    expect(() => foldBatchNorm(t.architecture, snap, snap.running)).toThrow(/layer 2, a convolution whose zero padding/);
  });
});

describe('folding by hand, in float64', () => {
  // The engine's own spec of a batch-norm arm, with ε = 1 so that the hand computation stays exact.
  const bnSpec = armSpec({ norm: 'batch' }, parseConfig({ dataset: { name: 'spirals' } }));
  const spec = (placement: 'before' | 'after'): ArmSpec => ({ ...bnSpec, placement, affine: true, epsilon: 1, activation: 'relu' });
  // x ∈ ℝ², one dense layer of 2 units, a classifier of 2 classes.
  const arch: Architecture = {
    inputShape: [2],
    hidden: [{ kind: 'dense', units: 2, stride: 1, inShape: [2], outShape: [2], fanIn: 2, fanOut: 2 }],
    numClasses: 2,
    classifierFanIn: 2,
  };
  // ε = 1 and σ²_run = 3, 15 give √(σ²+ε) = 2, 4; with γ = 2, 2 the scales are s = 1, 0.5 exactly.
  const running = [{ mean: [1, -2], variance: [3, 15] }];
  const gamma = [2, 2];
  const beta = [0.5, 1];
  const W = [1, 2, 3, 4]; // [in, out] row-major: column k holds unit k's weights.
  const C = [1, -1, 2, 0.5]; // classifier [2, 2]
  const c = [0.25, -0.75];

  it('per unit: s = γ/√(σ²_run + ε) and b′ = (b − μ_run)·s + β', () => {
    expect(foldedUnit(2, 0.5, 1, 3, 1)).toEqual({ scale: 1, shift: -0.5 });
    expect(foldedUnit(2, 1, -2, 15, 1)).toEqual({ scale: 0.5, shift: 2 });
    // With a bias of its own: (b − μ)·s + β = (3 − 1)·1 + 0.5.
    expect(foldedUnit(2, 0.5, 1, 3, 1, 3)).toEqual({ scale: 1, shift: 2.5 });
    const { scale, shift } = foldedAffine(gamma, beta, running[0]!.mean, running[0]!.variance, 1);
    expect([...scale]).toEqual([1, 0.5]);
    expect([...shift]).toEqual([-0.5, 2]);
    // Float64 where float32 loses it: μ = 1e8 + 1 and b = 1e8 cancel to −1 only in float64.
    expect(foldedUnit(1, 0, 1e8 + 1, 0, 1, 1e8).shift).toBe(-1);
    expect(() => foldedAffine([1], [0, 0], [0, 0], [1, 1], 1e-5)).toThrow(RangeError);
  });

  it('before the nonlinearity: W′ = W·diag(s), b′ = β − μ_run·s (no bias under batch norm); the classifier is untouched', () => {
    const s = spec('before');
    const layout = paramLayout(arch, s);
    expect(layout.map((p) => p.name)).toEqual(['hidden0.weight', 'hidden0.gamma', 'hidden0.beta', 'classifier.weight', 'classifier.bias']);
    const folded = foldBatchNorm(arch, { spec: s, layout, params: [W, gamma, beta, C, c] }, running);
    expect(folded.layout.map((p) => p.name)).toEqual(['hidden0.weight', 'hidden0.bias', 'classifier.weight', 'classifier.bias']);
    expect([...folded.params[0]!]).toEqual([1, 1, 3, 2]);
    expect([...folded.params[1]!]).toEqual([-0.5, 2]);
    expect([...folded.params[2]!]).toEqual(C);
    expect([...folded.params[3]!]).toEqual(c);
  });

  it('after the nonlinearity: the classifier’s row k times s_k, its bias plus Σ_k C[k, o]·t_k', () => {
    const s = spec('after');
    const layout = paramLayout(arch, s);
    const b = [0.125, -0.5];
    const folded = foldBatchNorm(arch, { spec: s, layout, params: [W, b, gamma, beta, C, c] }, running);
    // The hidden layer keeps its weights and bias; t = β − μ·s = (−0.5, 2).
    expect([...folded.params[0]!]).toEqual(W);
    expect([...folded.params[1]!]).toEqual(b);
    // Rows of C = [[1, −1], [2, 0.5]] times s = (1, 0.5): [[1, −1], [1, 0.25]].
    expect([...folded.params[2]!]).toEqual([1, -1, 1, 0.25]);
    // c + Cᵀt = (0.25 + 1·(−0.5) + 2·2, −0.75 + (−1)(−0.5) + 0.5·2) = (3.75, 0.75).
    expect([...folded.params[3]!]).toEqual([3.75, 0.75]);
  });

  it('without learnable γ, β the engine’s γ = 1, β = 0 fold', () => {
    const s: ArmSpec = { ...spec('before'), affine: false };
    const layout = paramLayout(arch, s);
    const folded = foldBatchNorm(arch, { spec: s, layout, params: [W, C, c] }, running);
    // s = 1/2, 1/4; b′ = −μ·s = (−0.5, 0.5).
    expect([...folded.params[0]!]).toEqual([0.5, 0.5, 1.5, 1]);
    expect([...folded.params[1]!]).toEqual([-0.5, 0.5]);
  });

  it('says why layer norm and batch norm before a padded convolution do not fold; a plain network folds as itself', () => {
    const cnnArch = buildArchitecture(parseConfig({ dataset: { name: 'mnist' }, model: { kind: 'cnn', depth: 2, width: 4 } }), [8, 8, 1], 10);
    expect(foldRefusal(arch, { norm: 'layer', placement: 'before' })).toMatch(/layer norm normalizes each example/);
    expect(foldRefusal(cnnArch, { norm: 'batch', placement: 'after' })).toMatch(/zero padding/);
    expect(foldRefusal(cnnArch, { norm: 'batch', placement: 'before' })).toBeNull();
    expect(foldRefusal(arch, { norm: 'batch', placement: 'after' })).toBeNull();
    // Layer by layer: before, into itself; after, into the next layer (the last into the classifier, index L).
    expect(foldTarget(cnnArch, { norm: 'batch', placement: 'before' }, 1)).toEqual({ kind: 'fold', into: 1 });
    expect(foldTarget(cnnArch, { norm: 'batch', placement: 'after' }, 1)).toEqual({ kind: 'fold', into: 2 });
    expect(foldTarget(cnnArch, { norm: 'batch', placement: 'after' }, 0)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/^batch norm after the nonlinearity of layer 1 feeds layer 2/) });
    expect(foldTarget(cnnArch, { norm: 'none', placement: 'after' }, 0)).toEqual({ kind: 'none-needed' });
    const plain: ArmSpec = { ...spec('before'), norm: 'none' };
    const layout = paramLayout(arch, plain);
    const folded = foldBatchNorm(arch, { spec: plain, layout, params: [W, [0, 1], C, c] }, [null]);
    expect(folded.params.map((p) => [...p])).toEqual([W, [0, 1], C, c]);
    expect(() => foldBatchNorm(arch, { spec: { ...plain, norm: 'layer' }, layout, params: [W, [0, 1], C, c] }, [null])).toThrow(/cannot fold/);
  });
});
