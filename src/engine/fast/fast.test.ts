import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfigInput } from '../../config/schema';
import { armSpec, buildArchitecture, crossEntropy, forward, initialValues, paramLayout } from '../model';
import { BatchSampler } from '../batches';
import { configAndData, trainerFixture } from '../testing/fixtures';
import { tf } from '../tf';
import { LockstepTrainer } from '../trainer';
import { FastKernels } from './kernels';
import { FastNet } from './net';
import { relativeError } from '../testing/reference';

/**
 * The fast path (WebAssembly SIMD kernels) against the tfjs path, which is the reference (itself checked against
 * float64 PyTorch, norm/torchReference.test.ts): the same configuration, initial weights and batches must give the
 * same per-step losses (≤ 1e-5 relative over 100 steps), gradients and weights, for the MLP and the CNN, with each
 * normalization, with SGD, momentum and Adam.
 */

const fixture = trainerFixture();

// The reference runs on wasm, the backend the page and the CLI train on here.
beforeAll(async () => {
  await tf.setBackend('wasm');
});

const ALL_NORMS: ExperimentConfigInput['arms'] = [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }, { norm: 'group', groups: 2 }];

const MLP: ExperimentConfigInput = { model: { kind: 'mlp', depth: 3, width: 32 }, batchSize: 24, arms: ALL_NORMS, init: { scheme: 'gaussian', scale: 0.1 } };
/**
 * ReLU is left to the MLP and the gradient test: on a ReLU CNN at batch 8, float32 rounding differences (10⁻⁷) that
 * flip a unit across the kink grow over 100 steps (measured: up to 2e-3 between the paths, and up to 0.3 between tfjs's
 * own cpu and wasm backends on the same run), so no two implementations with different summation orders agree there.
 */
const CNN: ExperimentConfigInput = { model: { kind: 'cnn', depth: 3, width: 8 }, batchSize: 16, arms: ALL_NORMS, activation: 'tanh', init: { scheme: 'he', scale: 1 } };

const OPTIMIZERS = [
  { kind: 'sgd', learningRate: 0.1 },
  { kind: 'momentum', learningRate: 0.02, momentum: 0.9 },
  { kind: 'adam', learningRate: 0.002 },
] as const;

/** Per-step losses of every arm over `steps` steps, on the given path. */
async function losses(input: ExperimentConfigInput, path: 'fast' | 'tfjs', steps: number): Promise<{ losses: number[][]; trainer: LockstepTrainer }> {
  const { config, dataset } = await configAndData(input);
  const trainer = new LockstepTrainer(config, dataset, undefined, { path });
  const out: number[][] = config.arms.map(() => []);
  trainer.onStepLoss = (arm, loss) => out[arm]!.push(loss);
  for (let s = 0; s < steps; s++) trainer.trainStep();
  return { losses: out, trainer };
}

async function expectSameRun(input: ExperimentConfigInput, steps = 100, finalPath: 'fast' | 'tfjs' = 'fast'): Promise<void> {
  const fast = await losses(input, 'fast', steps);
  const ref = await losses(input, 'tfjs', steps);
  try {
    expect(fast.trainer.path).toBe(finalPath);
    expect(ref.trainer.path).toBe('tfjs');
    ref.losses.forEach((armLosses, a) => {
      expect(fast.losses[a]).toHaveLength(steps);
      let worst = 0;
      armLosses.forEach((l, s) => (worst = Math.max(worst, Math.abs(fast.losses[a]![s]! - l) / Math.abs(l))));
      expect(worst, `arm ${a} (${fast.trainer.arms[a]!.name}): worst relative loss difference over ${steps} steps`).toBeLessThanOrEqual(1e-5);
    });
    // The state the probes read: parameters and running statistics, after the same steps.
    for (let a = 0; a < ref.trainer.arms.length; a++) {
      const f = await fast.trainer.snapshotArm(a);
      const r = await ref.trainer.snapshotArm(a);
      f.params.forEach((p, i) => expect(relativeError(p, r.params[i]!, 1e-3), `${f.name} ${f.layout[i]!.name}`).toBeLessThan(1e-4));
      f.running.forEach((s, i) => {
        if (!s) return;
        expect(relativeError(s.mean, r.running[i]!.mean)).toBeLessThan(1e-4);
        expect(relativeError(s.variance, r.running[i]!.variance)).toBeLessThan(1e-4);
      });
    }
    // A probe on the fast path measures the same network.
    const [pf, pr] = [await fast.trainer.probe(), await ref.trainer.probe()];
    pf.arms.forEach((arm, a) => {
      expect(Math.abs(arm.trainLoss - pr.arms[a]!.trainLoss) / pr.arms[a]!.trainLoss).toBeLessThan(1e-5);
      expect(Math.abs(arm.testLoss - pr.arms[a]!.testLoss) / pr.arms[a]!.testLoss).toBeLessThan(1e-4);
    });
  } finally {
    fast.trainer.dispose();
    ref.trainer.dispose();
  }
}

describe('the fast path trains as the tfjs path does', () => {
  for (const optimizer of OPTIMIZERS) {
    it(`MLP, no norm / batch / layer / group norm, ${optimizer.kind}: losses within 1e-5 over 100 steps`, { timeout: 1_200_000 }, async () => {
      await expectSameRun({ ...MLP, optimizer });
    });
    it(`ReLU MLP, He initialization, ${optimizer.kind}: losses within 1e-5 over 100 steps`, { timeout: 1_200_000 }, async () => {
      await expectSameRun({ ...MLP, activation: 'relu', init: { scheme: 'he', scale: 1 }, optimizer: { ...optimizer, learningRate: optimizer.learningRate / 2 } });
    });
    it(`CNN, no norm / batch / layer / group norm, ${optimizer.kind}: losses within 1e-5 over 100 steps`, { timeout: 1_200_000 }, async () => {
      // SGD at 0.1 makes this small CNN's run sensitive to rounding (1e-4 apart by step 99 in the GN arm): half that.
      await expectSameRun({ ...CNN, optimizer: { ...optimizer, learningRate: optimizer.kind === 'sgd' ? 0.05 : optimizer.learningRate } });
    });
  }

  it('tanh, normalization after the nonlinearity, noisy batch norm, own learning rates and a schedule', { timeout: 1_200_000 }, async () => {
    await expectSameRun({
      model: { kind: 'mlp', depth: 2, width: 20 },
      activation: 'tanh',
      batchSize: 16,
      normalization: { placement: 'after', momentum: 0.2 },
      optimizer: { kind: 'momentum', learningRate: 0.05, momentum: 0.8 },
      arms: [{ norm: 'batch', noise: 0.5 }, { norm: 'layer', learningRate: 0.02 }, { norm: 'batch', placement: 'before', initScale: 0.5 }],
      schedule: [
        { step: 30, set: { learningRate: 0.02, momentum: 0.5, bnMomentum: 0.05 } },
        { step: 50, set: { affine: false, batchSize: 32 } },
      ],
    });
  });

  it('the CNN with stride-2 layers whose size is odd, sigmoid and a frozen γ, β from step 20', { timeout: 1_200_000 }, async () => {
    await expectSameRun({
      model: { kind: 'cnn', depth: 4, width: 4 },
      batchSize: 6,
      arms: [{ norm: 'batch' }, { norm: 'group', groups: 2 }],
      optimizer: { kind: 'sgd', learningRate: 0.5 },
      schedule: [{ step: 20, set: { affine: false } }],
    }, 40);
  });

  it('leaves the fast path for batch norm in inference mode and goes on exactly as tfjs does', { timeout: 1_200_000 }, async () => {
    await expectSameRun({ ...MLP, arms: [{ norm: 'batch' }, { norm: 'none' }], schedule: [{ step: 40, set: { bnMode: 'inference' } }] }, 60, 'tfjs');
  });
});

describe('the fast path\'s gradients', () => {
  it('equal tfjs autodiff of the reference forward pass, for every parameter of every normalization (MLP and CNN)', { timeout: 600_000 }, async () => {
    for (const input of [
      MLP,
      { ...MLP, activation: 'relu', arms: [{ norm: 'batch', placement: 'after' }, { norm: 'batch', noise: 1 }, { norm: 'group', groups: 4, placement: 'after' }] },
      { ...CNN, activation: 'tanh' },
      { ...CNN, model: { kind: 'cnn', depth: 2, width: 6 }, arms: [{ norm: 'group', groups: 6 }, { norm: 'layer', placement: 'after' }] },
    ] as ExperimentConfigInput[]) {
      const { config, dataset } = await configAndData(input);
      const arch = buildArchitecture(config, dataset.inputShape, dataset.numClasses);
      const indices = new BatchSampler(dataset.numTrain, config.batchSize, config.seed).next();
      const flat = dataset.inputShape.reduce((a, b) => a * b, 1);
      const xs = new Float32Array(indices.length * flat);
      const ys = new Int32Array(indices.length);
      indices.forEach((row, i) => {
        xs.set(dataset.trainX.subarray(row * flat, (row + 1) * flat), i * flat);
        ys[i] = dataset.trainY[row]!;
      });
      const kernels = new FastKernels();
      for (const armCfg of config.arms) {
        const spec = armSpec(armCfg, config);
        const layout = paramLayout(arch, spec);
        const init = initialValues(arch, layout, config);
        const net = new FastNet(kernels, arch, spec, layout, init, 'sgd', config.batchSize);
        const loss = net.step(xs, ys, { learningRate: 0, optimizer: config.optimizer, frozenAffine: false, bnMomentum: 0.1, step: 0 });
        const fastGrads = net.gradients();
        const ref = tf.tidy(() => {
          const params = layout.map((p, i) => tf.tensor(init[i]!, [...p.shape]));
          const x = tf.tensor2d(xs, [indices.length, flat]);
          const y = tf.tensor1d(ys, 'int32');
          const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => crossEntropy(forward(arch, spec, layout, ps, x, { kind: 'train', step: 0 }), y, arch.numClasses))(params);
          return { loss: value.dataSync()[0]!, grads: grads.map((g) => g.dataSync() as Float32Array) };
        });
        expect(Math.abs(loss - ref.loss) / ref.loss).toBeLessThan(1e-6);
        // A bias right before instance norm (one channel per group, on a convolution) has a zero gradient: the norm
        // subtracts it again. Both paths hold only rounding noise there, on the scale of 1e-7 of the largest gradient.
        const scale = Math.max(...ref.grads.map((g) => Math.hypot(...g)));
        const instanceNorm = config.model.kind === 'cnn' && spec.norm === 'group' && spec.groups === config.model.width && spec.placement === 'before';
        layout.forEach((p, i) => {
          const what = `${config.model.kind} ${armCfg.norm} ${armCfg.placement ?? ''} ${p.name}`;
          if (instanceNorm && p.role === 'bias' && p.layer < arch.hidden.length) {
            expect(Math.hypot(...fastGrads[i]!), what).toBeLessThan(1e-5 * scale);
            expect(Math.hypot(...ref.grads[i]!), what).toBeLessThan(1e-5 * scale);
          } else {
            expect(relativeError(fastGrads[i]!, ref.grads[i]!), what).toBeLessThan(1e-5);
          }
        });
      }
    }
  });
});

describe('the fast path', () => {
  it('is what a trainer takes by default on the CPU backends, and tfjs stays the path on request', async () => {
    const auto = await fixture.trainer({ ...MLP, arms: [{ norm: 'batch' }] });
    expect(auto.path).toBe(tf.getBackend() === 'webgl' ? 'tfjs' : 'fast');
    const { config, dataset } = await configAndData(MLP);
    const ref = new LockstepTrainer(config, dataset, undefined, { path: 'tfjs' });
    expect(ref.path).toBe('tfjs');
    ref.dispose();
  });

  it('leaks no tensor over many steps and probes', { timeout: 600_000 }, async () => {
    const { config, dataset } = await configAndData({ ...MLP, probe: { interval: 10 } });
    const trainer = new LockstepTrainer(config, dataset, undefined, { path: 'fast' });
    trainer.trainStep();
    await trainer.probe();
    const before = tf.memory().numTensors;
    for (let s = 0; s < 60; s++) {
      trainer.trainStep();
      if (s % 20 === 19) await trainer.probe();
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});

describe('the fast path\'s probe passes', () => {
  it('take the evaluation\'s first-layer product for the probe batch only while the weights are the ones it was computed with', { timeout: 600_000 }, async () => {
    // Two runs of one configuration train the same numbers; only `reusing` evaluates (which keeps the product).
    const input: ExperimentConfigInput = { ...MLP, arms: [{ norm: 'batch' }] };
    const { config, dataset } = await configAndData(input);
    const reusing = new LockstepTrainer(config, dataset, undefined, { path: 'fast' });
    const computing = new LockstepTrainer(config, dataset, undefined, { path: 'fast' });
    try {
      const a = reusing.arms[0]!.fast!;
      const b = computing.arms[0]!.fast!;
      const rows = 40;
      const flat = dataset.testX.length / dataset.numTest;
      const xs = dataset.testX.subarray(0, rows * flat);
      const labels = Int32Array.from(dataset.testY);
      const pass = (net: FastNet) => net.probePass(xs, rows, { kind: 'train', step: 3 }).preActivations.map((p) => Array.from(p));
      for (let round = 0; round < 3; round++) {
        a.evaluate(dataset.testX, labels, dataset.numTest, rows);
        expect(pass(a), `round ${round}: right after the evaluation`).toEqual(pass(b));
        // A step changes the weights: the kept product is stale, and the pass must compute its own.
        reusing.trainStep();
        computing.trainStep();
        expect(pass(a), `round ${round}: after a step`).toEqual(pass(b));
      }
    } finally {
      reusing.dispose();
      computing.dispose();
    }
  });
});

describe('the fast path\'s memory', () => {
  it('stops growing once a run has probed: the probe passes reuse one layout of buffers', { timeout: 600_000 }, async () => {
    // The CNN's test-set chunks (64 examples) and its probe batch (more) are passes of different sizes.
    const { config, dataset } = await configAndData({ ...CNN, arms: [{ norm: 'batch' }, { norm: 'none' }], probe: { batchSize: 100 } });
    const trainer = new LockstepTrainer(config, dataset, undefined, { path: 'fast' });
    try {
      trainer.trainStep();
      await trainer.probe();
      trainer.trainStep();
      await trainer.probe();
      const bytes = trainer.fastBytes;
      for (let i = 0; i < 3; i++) {
        trainer.trainStep();
        await trainer.probe();
      }
      expect(trainer.fastBytes).toBe(bytes);
    } finally {
      trainer.dispose();
    }
  });
});

describe('the kernels', () => {
  const k = new FastKernels();
  it('exp, log and tanh agree with float64 to a few float32 ulps', () => {
    const worst = { exp: 0, log: 0, tanh: 0 };
    for (let i = 0; i <= 4000; i++) {
      const x = -20 + (40 * i) / 4000;
      const e = Math.fround(x);
      worst.exp = Math.max(worst.exp, Math.abs(k.k.exp_f32(e) - Math.exp(e)) / Math.exp(e));
      worst.tanh = Math.max(worst.tanh, Math.abs(k.k.tanh_f32(e) - Math.tanh(e)) / Math.max(Math.abs(Math.tanh(e)), 1e-30));
      const p = Math.fround(Math.exp(x / 2));
      worst.log = Math.max(worst.log, Math.abs(k.k.log_f32(p) - Math.log(p)) / Math.max(Math.abs(Math.log(p)), 1e-3));
    }
    expect(worst.exp).toBeLessThan(3e-7);
    expect(worst.log).toBeLessThan(3e-7);
    expect(worst.tanh).toBeLessThan(3e-7);
    expect(k.k.exp_f32(-200)).toBe(0);
    expect(k.k.exp_f32(200)).toBe(Infinity);
  });

  it('gemm equals a float64 product on ragged shapes, and accumulates', () => {
    for (const [M, K, N] of [[1, 1, 1], [7, 13, 11], [4, 9, 8], [61, 100, 10], [5, 3, 19]] as const) {
      const a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i * 1.3));
      const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i * 0.7));
      const c0 = Float32Array.from({ length: M * N }, (_, i) => i * 0.01);
      const pa = k.alloc(M * K);
      const pb = k.alloc(K * N);
      const pc = k.alloc(M * N);
      k.f32(pa, M * K).set(a);
      k.f32(pb, K * N).set(b);
      k.f32(pc, M * N).set(c0);
      k.k.gemm(pa, pb, pc, M, K, N, 1);
      const out = k.f32(pc, M * N);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = c0[i * N + j]!;
          for (let q = 0; q < K; q++) s += a[i * K + q]! * b[q * N + j]!;
          expect(Math.abs(out[i * N + j]! - s)).toBeLessThan(1e-5 * (1 + K));
        }
    }
  });

  it('the sigmoid, four lanes at a time, is the scalar exp-based one bit for bit, at every scale and at the edges', () => {
    const edges = [NaN, Infinity, -Infinity, 0, -0, 88.72283935546875, -88.72283935546875, 88.7228, 88.72284, 103.97208404541015625, 103.972, 103.9721, 87.3, -87.3, 100, -100, 126 * Math.LN2, -126 * Math.LN2, 1e-30, -1e-30, 3.4e38, -3.4e38];
    const sweep = Array.from({ length: 40000 }, (_, i) => (i % 2 ? -1 : 1) * Math.fround(Math.exp(-12 + (17 * i) / 40000)));
    const x = Float32Array.from([...edges, ...sweep]);
    const n = x.length;
    const px = k.alloc(n);
    const py = k.alloc(n);
    k.f32(px, n).set(x);
    k.k.act_fwd(0, px, py, n);
    const y = k.f32(py, n);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(1 / Math.fround(1 + k.k.exp_f32(Math.fround(-x[i]!))));
      if (!Object.is(y[i], want)) expect(y[i], `sigmoid(${x[i]}) at ${i}`).toBe(want);
    }
  });

  it('gemm_sparse_a and gemm_csr give the dense gemm\'s result bit for bit on mostly-zero rows; a non-finite B falls back or is declined', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [M, K, N] of [[1, 1, 1], [60, 784, 100], [7, 13, 11], [4, 9, 8], [33, 100, 10], [5, 3, 19], [3, 20, 17]] as const) {
      // Four-fifths zeros, some of them −0; values over many magnitudes; a row of nothing but zeros.
      const a = Float32Array.from({ length: M * K }, (_, i) => (i < K ? 0 : next() < 0.8 ? (next() < 0.5 ? -0 : 0) : (next() - 0.5) * 10 ** Math.floor(next() * 6 - 3)));
      const b = Float32Array.from({ length: K * N }, () => (next() - 0.5) * 2);
      const pa = k.alloc(M * K);
      const pb = k.alloc(K * N);
      const dense = k.alloc(M * N);
      const sparse = k.alloc(M * N);
      const idx = k.alloc(K);
      const val = k.alloc(K);
      k.f32(pa, M * K).set(a);
      k.f32(pb, K * N).set(b);
      k.k.gemm(pa, pb, dense, M, K, N, 0);
      k.k.gemm_sparse_a(pa, pb, sparse, M, K, N, idx, val);
      expect(Array.from(k.f32(sparse, M * N)), `${M}×${K}×${N}`).toEqual(Array.from(k.f32(dense, M * N)));
      // The same rows laid out once (csr_build) and multiplied from a later row on, as the probes read the test set.
      const rowptr = k.alloc(M + 1);
      const ks = k.alloc(M * K);
      const vals = k.alloc(M * K);
      expect(k.k.csr_build(pa, M, K, rowptr, ks, vals), 'nonzeros').toBe(a.filter((v) => v !== 0).length);
      const from = M > 1 ? 1 : 0;
      const csr = k.alloc(M * N);
      expect(k.k.gemm_csr(rowptr + 4 * from, ks, vals, pb, csr, M - from, K, N)).toBe(1);
      expect(Array.from(k.f32(csr, (M - from) * N)), `${M}×${K}×${N} from csr_build's rows`).toEqual(Array.from(k.f32(dense + 4 * from * N, (M - from) * N)));
      k.f32(pb, 1)[0] = NaN;
      k.f32(csr, 1)[0] = 7;
      expect(k.k.gemm_csr(rowptr, ks, vals, pb, csr, M, K, N), 'declines a non-finite B').toBe(0);
      expect(k.f32(csr, 1)[0], 'and writes nothing').toBe(7);
      k.f32(pb, 1)[0] = b[0]!;
      // 0·∞ is NaN in the dense product: with a non-finite weight the sparse one must give the same.
      for (const bad of [Infinity, NaN]) {
        k.f32(pb, 1)[0] = bad;
        k.k.gemm(pa, pb, dense, M, K, N, 0);
        k.k.gemm_sparse_a(pa, pb, sparse, M, K, N, idx, val);
        expect(Array.from(k.f32(sparse, M * N)), `${M}×${K}×${N} with ${bad}`).toEqual(Array.from(k.f32(dense, M * N)));
      }
    }
  });

  it('conv3x3_fwd gives im2col + gemm\'s result bit for bit (stride 1 and 2, odd sizes, any channel count), and declines a non-finite W', () => {
    let seed = 11;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const cases = [[2, 28, 28, 1, 16, 1], [2, 28, 28, 16, 16, 1], [1, 7, 5, 3, 12, 2], [2, 5, 7, 2, 6, 1], [1, 4, 4, 1, 3, 2], [1, 9, 9, 5, 20, 2], [1, 6, 3, 4, 32, 1], [1, 1, 1, 1, 1, 1]] as const;
    for (const [N, H, W, C, Cout, stride] of cases) {
      const OH = Math.ceil(H / stride);
      const OW = Math.ceil(W / stride);
      const pad = (size: number, out: number) => Math.floor(Math.max((out - 1) * stride + 3 - size, 0) / 2);
      const nx = N * H * W * C;
      const nw = 9 * C * Cout;
      const ny = N * OH * OW * Cout;
      // Inputs with exact zeros and −0 (ReLU outputs, blank pixels), weights over several magnitudes.
      const x = Float32Array.from({ length: nx }, () => (next() < 0.3 ? (next() < 0.5 ? -0 : 0) : (next() - 0.5) * 10 ** Math.floor(next() * 4 - 2)));
      const w = Float32Array.from({ length: nw }, () => (next() - 0.5) * 2);
      const px = k.alloc(nx);
      const pw = k.alloc(nw);
      const pcols = k.alloc(N * OH * OW * 9 * C);
      const reference = k.alloc(ny);
      const direct = k.alloc(ny);
      k.f32(px, nx).set(x);
      k.f32(pw, nw).set(w);
      const [padT, padL] = [pad(H, OH), pad(W, OW)];
      k.k.im2col(px, pcols, N, H, W, C, OH, OW, stride, padT, padL);
      k.k.gemm(pcols, pw, reference, N * OH * OW, 9 * C, Cout, 0);
      expect(k.k.conv3x3_fwd(px, pw, direct, N, H, W, C, OH, OW, stride, padT, padL, Cout)).toBe(1);
      const label = `${N}×${H}×${W}×${C} → ${Cout}, stride ${stride}`;
      const got = k.f32(direct, ny);
      const want = k.f32(reference, ny);
      for (let i = 0; i < ny; i++) if (!Object.is(got[i], want[i])) expect(got[i], `${label} at ${i}`).toBe(want[i]);
      // 0·∞ is NaN in im2col + gemm, where a padded tap meets an infinite weight: the direct pass must decline.
      for (const bad of [Infinity, NaN]) {
        k.f32(pw, 1)[0] = bad;
        k.f32(direct, ny).fill(7);
        expect(k.k.conv3x3_fwd(px, pw, direct, N, H, W, C, OH, OW, stride, padT, padL, Cout), `${label} with ${bad}`).toBe(0);
        expect(k.f32(direct, ny).every((v) => v === 7), `${label}: nothing written`).toBe(true);
      }
    }
  });

  it('col2im is the adjoint of im2col (the convolution\'s input gradient), stride 1 and 2, odd sizes', () => {
    for (const [N, H, W, C, stride] of [[2, 5, 7, 3, 1], [2, 7, 5, 2, 2], [1, 4, 4, 1, 2]] as const) {
      const OH = Math.ceil(H / stride);
      const OW = Math.ceil(W / stride);
      const pad = (size: number, out: number) => Math.floor(Math.max((out - 1) * stride + 3 - size, 0) / 2);
      const nx = N * H * W * C;
      const nc = N * OH * OW * 9 * C;
      const x = Float32Array.from({ length: nx }, (_, i) => Math.sin(i));
      const c = Float32Array.from({ length: nc }, (_, i) => Math.cos(i * 0.3));
      const px = k.alloc(nx);
      const pc = k.alloc(nc);
      const pcols = k.alloc(nc);
      const pdx = k.alloc(nx);
      k.f32(px, nx).set(x);
      k.f32(pc, nc).set(c);
      k.k.im2col(px, pcols, N, H, W, C, OH, OW, stride, pad(H, OH), pad(W, OW));
      k.k.col2im(pc, pdx, N, H, W, C, OH, OW, stride, pad(H, OH), pad(W, OW));
      const cols = k.f32(pcols, nc);
      const dx = k.f32(pdx, nx);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < nc; i++) lhs += cols[i]! * c[i]!;
      for (let i = 0; i < nx; i++) rhs += x[i]! * dx[i]!;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.abs(rhs) + 1e-4);
    }
  });
});
