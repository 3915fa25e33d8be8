import { gaussianArray } from '../init';
import { batchMoments, batchNorm, batchNormInference, updateRunningStats } from '../norm/batch';
import { createOptimizer, type Optimizer } from '../optimizers';
import { createRng, type Rng } from '../random';
import { tf, type Tensor } from '../tf';
import { DEFAULT_COVERAGE, modeCoverage, sampleRing, type RingSpec } from './ring';
import { DEFAULT_GAN_CONFIG, GAN_ARMS, ganConfigSchema, ringOf, type GanArmKind, type GanArmProbe, type GanConfig, type GanProbe } from './config';

export { DEFAULT_GAN_CONFIG, GAN_ARMS, ganConfigSchema, ringOf, type GanArmKind, type GanArmProbe, type GanConfig, type GanProbe } from './config';

/**
 * A small GAN on the ring of Gaussians, in two arms trained in lockstep: the generator without and with batch
 * norm in its hidden layers (as DCGAN puts it, Radford et al. 2016, §3), from the same initial weights, on the
 * same real batches and the same noise. Each arm has its own discriminator (no normalization), both starting from
 * the same weights. The non-saturating loss of Goodfellow et al. (2014, §3):
 *   L_D = −E log D(x) − E log(1 − D(G(z)))      L_G = −E log D(G(z))
 * written with softplus on D's logit (−log σ(t) = softplus(−t)), which stays finite where σ saturates.
 * One discriminator step, then one generator step, per training step; Adam on both.
 */
export interface GeneratorWeights {
  dense: { w: Float32Array; b: Float32Array; shape: [number, number] }[];
  /** Per hidden layer (empty without batch norm). */
  gamma: Float32Array[];
  beta: Float32Array[];
  runningMean: Float32Array[];
  runningVariance: Float32Array[];
}

interface Dense {
  w: Tensor;
  b: Tensor;
}

/** Initial weights in plain arrays: the same numbers start every arm. */
interface InitialWeights {
  g: { w: Float32Array; b: Float32Array; shape: [number, number] }[];
  d: { w: Float32Array; b: Float32Array; shape: [number, number] }[];
}

/** He initialisation (He et al. 2015) for the ReLU layers, zero biases; drawn from the seed's 'gan-init' stream. */
function initialWeights(cfg: GanConfig, rng: Rng): InitialWeights {
  const layer = (fanIn: number, fanOut: number) => ({
    w: gaussianArray(fanIn * fanOut, Math.sqrt(2 / fanIn), rng),
    b: new Float32Array(fanOut),
    shape: [fanIn, fanOut] as [number, number],
  });
  const h = cfg.hidden;
  return {
    g: [layer(cfg.noiseDim, h), layer(h, h), layer(h, 2)],
    d: [layer(2, h), layer(h, h), layer(h, 1)],
  };
}

/** The discriminator's hidden activation: leaky ReLU (slope 0.2, as DCGAN's discriminator) keeps its gradient alive. */
const leaky = (x: Tensor) => tf.leakyRelu(x, 0.2);

class GanArm {
  readonly kind: GanArmKind;
  g: Dense[];
  d: Dense[];
  /** γ and β per hidden generator layer (batch-norm arm only). */
  gamma: Tensor[] = [];
  beta: Tensor[] = [];
  runningMean: Tensor[] = [];
  runningVar: Tensor[] = [];
  gState: Tensor[];
  dState: Tensor[];
  lossSums: Tensor;
  divergedAt: number | null = null;

  constructor(kind: GanArmKind, init: InitialWeights, private readonly cfg: GanConfig, private readonly opt: Optimizer) {
    this.kind = kind;
    const dense = (l: InitialWeights['g'][number]) => ({ w: tf.tensor2d(l.w, l.shape), b: tf.tensor1d(l.b) });
    this.g = init.g.map(dense);
    this.d = init.d.map(dense);
    if (kind === 'batchnorm') {
      // γ = 1, β = 0; running mean 0 and variance 1 at the start, as PyTorch's BatchNorm1d.
      for (let i = 0; i < 2; i++) {
        this.gamma.push(tf.ones([cfg.hidden]));
        this.beta.push(tf.zeros([cfg.hidden]));
        this.runningMean.push(tf.zeros([cfg.hidden]));
        this.runningVar.push(tf.ones([cfg.hidden]));
      }
    }
    this.gState = opt.init(this.gParams());
    this.dState = opt.init(this.dParams());
    this.lossSums = tf.zeros([2]);
  }

  gParams(): Tensor[] {
    return [...this.g.flatMap((l) => [l.w, l.b]), ...this.gamma, ...this.beta];
  }

  dParams(): Tensor[] {
    return this.d.flatMap((l) => [l.w, l.b]);
  }

  private setG(params: Tensor[]): void {
    this.g = this.g.map((_, i) => ({ w: params[2 * i]!, b: params[2 * i + 1]! }));
    const n = this.g.length * 2;
    this.gamma = params.slice(n, n + this.gamma.length);
    this.beta = params.slice(n + this.gamma.length);
  }

  private setD(params: Tensor[]): void {
    this.d = this.d.map((_, i) => ({ w: params[2 * i]!, b: params[2 * i + 1]! }));
  }

  /**
   * The generator z → Dense → [BN] → ReLU → Dense → [BN] → ReLU → Dense → (x, y), batch norm before the nonlinearity
   * as Ioffe & Szegedy and DCGAN place it. `mode` 'train' normalizes with the batch's statistics; 'inference' with
   * the running averages. `preNorm`, when given, receives each hidden layer's input to batch norm.
   */
  generate(params: Tensor[], z: Tensor, mode: 'train' | 'inference', preNorm?: Tensor[]): Tensor {
    const n = this.g.length * 2;
    const bn = this.kind === 'batchnorm';
    let h = z;
    for (let i = 0; i < this.g.length; i++) {
      h = tf.add(tf.matMul(h, params[2 * i]!), params[2 * i + 1]!);
      if (i === this.g.length - 1) break;
      if (bn) {
        preNorm?.push(h);
        const gamma = params[n + i]!;
        const beta = params[n + 2 + i]!;
        h =
          mode === 'train'
            ? batchNorm(h, gamma, beta, { epsilon: this.cfg.epsilon })
            : batchNormInference(h, gamma, beta, this.runningMean[i]!, this.runningVar[i]!, { epsilon: this.cfg.epsilon });
      }
      h = tf.relu(h);
    }
    return h;
  }

  /** D's logit, [batch, 1]. */
  discriminate(params: Tensor[], x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.d.length; i++) {
      h = tf.add(tf.matMul(h, params[2 * i]!), params[2 * i + 1]!);
      if (i < this.d.length - 1) h = leaky(h);
    }
    return h;
  }

  /**
   * One discriminator step on (real, G(zD)), then one generator step on zG. Batch norm's running statistics are
   * updated once per step, from the generator's batch in the discriminator step (PyTorch would update them on
   * every training-mode forward, twice a step here; once keeps the momentum's meaning "per step").
   */
  step(real: Tensor, zD: Tensor, zG: Tensor, t: number): void {
    const cfg = this.cfg;
    const old = { g: this.gParams(), d: this.dParams(), gState: this.gState, dState: this.dState, run: [...this.runningMean, ...this.runningVar], sums: this.lossSums };
    const next = tf.tidy(() => {
      const gParams = old.g;
      const pre: Tensor[] = [];
      const fake = this.generate(gParams, zD, 'train', pre);
      const running: Tensor[] = [];
      if (this.kind === 'batchnorm') {
        const mean: Tensor[] = [];
        const variance: Tensor[] = [];
        pre.forEach((h, i) => {
          const m = batchMoments(h);
          const r = updateRunningStats(this.runningMean[i]!, this.runningVar[i]!, m.mean, m.variance, m.count, cfg.bnMomentum);
          mean.push(r.mean);
          variance.push(r.variance);
        });
        running.push(...mean, ...variance);
      }
      // Discriminator step: gradients are taken with respect to D's parameters only, so G's output is a constant.
      const dLossOf = (...dp: Tensor[]) =>
        tf.add(tf.mean(tf.softplus(tf.neg(this.discriminate(dp, real)))), tf.mean(tf.softplus(this.discriminate(dp, fake)))) as Tensor;
      const { value: dLoss, grads: dGrads } = tf.valueAndGrads(dLossOf)(old.d);
      const dNext = this.opt.step(old.d, dGrads, old.dState, t, cfg.learningRate);
      // Generator step, against the discriminator just updated.
      const dNew = dNext.params;
      const gLossOf = (...gp: Tensor[]) => tf.mean(tf.softplus(tf.neg(this.discriminate(dNew, this.generate(gp, zG, 'train'))))) as Tensor;
      const { value: gLoss, grads: gGrads } = tf.valueAndGrads(gLossOf)(gParams);
      const gNext = this.opt.step(gParams, gGrads, old.gState, t, cfg.learningRate);
      const sums = tf.add(old.sums, tf.stack([dLoss, gLoss]));
      return { g: gNext.params, gState: gNext.state, d: dNew, dState: dNext.state, running, sums };
    });
    this.setG(next.g);
    this.gState = next.gState;
    this.setD(next.d);
    this.dState = next.dState;
    if (this.kind === 'batchnorm') {
      this.runningMean = next.running.slice(0, 2);
      this.runningVar = next.running.slice(2);
    }
    this.lossSums = next.sums;
    tf.dispose([...old.g, ...old.d, ...old.gState, ...old.dState, ...(this.kind === 'batchnorm' ? old.run : []), old.sums]);
  }

  dispose(): void {
    tf.dispose([...this.gParams(), ...this.dParams(), ...this.gState, ...this.dState, ...this.runningMean, ...this.runningVar, this.lossSums]);
  }
}

/**
 * Trains the two arms in lockstep. Every draw comes from the seed: 'gan-init' (the shared initial weights),
 * 'gan-data' (the real batches), 'gan-noise' (the generator's noise, the same for both arms) and 'gan-probe-noise'
 * (the fixed noise of the drawn samples).
 */
export class GanTrainer {
  readonly config: GanConfig;
  readonly ring: RingSpec;
  private readonly arms: GanArm[];
  private readonly dataRng: Rng;
  private readonly noiseRng: Rng;
  private readonly probeNoise: Tensor;
  private stepsDone = 0;
  private stepsSinceProbe = 0;

  constructor(config: Partial<GanConfig> = {}) {
    this.config = ganConfigSchema.parse({ ...DEFAULT_GAN_CONFIG, ...config });
    const cfg = this.config;
    this.ring = ringOf(cfg);
    const init = initialWeights(cfg, createRng(cfg.seed, 'gan-init'));
    const opt = createOptimizer({ kind: 'adam', learningRate: cfg.learningRate, momentum: 0.9, beta1: cfg.beta1, beta2: cfg.beta2 });
    this.arms = GAN_ARMS.map((a) => new GanArm(a.kind, init, cfg, opt));
    this.dataRng = createRng(cfg.seed, 'gan-data');
    this.noiseRng = createRng(cfg.seed, 'gan-noise');
    this.probeNoise = tf.tensor2d(gaussianArray(cfg.probeSamples * cfg.noiseDim, 1, createRng(cfg.seed, 'gan-probe-noise')), [cfg.probeSamples, cfg.noiseDim]);
  }

  get step(): number {
    return this.stepsDone;
  }

  /** Trains `n` steps, every arm on the same real batch and the same noise. */
  train(n: number): void {
    const { batchSize: b, noiseDim } = this.config;
    for (let s = 0; s < n; s++) {
      const real = tf.tensor2d(sampleRing(this.ring, b, this.dataRng), [b, 2]);
      const zD = tf.tensor2d(gaussianArray(b * noiseDim, 1, this.noiseRng), [b, noiseDim]);
      const zG = tf.tensor2d(gaussianArray(b * noiseDim, 1, this.noiseRng), [b, noiseDim]);
      for (const arm of this.arms) if (arm.divergedAt === null) arm.step(real, zD, zG, this.stepsDone);
      tf.dispose([real, zD, zG]);
      this.stepsDone++;
      this.stepsSinceProbe++;
    }
  }

  /** Losses since the last probe, the samples from the fixed noise and their coverage: one read-back per arm. */
  async probe(): Promise<GanProbe> {
    const count = this.stepsSinceProbe;
    const out: GanArmProbe[] = [];
    for (const arm of this.arms) {
      const gp = arm.gParams();
      const [inference, training] = tf.tidy(() => [
        arm.generate(gp, this.probeNoise, 'inference'),
        arm.kind === 'batchnorm' ? arm.generate(gp, this.probeNoise, 'train') : tf.zeros([0, 2]),
      ]);
      const [sums, samples, trainSamples] = await Promise.all([arm.lossSums.data(), inference!.data(), training!.data()]);
      tf.dispose([inference!, training!]);
      const dLoss = count > 0 ? sums[0]! / count : NaN;
      const gLoss = count > 0 ? sums[1]! / count : NaN;
      if (arm.divergedAt === null && count > 0 && !(Number.isFinite(dLoss) && Number.isFinite(gLoss))) arm.divergedAt = this.stepsDone;
      const sampleArray = new Float32Array(samples);
      out.push({
        kind: arm.kind,
        dLoss,
        gLoss,
        samples: sampleArray,
        coverage: modeCoverage(sampleArray, this.ring, DEFAULT_COVERAGE),
        trainModeCoverage: arm.kind === 'batchnorm' ? modeCoverage(trainSamples, this.ring, DEFAULT_COVERAGE) : null,
        divergedAt: arm.divergedAt,
      });
      arm.lossSums.dispose();
      arm.lossSums = tf.zeros([2]);
    }
    this.stepsSinceProbe = 0;
    return { step: this.stepsDone, arms: out };
  }

  /** Arm `arm`'s generator as plain arrays: dense weights [in, out] row-major and biases, and its batch norms. */
  async generatorWeights(arm: number): Promise<GeneratorWeights> {
    const a = this.arms[arm]!;
    const read = (ts: Tensor[]) => Promise.all(ts.map(async (t) => new Float32Array(await t.data())));
    return {
      dense: await Promise.all(a.g.map(async (l) => ({ w: new Float32Array(await l.w.data()), b: new Float32Array(await l.b.data()), shape: l.w.shape as [number, number] }))),
      gamma: await read(a.gamma),
      beta: await read(a.beta),
      runningMean: await read(a.runningMean),
      runningVariance: await read(a.runningVar),
    };
  }

  /** Arm `arm`'s generator on the noise `z` ([n, noiseDim] row-major) in either mode, read back. */
  async generate(arm: number, z: Float32Array, mode: 'train' | 'inference'): Promise<Float32Array> {
    const a = this.arms[arm]!;
    const n = z.length / this.config.noiseDim;
    const out = tf.tidy(() => a.generate(a.gParams(), tf.tensor2d(z, [n, this.config.noiseDim]), mode));
    const data = new Float32Array(await out.data());
    out.dispose();
    return data;
  }

  dispose(): void {
    for (const arm of this.arms) arm.dispose();
    this.probeNoise.dispose();
  }
}
