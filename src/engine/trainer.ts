import { armName } from '../config/arms';
import type { ExperimentConfig, ScheduleEvent } from '../config/schema';
import type { Dataset } from './data/types';
import { BatchSampler } from './batches';
import { armSpec, buildArchitecture, crossEntropy, forward, initialValues, paramLayout, type Architecture, type ArmSpec, type ForwardCapture, type ParamInfo, type RunningStats } from './model';
import { batchMoments, updateRunningStats } from './norm/batch';
import { createOptimizer, type Optimizer } from './optimizers';
import { computedActivations, measureActivations, probeBatchPasses, type ComputedPass } from './probes/activations';
import { measureBatchNorm } from './probes/batchNorm';
import { boundaryPlane, measureBoundary, type BoundaryPlane } from './probes/boundary';
import { measureComputedEvaluation, measureEvaluation, scoredTestExamples, TEST_CHUNK, TestSet } from './probes/evaluation';
import { batchPass, measureGradients } from './probes/gradients';
import { measureLandscape } from './probes/landscape';
import type { ProbedNetwork } from './probes/network';
import { readBack, type Readback } from './probes/readback';
import type { ArmProbe, LayerProbe, ProbeSnapshot } from './probes/types';
import { isSampledStep, isSynchronousBackend, StepTimer } from './stepTiming';
import { tf, type Tensor } from './tf';
import { FastKernels, kernelsSupported } from './fast/kernels';
import { FastNet } from './fast/net';

/**
 * A mean training loss above this (chance is ln 10 ≈ 2.3 for MNIST) or not finite marks the arm as diverged: its
 * weights have blown up, and it trains no further while the other arms go on.
 */
export const DIVERGED_LOSS = 1e6;

/** A non-trainable variable that takes over `t` (tf.variable copies the reference; the source tensor is freed). */
function ownedVariable(t: Tensor): tf.Variable {
  const v = tf.variable(t, false);
  t.dispose();
  return v;
}

const zeroShare = new WeakMap<Dataset, number>();
/** How many of the first input values mostlyZeros counts: 334 whole MNIST digits. */
const ZERO_SAMPLE = 1 << 18;
/**
 * Whether most input values of a dataset are 0 (MNIST: about four-fifths of the pixels), counted once per dataset
 * over its first examples: the answer only picks the sparse first-layer product, which gives the dense one's
 * numbers bit for bit, and counting all 6.3 million training pixels took 28–90 ms of a page's way to its first chart.
 */
function mostlyZeros(dataset: Dataset): boolean {
  let share = zeroShare.get(dataset);
  if (share === undefined) {
    const x = dataset.trainX;
    const n = Math.min(x.length, ZERO_SAMPLE);
    let zeros = 0;
    for (let i = 0; i < n; i++) if (x[i] === 0) zeros++;
    share = zeros / Math.max(1, n);
    zeroShare.set(dataset, share);
  }
  return share >= 0.5;
}

/** One network of the comparison: its parameters, optimizer state and running statistics, all on the device. */
class Arm {
  private readonly paramVars: tf.Variable[];
  private readonly optVars: tf.Variable[];
  /** Per hidden layer: running mean and variance when the arm uses batch norm. */
  private readonly runningVars: ({ mean: tf.Variable; variance: tf.Variable } | null)[];
  /** Sum of training losses since the last probe, kept on the device so steps never wait for a read-back. */
  private readonly lossVar: tf.Variable;
  stepsSinceProbe = 0;
  divergedAt: number | null = null;
  /** This arm's time per training step on this machine (never read by training: see stepTiming.ts). */
  readonly timer = new StepTimer();
  /**
   * The fast path (fast/net.ts), when the arm trains there: it then holds the authoritative parameters, optimizer
   * state and running statistics, and the tensors above are brought up to date (`syncFromFast`) before anything
   * reads them.
   */
  fast: FastNet | null = null;
  /** The fast path's training losses since the last probe, summed in float32 as `lossSum` sums them. */
  fastLossSum = 0;
  /** Whether the fast path has trained since the tensors were last brought up to date. */
  private fastDirty = false;

  constructor(
    readonly name: string,
    readonly spec: ArmSpec,
    readonly layout: readonly ParamInfo[],
    /** This arm's rate relative to the base learning rate (1 unless the arm sets its own). */
    readonly rateRatio: number,
    public learningRate: number,
    init: readonly Float32Array[],
    arch: Architecture,
    optimizer: Optimizer,
  ) {
    this.paramVars = layout.map((p, i) => {
      const t = tf.tensor(init[i]!, [...p.shape]);
      const v = tf.variable(t, true, undefined, 'float32');
      t.dispose();
      return v;
    });
    this.optVars = tf.tidy(() => optimizer.init(this.paramVars)).map(ownedVariable);
    this.runningVars = arch.hidden.map((l) =>
      spec.norm === 'batch' ? { mean: ownedVariable(tf.zeros([l.units])), variance: ownedVariable(tf.ones([l.units])) } : null,
    );
    this.lossVar = ownedVariable(tf.scalar(0));
  }

  // The state as tensors, brought up to date from the fast path first when it trained since (so no reader, a probe,
  // a test or a snapshot, can see stale values).
  get params(): tf.Variable[] {
    this.syncFromFast();
    return this.paramVars;
  }

  get optState(): tf.Variable[] {
    this.syncFromFast();
    return this.optVars;
  }

  /** Per hidden layer: running mean and variance when the arm uses batch norm. */
  get running(): ({ mean: tf.Variable; variance: tf.Variable } | null)[] {
    this.syncFromFast();
    return this.runningVars;
  }

  /** Sum of training losses since the last probe, kept on the device so steps never wait for a read-back. */
  get lossSum(): tf.Variable {
    this.syncFromFast();
    return this.lossVar;
  }

  /** One fast-path step on a batch of plain arrays. */
  stepFast(xs: Float32Array, ys: Int32Array, settings: Parameters<FastNet['step']>[2]): number {
    const loss = this.fast!.step(xs, ys, settings);
    this.fastLossSum = Math.fround(this.fastLossSum + loss);
    this.fastDirty = true;
    return loss;
  }

  /** Copies the fast path's state into the tensors the probes, snapshots and the tfjs path read. */
  syncFromFast(): void {
    if (!this.fast || !this.fastDirty) return;
    const state = this.fast.read();
    tf.tidy(() => {
      this.paramVars.forEach((p, i) => p.assign(tf.tensor(state.params[i]!, p.shape)));
      this.optVars.forEach((s, i) => s.assign(tf.tensor(state.optState[i]!, s.shape)));
      this.runningVars.forEach((r, i) => {
        const from = state.running[i];
        if (!r || !from) return;
        r.mean.assign(tf.tensor(from.mean, r.mean.shape));
        r.variance.assign(tf.tensor(from.variance, r.variance.shape));
      });
      this.lossVar.assign(tf.scalar(this.fastLossSum));
    });
    this.fastDirty = false;
  }

  /** Hands training back to the tfjs path for good (a setting the fast path does not cover). */
  leaveFastPath(): void {
    this.syncFromFast();
    this.fast = null;
  }

  /** Zeroes the loss sum after a probe read it. */
  resetLossSum(): void {
    tf.tidy(() => this.lossVar.assign(tf.scalar(0)));
    this.fastLossSum = 0;
    this.stepsSinceProbe = 0;
  }

  runningTensors(): (RunningStats | null)[] {
    return this.running.map((r) => (r ? { mean: r.mean, variance: r.variance } : null));
  }

  dispose(): void {
    tf.dispose([...this.paramVars, ...this.optVars, this.lossVar, ...this.runningVars.flatMap((r) => (r ? [r.mean, r.variance] : []))]);
  }
}

export interface TrainerLiveSettings {
  momentum: number;
  bnMomentum: number;
  affine: boolean;
  bnMode: 'train' | 'inference';
}

/**
 * Which implementation trains: 'fast' the WebAssembly SIMD kernels (fast/), 'tfjs' the tensor ops of model.ts.
 * 'auto' takes the fast path on the CPU backends (wasm, cpu) where WebAssembly SIMD runs, and tfjs on WebGL, whose
 * GPU kernels are the point of choosing it.
 */
export type StepPathChoice = 'auto' | 'fast' | 'tfjs';

export interface TrainerOptions {
  readonly path?: StepPathChoice;
  /**
   * How a fast-path arm's probe measures the training batch (gradient norms, internal covariate shift, batch norm's
   * moments and backward): 'fast' in FastNet.probeBatch (the default), 'tfjs' with the reference's tensor ops
   * (probes/gradients.ts, batchNorm.ts), for the tests that compare the two. The landscape is always measured on tfjs.
   */
  readonly probeBatch?: 'fast' | 'tfjs';
}

/** The path an arm trains on under `choice`, on the current backend. */
export function resolveStepPath(choice: StepPathChoice, backend: string): 'fast' | 'tfjs' {
  if (choice !== 'auto') return choice;
  return (backend === 'wasm' || backend === 'cpu') && kernelsSupported() ? 'fast' : 'tfjs';
}

export interface TrainerInfo {
  readonly architecture: Architecture;
  readonly arms: readonly { name: string; spec: ArmSpec; layout: readonly ParamInfo[]; learningRate: number }[];
}

/**
 * Trains every arm of a configuration in lockstep: the same architecture and initial weights, the same
 * mini-batches in the same order, differing only in what the configuration says differs. Steps are synchronous
 * and never read back; `probe()` reads back small summaries asynchronously.
 */
export class LockstepTrainer implements TrainerInfo {
  readonly architecture: Architecture;
  readonly arms: Arm[];
  private optimizer: Optimizer;
  private readonly sampler: BatchSampler;
  /** The settings a schedule can change, as they stand at the current step. */
  private live: { bnMomentum: number; affine: boolean; bnMode: 'train' | 'inference'; optimizer: ExperimentConfig['optimizer'] };
  private schedule: readonly ScheduleEvent[];
  /** Events applied so far (a prefix of the schedule). */
  private applied = 0;
  private readonly flatSize: number;
  private readonly testSet: TestSet;
  /** The test labels as the fast path reads them (made at the first fast probe). */
  private testLabels: Int32Array | null = null;
  /** The fast path's batch arrays, refilled at each step (batchArrays). */
  private readonly fastBatch = { xs: new Float32Array(0), ys: new Int32Array(0) };
  /** The fixed probe batch: the test set's first examples. */
  private readonly probeX: Tensor;
  /** 2-D datasets: the grid of input points the decision boundary is evaluated on. */
  private readonly boundary: BoundaryPlane | null;
  private stepCount = 0;
  /** The fast path's module instance, shared by the arms that train there. */
  private readonly kernels: FastKernels | null = null;
  /** Called with each arm's loss after each step (tests and the CLI's equivalence checks): on tfjs, a read-back. */
  onStepLoss: ((arm: number, loss: number) => void) | null = null;
  private readonly probeBatchOn: 'fast' | 'tfjs';

  constructor(
    readonly config: ExperimentConfig,
    readonly dataset: Dataset,
    /** The clock that times each arm's steps, in ms (injectable for tests); it never changes what is computed. */
    private readonly clock: () => number = () => performance.now(),
    options: TrainerOptions = {},
  ) {
    this.architecture = buildArchitecture(config, dataset.inputShape, dataset.numClasses);
    this.optimizer = createOptimizer(config.optimizer);
    this.live = { bnMomentum: config.normalization.momentum, affine: true, bnMode: 'train', optimizer: { ...config.optimizer } };
    this.schedule = config.schedule;
    this.sampler = new BatchSampler(dataset.numTrain, config.batchSize, config.seed);
    const flat = dataset.inputShape.reduce((a, b) => a * b, 1);
    this.flatSize = flat;
    this.testSet = new TestSet(dataset, TEST_CHUNK, scoredTestExamples(config.probe, dataset.numTest));
    const probeCount = Math.min(config.probe.batchSize, dataset.numTest);
    this.probeX = tf.tensor2d(dataset.testX.subarray(0, probeCount * flat), [probeCount, flat]);
    this.boundary = flat === 2 ? boundaryPlane(dataset) : null;
    this.arms = config.arms.map((armCfg) => {
      const spec = armSpec(armCfg, config);
      const layout = paramLayout(this.architecture, spec);
      const init = initialValues(this.architecture, layout, config, armCfg.initScale ?? config.init.scale);
      const rate = armCfg.learningRate ?? config.optimizer.learningRate;
      return new Arm(armName(armCfg, config), spec, layout, rate / config.optimizer.learningRate, rate, init, this.architecture, this.optimizer);
    });
    // Training with batch norm in inference mode (a schedule event) stays on tfjs: the arms leave the fast path then.
    const choice = options.path ?? 'auto';
    this.probeBatchOn = options.probeBatch ?? 'fast';
    if (resolveStepPath(choice, tf.getBackend()) === 'fast') {
      try {
        const kernels = new FastKernels();
        this.arms.forEach((arm, i) => {
          const init = initialValues(this.architecture, arm.layout, config, config.arms[i]!.initScale ?? config.init.scale);
          arm.fast = new FastNet(kernels, this.architecture, arm.spec, arm.layout, init, config.optimizer.kind, config.batchSize, this.architecture.hidden[0]?.kind === 'dense' && mostlyZeros(dataset));
        });
        this.kernels = kernels;
      } catch (e) {
        // Asked for by name, the fast path must run (tests, the benchmark); chosen automatically, tfjs can stand in.
        if (choice === 'fast') throw e;
        for (const arm of this.arms) arm.fast = null;
      }
    }
  }

  /** The test examples each probe scores: the test set's first ones (scoredTestExamples). */
  get testScored(): number {
    return this.testSet.size;
  }

  /** The path the arms train on now: 'fast' while any arm does. */
  get path(): 'fast' | 'tfjs' {
    return this.arms.some((a) => a.fast) ? 'fast' : 'tfjs';
  }

  /** Bytes of WebAssembly memory the fast path holds (0 on tfjs). */
  get fastBytes(): number {
    return this.kernels?.bytes ?? 0;
  }

  get step(): number {
    return this.stepCount;
  }

  /**
   * The mini-batch as fresh tensors, copied from the typed arrays: measured 8× faster than tf.gather from a
   * resident training tensor on wasm (0.4 vs 3.4 ms for 60 MNIST rows), and only 190 kB per step to upload.
   */
  private uploadBatch(indices: Int32Array): { x: Tensor; y: Tensor } {
    const { xs, ys } = this.batchArrays(indices);
    return { x: tf.tensor2d(xs, [indices.length, this.flatSize]), y: tf.tensor1d(ys, 'int32') };
  }

  /**
   * Replaces the events from the current step on (a change made during the run). Events at earlier steps have
   * happened and must stay as they were: changing the past means a new run.
   */
  setSchedule(events: readonly ScheduleEvent[]): void {
    const past = (list: readonly ScheduleEvent[]) => JSON.stringify(list.filter((e) => e.step < this.stepCount));
    if (past(events) !== past(this.schedule)) throw new Error('setSchedule: events before the current step cannot change');
    this.schedule = events;
    this.applied = events.filter((e) => e.step < this.stepCount).length;
  }

  /** The settings the schedule has changed so far (for read-outs), and the current batch size. */
  get current(): { learningRate: number; batchSize: number } & TrainerLiveSettings {
    return { learningRate: this.live.optimizer.learningRate, batchSize: this.sampler.batchSize, momentum: this.live.optimizer.momentum, bnMomentum: this.live.bnMomentum, affine: this.live.affine, bnMode: this.live.bnMode };
  }

  /** Applies the events due at this step: those that hold "from step s on" take effect after s steps. */
  private applyDueEvents(): void {
    while (this.applied < this.schedule.length && this.schedule[this.applied]!.step <= this.stepCount) {
      const { set } = this.schedule[this.applied++]!;
      if (set.learningRate !== undefined) {
        this.live.optimizer = { ...this.live.optimizer, learningRate: set.learningRate };
        for (const arm of this.arms) arm.learningRate = set.learningRate * arm.rateRatio;
      }
      if (set.momentum !== undefined) {
        this.live.optimizer = { ...this.live.optimizer, momentum: set.momentum };
        this.optimizer = createOptimizer(this.live.optimizer);
      }
      if (set.bnMomentum !== undefined) this.live.bnMomentum = set.bnMomentum;
      if (set.batchSize !== undefined) this.sampler.batchSize = Math.min(set.batchSize, this.dataset.numTrain);
      if (set.affine !== undefined) this.live.affine = set.affine;
      if (set.bnMode !== undefined) this.live.bnMode = set.bnMode;
      if (this.live.bnMode === 'inference') for (const arm of this.arms) arm.leaveFastPath();
    }
  }

  /** One training step of every arm that has not diverged, on the same mini-batch. */
  trainStep(): void {
    this.applyDueEvents();
    const indices = this.sampler.next();
    // Each arm's step is timed on its own (the shared batch upload is no arm's cost). On WebGL a timed step waits for
    // the GPU before and after (a one-number read-back), and only some steps are timed; cpu and wasm need no wait.
    const synchronous = isSynchronousBackend(tf.getBackend());
    const timed = isSampledStep(this.stepCount, synchronous);
    const live = this.arms.filter((a) => a.divergedAt === null);
    const fastArms = live.filter((a) => a.fast);
    if (fastArms.length > 0) {
      const { xs, ys } = this.batchArrays(indices, this.fastBatch);
      const settings = { learningRate: 0, optimizer: this.live.optimizer, frozenAffine: !this.live.affine, bnMomentum: this.live.bnMomentum, step: this.stepCount };
      for (const arm of fastArms) {
        const t0 = timed ? this.clock() : 0;
        const loss = arm.stepFast(xs, ys, { ...settings, learningRate: arm.learningRate });
        if (timed) arm.timer.add(this.clock() - t0);
        arm.stepsSinceProbe++;
        this.onStepLoss?.(this.arms.indexOf(arm), loss);
      }
    }
    const tfjsArms = live.filter((a) => !a.fast);
    if (tfjsArms.length > 0) {
      tf.tidy(() => {
        const { x, y } = this.uploadBatch(indices);
        if (timed && !synchronous) tf.slice(x, [0, 0], [1, 1]).dataSync();
        for (const arm of tfjsArms) {
          const t0 = timed ? this.clock() : 0;
          const loss = this.stepArm(arm, x, y);
          if (timed) {
            if (!synchronous) arm.lossSum.dataSync();
            arm.timer.add(this.clock() - t0);
          }
          if (this.onStepLoss) this.onStepLoss(this.arms.indexOf(arm), loss.dataSync()[0]!);
        }
      });
    }
    this.stepCount++;
  }

  /**
   * The batch's examples and labels as arrays: new ones, or (`reuse`) the same arrays refilled whenever the size
   * allows, for the fast path, whose kernels copy a batch in before they return. A step then leaves no garbage (a new
   * batch of MNIST digits is 188 kB, and the collections it brings on landed in the probes).
   */
  private batchArrays(indices: Int32Array, reuse?: { xs: Float32Array; ys: Int32Array }): { xs: Float32Array; ys: Int32Array } {
    const ds = this.dataset;
    const flat = this.flatSize;
    const fits = reuse && reuse.ys.length === indices.length;
    const xs = fits ? reuse.xs : new Float32Array(indices.length * flat);
    const ys = fits ? reuse.ys : new Int32Array(indices.length);
    if (reuse && !fits) Object.assign(reuse, { xs, ys });
    indices.forEach((row, i) => {
      xs.set(ds.trainX.subarray(row * flat, (row + 1) * flat), i * flat);
      ys[i] = ds.trainY[row]!;
    });
    return { xs, ys };
  }

  private stepArm(arm: Arm, x: Tensor, y: Tensor): Tensor {
    const capture: ForwardCapture = { preActivations: [], inputs: [], normInputs: [] };
    const moments: { mean: Tensor; variance: Tensor; count: number }[] = [];
    // Batch norm switched to inference mode by the schedule: normalize with the (now frozen) running statistics.
    const mode = this.live.bnMode === 'inference' ? { kind: 'inference' as const, running: arm.runningTensors() } : { kind: 'train' as const, step: this.stepCount };
    const lossFn = (...ps: Tensor[]): Tensor => {
      capture.normInputs.length = 0;
      const logits = forward(this.architecture, arm.spec, arm.layout, ps, x, mode, capture);
      // The batch moments feed the running statistics after the gradient scope closes: keep them past it.
      for (const t of capture.normInputs) {
        const m = batchMoments(t);
        moments.push({ mean: tf.keep(m.mean), variance: tf.keep(m.variance), count: m.count });
      }
      return crossEntropy(logits, y, this.architecture.numClasses);
    };
    const { value, grads } = tf.valueAndGrads(lossFn)(arm.params);
    const next = this.optimizer.step(arm.params, grads, arm.optState, this.stepCount, arm.learningRate);
    // Frozen γ and β keep their values; their optimizer state (one entry per parameter, per slot) stays too.
    const frozen = (i: number) => !this.live.affine && (arm.layout[i]!.role === 'gamma' || arm.layout[i]!.role === 'beta');
    const P = arm.params.length;
    arm.params.forEach((p, i) => {
      if (!frozen(i)) p.assign(next.params[i]!);
    });
    arm.optState.forEach((s, i) => {
      if (!frozen(i % P)) s.assign(next.state[i]!);
    });
    let k = 0;
    // In inference mode the running statistics are what normalizes: they stay frozen.
    arm.running.forEach((r) => {
      if (!r || mode.kind === 'inference') return;
      const m = moments[k++]!;
      const upd = updateRunningStats(r.mean, r.variance, m.mean, m.variance, m.count, this.live.bnMomentum);
      r.mean.assign(upd.mean);
      r.variance.assign(upd.variance);
    });
    tf.dispose(moments.flatMap((m) => [m.mean, m.variance]));
    arm.lossSum.assign(tf.add(arm.lossSum, value));
    arm.stepsSinceProbe++;
    return value;
  }

  /**
   * Measures every arm without changing the run: distributions over the fixed probe batch (batch norm in training
   * mode, and in inference mode too for batch-norm arms), test loss and accuracy (inference mode), and, on the next
   * training batch (peeked, not consumed), gradient norms, batch-norm moments and internal covariate shift. One
   * read-back per arm.
   */
  async probe(): Promise<ProbeSnapshot> {
    const indices = this.sampler.peek();
    // A fast-path arm's tensors are brought up to date only if something reads them (the Arm getters): its probe
    // runs in WebAssembly, except a 2-D set's decision boundary and the landscape.
    const arms: ArmProbe[] = [];
    for (const arm of this.arms) {
      const trained = arm.stepsSinceProbe;
      arms.push({ ...(await this.probeArm(arm, indices)), timing: arm.timer.settle(trained) });
    }
    return { step: this.stepCount, arms };
  }

  /**
   * One arm's probe: each measurement (probes/*) registers named tensors and hands back the function that reads its
   * values by name, so none depends on another's order; everything comes back in one `data()` call.
   */
  private async probeArm(arm: Arm, batchIndices: Int32Array): Promise<Omit<ArmProbe, 'timing'>> {
    if (arm.fast && this.probeBatchOn === 'fast' && !this.config.probe.landscape) return this.probeArmFast(arm, arm.fast, batchIndices);
    const { bins, range } = this.config.probe;
    const net: ProbedNetwork = { architecture: this.architecture, spec: arm.spec, layout: arm.layout, params: arm.params, running: arm.runningTensors() };
    // On the fast path the passes over the test set and the probe batch, most of a probe's work, run in WebAssembly.
    const computed = arm.fast ? this.fastPasses(arm.fast, arm.spec.norm === 'batch') : null;
    const { values, result: read } = await readBack((c) => {
      const { x, y } = this.uploadBatch(batchIndices);
      const pass = batchPass(net, x, y, this.stepCount, (t) => c.keep(t));
      // The step the optimizer would take from here (not taken): the earlier layers' move for the ICS measure.
      const proposed = this.optimizer.step(arm.params, [...pass.grads], arm.optState, this.stepCount, arm.learningRate).params;
      const trainLoss = arm.stepsSinceProbe > 0 ? tf.div(arm.lossSum, arm.stepsSinceProbe) : pass.loss;
      let evaluation: (r: Readback) => { trainLoss: number; testLoss: number; testAccuracy: number };
      let passes: ReturnType<typeof probeBatchPasses> | null = null;
      if (computed) evaluation = measureComputedEvaluation(c, trainLoss, computed.test);
      else {
        const measured = measureEvaluation(c, net, this.testSet, trainLoss, this.probeX.shape[0]!);
        evaluation = measured.read;
        passes = probeBatchPasses(net, this.probeX, this.stepCount, measured.probeCapture);
      }
      const boundary = this.boundary ? measureBoundary(c, net, this.boundary) : null;
      // The loss landscape (config.probe.landscape): one more forward and backward pass per step size and arm,
      // several training steps' worth, so it is measured only when the configuration asks for it.
      const landscape = this.config.probe.landscape ? measureLandscape(c, 'landscape', net, pass, arm.learningRate) : null;
      let bnIndex = 0;
      const layers = this.architecture.hidden.map((_, j) => {
        const name = `layer${j}`;
        return {
          activations: passes ? measureActivations(c, name, passes, j, bins, range) : null,
          gradients: measureGradients(c, name, net, pass, proposed, j),
          batchNorm: net.running[j] ? measureBatchNorm(c, `${name}.bn`, net, pass, j, bnIndex++) : null,
        };
      });
      return (r: Readback): Omit<ArmProbe, 'timing' | 'divergedAt'> => ({
        ...evaluation(r),
        boundary: boundary ? boundary(r) : null,
        ...(landscape ? { landscape: landscape(r) } : {}),
        layers: layers.map((l, j): LayerProbe => {
          const { train, inference, inputMean, inputVariance } = l.activations
            ? l.activations(r)
            : computedActivations(computed!.train, computed!.inference, j, this.architecture.hidden[j]!.units, bins, range);
          const { gradNorm, ics } = l.gradients(r);
          const bn = l.batchNorm ? l.batchNorm(r) : null;
          return { ...train, inference, inputMean, inputVariance, gradNorm, ics, bn: bn?.bn ?? null, inspect: bn?.inspect ?? null };
        }),
      });
    });
    const probe = read(values);
    values.assertAllRead();
    if (arm.divergedAt === null && !(probe.trainLoss < DIVERGED_LOSS)) arm.divergedAt = this.stepCount;
    arm.resetLossSum();
    return { ...probe, divergedAt: arm.divergedAt };
  }

  /**
   * A fast-path arm's probe, all of it in WebAssembly but the decision boundary of a 2-D set: the passes over the
   * test set and the probe batch (fastPasses), and the training batch's (FastNet.probeBatch). The same
   * measurements as probeArm's tfjs ones (fast/probe.test.ts compares them), with nothing to read back.
   */
  private async probeArmFast(arm: Arm, fast: FastNet, batchIndices: Int32Array): Promise<Omit<ArmProbe, 'timing'>> {
    const { bins, range } = this.config.probe;
    const computed = this.fastPasses(fast, arm.spec.norm === 'batch');
    const { xs, ys } = this.batchArrays(batchIndices, this.fastBatch);
    const settings = { learningRate: arm.learningRate, optimizer: this.live.optimizer, frozenAffine: !this.live.affine, bnMomentum: this.live.bnMomentum, step: this.stepCount };
    const batch = fast.probeBatch(xs, ys, settings);
    let boundary: ArmProbe['boundary'] = null;
    if (this.boundary) {
      const plane = this.boundary;
      const net: ProbedNetwork = { architecture: this.architecture, spec: arm.spec, layout: arm.layout, params: arm.params, running: arm.runningTensors() };
      const { values, result } = await readBack((c) => measureBoundary(c, net, plane));
      boundary = result(values);
      values.assertAllRead();
    }
    // The float32 divisions the reference makes on the device.
    const trainLoss = arm.stepsSinceProbe > 0 ? Math.fround(arm.fastLossSum / arm.stepsSinceProbe) : batch.loss;
    const { test } = computed;
    const layers = this.architecture.hidden.map((layer, j): LayerProbe => {
      const { train, inference, inputMean, inputVariance } = computedActivations(computed.train, computed.inference, j, layer.units, bins, range);
      const { gradNorm, ics, bn } = batch.layers[j]!;
      const probe: LayerProbe = { ...train, inference, inputMean, inputVariance, gradNorm, ics, bn: null, inspect: null };
      if (!bn) return probe;
      const { runningMean, runningVariance, ...inspect } = bn;
      return { ...probe, bn: { batchMean: bn.mean, batchVariance: bn.variance, runningMean, runningVariance }, inspect };
    });
    if (arm.divergedAt === null && !(trainLoss < DIVERGED_LOSS)) arm.divergedAt = this.stepCount;
    arm.resetLossSum();
    return { trainLoss, testLoss: Math.fround(test.lossSum / test.size), testAccuracy: Math.fround(test.correct / test.size), boundary, layers, divergedAt: arm.divergedAt };
  }

  /**
   * The fast path's share of a probe: the test-set evaluation in inference mode, whose first rows are the probe
   * batch's inference-mode pass, and for a batch-norm arm the probe batch's training-mode pass (its own statistics).
   * The same measurements as measureEvaluation and probeBatchPasses, computed by FastNet (fast/net.ts) from the state
   * the arm trains with.
   */
  private fastPasses(fast: FastNet, batchNorm: boolean): { test: { lossSum: number; correct: number; size: number }; train: ComputedPass; inference: ComputedPass | null } {
    const ds = this.dataset;
    const rows = this.probeX.shape[0]!;
    const size = this.testSet.size;
    this.testLabels ??= Int32Array.from(ds.testY);
    const evaluation = fast.evaluate(ds.testX, this.testLabels, size, rows);
    const test = { lossSum: evaluation.lossSum, correct: evaluation.correct, size };
    if (!batchNorm) return { test, train: evaluation.capture, inference: null };
    const train = fast.probePass(ds.testX.subarray(0, rows * this.flatSize), rows, { kind: 'train', step: this.stepCount });
    return { test, train, inference: evaluation.capture };
  }

  dispose(): void {
    this.boundary?.grid.dispose();
    for (const arm of this.arms) arm.dispose();
    this.testSet.dispose();
    this.probeX.dispose();
  }

  /**
   * One arm as plain arrays (its spec, parameter layout and values, and per hidden layer the running mean and
   * variance, null without batch norm), e.g. for foldBatchNorm (fold.ts). Everything is copied into one tensor
   * synchronously and read back once, so the arrays all belong to the same step even if training goes on meanwhile.
   */
  async snapshotArm(index: number): Promise<{
    name: string;
    spec: ArmSpec;
    layout: readonly ParamInfo[];
    params: Float32Array[];
    running: ({ mean: Float32Array; variance: Float32Array } | null)[];
  }> {
    const arm = this.arms[index];
    if (!arm) throw new RangeError(`snapshotArm: no arm ${index} (there are ${this.arms.length})`);
    arm.syncFromFast();
    const stats = arm.running.flatMap((r) => (r ? [r.mean, r.variance] : []));
    const parts = [...arm.params, ...stats];
    const flat = tf.tidy(() => tf.concat(parts.map((t) => tf.reshape(t, [-1]))));
    const data = (await flat.data()) as Float32Array;
    flat.dispose();
    let offset = 0;
    const take = (t: Tensor) => data.slice(offset, (offset += t.size));
    const params = arm.params.map(take);
    const running = arm.running.map((r) => (r ? { mean: take(r.mean), variance: take(r.variance) } : null));
    return { name: arm.name, spec: arm.spec, layout: arm.layout, params, running };
  }
}
