import { tf, type Scalar, type Tensor } from '../tf';
import { crossEntropy } from '../model';
import { moments } from '../norm/standardize';
import type { Optimizer } from '../optimizers';
import { createRng, type Rng } from '../random';
import { nextRunningStats, paramNames, rnnForward, type RnnParamName, type RnnParams, type RunningStats } from './cell';
import type { RnnNorm } from './config';

/** One arm's state between steps: its parameters, its optimizer's state and (batch norm) its running averages. */
export interface RnnArmState {
  readonly norm: RnnNorm;
  params: RnnParams;
  optimizerState: Tensor[];
  running: RunningStats | null;
}

export interface RnnShape {
  /** Pixels per row (the input at each step). */
  input: number;
  hidden: number;
  classes: number;
  /** Time steps (rows) of the training sequences: the number of running-average rows batch norm keeps. */
  steps: number;
}

/** The initial weights every arm starts from, as plain arrays (drawn once, uploaded per arm). */
export interface InitialWeights {
  wx: Float32Array;
  wh: Float32Array;
  wo: Float32Array;
}

/** Gram–Schmidt on a square Gaussian matrix, in float64: a uniformly random orthogonal matrix (row-major). */
function orthogonal(n: number, rng: Rng): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    // Draws until the row is independent of the ones before (with Gaussian draws, the first time but for rounding).
    for (;;) {
      for (let j = 0; j < n; j++) q[i * n + j] = rng.normal();
      for (let k = 0; k < i; k++) {
        let dot = 0;
        for (let j = 0; j < n; j++) dot += q[i * n + j]! * q[k * n + j]!;
        for (let j = 0; j < n; j++) q[i * n + j]! -= dot * q[k * n + j]!;
      }
      let norm = 0;
      for (let j = 0; j < n; j++) norm += q[i * n + j]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-6) {
        for (let j = 0; j < n; j++) q[i * n + j]! /= norm;
        break;
      }
    }
  }
  return q;
}

/**
 * W_x ~ N(0, 1/I) and W_o ~ N(0, 1/H) (LeCun's variance-preserving scale), W_h a random orthogonal matrix (Saxe et
 * al. 2014), a common start for a tanh RNN: it neither shrinks nor grows h through the recurrence at first.
 * Biases and β are 0; γ is the configured start. All from the seed.
 */
export function initialWeights(shape: RnnShape, seed: number): InitialWeights {
  const rng = createRng(seed, 'rnn-init');
  const gaussian = (count: number, std: number) => Float32Array.from({ length: count }, () => rng.normal() * std);
  const wx = gaussian(shape.input * shape.hidden, 1 / Math.sqrt(shape.input));
  const wh = Float32Array.from(orthogonal(shape.hidden, rng));
  const wo = gaussian(shape.hidden * shape.classes, 1 / Math.sqrt(shape.hidden));
  return { wx, wh, wo };
}

/** An arm's fresh state from the shared initial weights. */
export function createArm(norm: RnnNorm, shape: RnnShape, weights: InitialWeights, gamma: number, optimizer: Optimizer): RnnArmState {
  const { input, hidden, classes, steps } = shape;
  const params: RnnParams = {
    wx: tf.tensor2d(weights.wx, [input, hidden]),
    wh: tf.tensor2d(weights.wh, [hidden, hidden]),
    wo: tf.tensor2d(weights.wo, [hidden, classes]),
    bo: tf.zeros([classes]),
  };
  if (norm === 'none') params.b = tf.zeros([hidden]);
  else {
    params.gamma = tf.fill([hidden], gamma);
    params.beta = tf.zeros([hidden]);
  }
  // PyTorch's and Keras's start: mean 0, variance 1 (which normalizes nothing until batches come in).
  const running = norm === 'batch' ? { mean: tf.zeros([steps, hidden]), variance: tf.ones([steps, hidden]) } : null;
  return { norm, params, optimizerState: optimizer.init(paramList(norm, params)), running };
}

export function paramList(norm: RnnNorm, params: RnnParams): Tensor[] {
  return paramNames(norm).map((n) => params[n]!);
}

function paramRecord(names: readonly RnnParamName[], tensors: readonly Tensor[]): RnnParams {
  const p: Partial<RnnParams> = {};
  names.forEach((n, i) => (p[n] = tensors[i]!));
  return p as RnnParams;
}

export interface StepOptions {
  optimizer: Optimizer;
  /** 0-based index of this update (Adam's bias correction). */
  stepIndex: number;
  learningRate: number;
  /** Global ℓ2 norm to clip the gradients to; 0 for none. */
  clipNorm: number;
  epsilon: number;
  momentum: number;
  classes: number;
}

/** Gradients scaled so that their global ℓ2 norm is at most `clip` (Pascanu et al. 2013); unchanged below it. */
export function clipByGlobalNorm(grads: readonly Tensor[], clip: number): Tensor[] {
  if (!(clip > 0)) return [...grads];
  const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.div(clip, tf.maximum(norm, clip));
  return grads.map((g) => tf.mul(g, scale));
}

/**
 * One training step of one arm on one batch: loss and gradients by autodiff (batch and layer norm through the
 * engine's §3 backward), clipping, the optimizer's update and, for batch norm, each time step's running averages.
 * Replaces the arm's tensors (disposing the old ones) and returns the batch's loss, a scalar the caller disposes.
 */
export function trainArmStep(arm: RnnArmState, sequence: Tensor, labels: Tensor, opts: StepOptions): Scalar {
  const names = paramNames(arm.norm);
  const before = paramList(arm.norm, arm.params);
  let kept: { mean: Tensor; variance: Tensor } | null = null;
  const out = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((...ts: Tensor[]) => {
      const result = rnnForward(paramRecord(names, ts), sequence, { norm: arm.norm, mode: 'train', epsilon: opts.epsilon });
      // The batch moments leave the gradient pass (whose tidy would free them) for the running averages below.
      if (result.batchMean && result.batchVariance) kept = { mean: tf.keep(result.batchMean), variance: tf.keep(result.batchVariance) };
      return crossEntropy(result.logits, labels, opts.classes) as Scalar;
    })(before);
    const next = opts.optimizer.step(before, clipByGlobalNorm(grads, opts.clipNorm), arm.optimizerState, opts.stepIndex, opts.learningRate);
    const moments = kept as { mean: Tensor; variance: Tensor } | null;
    const running = moments && arm.running ? nextRunningStats(arm.running, moments.mean, moments.variance, labels.shape[0]!, opts.momentum) : null;
    return { loss: value, params: next.params, state: next.state, running: running ? [running.mean, running.variance] : [] };
  });
  if (kept) tf.dispose([(kept as { mean: Tensor }).mean, (kept as { variance: Tensor }).variance]);
  tf.dispose([...before, ...arm.optimizerState]);
  arm.params = paramRecord(names, out.params);
  arm.optimizerState = out.state;
  if (arm.running && out.running.length === 2) {
    tf.dispose([arm.running.mean, arm.running.variance]);
    arm.running = { mean: out.running[0]!, variance: out.running[1]! };
  }
  return out.loss;
}

/** The loss of a batch in training mode without a step: the arm's training loss before any update. */
export function trainingLoss(arm: RnnArmState, sequence: Tensor, labels: Tensor, epsilon: number, classes: number): Scalar {
  return tf.tidy(() => crossEntropy(rnnForward(arm.params, sequence, { norm: arm.norm, mode: 'train', epsilon }).logits, labels, classes) as Scalar);
}

/** What a probe measures on the test digits, as tensors to read back together. */
export interface EvaluationTensors {
  loss: Scalar;
  accuracy: Scalar;
  /** Per time step [T]: mean and standard deviation of a_t (before normalization) over the digits and units. */
  preMean: Tensor;
  preStd: Tensor;
  /** The same for the tanh input (after normalization, γ and β). */
  inMean: Tensor;
  inStd: Tensor;
}

/** The arm on test digits as a deployed net runs: batch norm in inference mode (each step's running averages). */
export function evaluateArm(arm: RnnArmState, sequence: Tensor, labels: Tensor, epsilon: number, classes: number): EvaluationTensors {
  return tf.tidy(() => {
    const out = rnnForward(arm.params, sequence, { norm: arm.norm, mode: 'inference', epsilon, running: arm.running ?? undefined, record: true });
    const correct = tf.equal(tf.argMax(out.logits, -1), tf.cast(labels, 'int32'));
    const pre = moments(out.preActivations!, [1, 2]);
    const into = moments(out.tanhInputs!, [1, 2]);
    return {
      loss: crossEntropy(out.logits, labels, classes) as Scalar,
      accuracy: tf.mean(tf.cast(correct, 'float32')) as Scalar,
      preMean: tf.reshape(pre.mean, [-1]),
      preStd: tf.sqrt(tf.reshape(pre.variance, [-1])),
      inMean: tf.reshape(into.mean, [-1]),
      inStd: tf.sqrt(tf.reshape(into.variance, [-1])),
    };
  });
}

export function disposeArm(arm: RnnArmState): void {
  tf.dispose([...paramList(arm.norm, arm.params), ...arm.optimizerState]);
  if (arm.running) tf.dispose([arm.running.mean, arm.running.variance]);
}
