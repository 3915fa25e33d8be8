import { tf, type Tensor } from '../tf';
import { batchMoments, batchNorm, batchNormInference, updateRunningStats } from '../norm/batch';
import { layerNorm } from '../norm/layer';
import type { RnnNorm } from './config';

/**
 * A tanh RNN cell whose recurrent pre-activation is normalized, and the read-out from its last state:
 *
 *   a_t = x_t W_x + h_{t−1} W_h                      (h_0 = 0)
 *   h_t = tanh(a_t + b)                              none
 *   h_t = tanh(γ ⊙ LN(a_t) + β)                      layer norm: μ, σ² over the H units of each example (Ba et al. 2016)
 *   h_t = tanh(γ ⊙ BN_t(a_t) + β)                    batch norm: μ_t, σ²_t over the batch, one set per time step
 *   logits = h_T W_o + b_o
 *
 * Batch norm follows Cooijmans et al. (2016, "Recurrent Batch Normalization", §3): γ and β are shared across time,
 * but the statistics are kept per time step, because the distribution of a_t changes with t (here the first rows of
 * a digit are blank, so a_1 is 0 while a_14 is not). Training uses each step's batch statistics; inference uses each
 * step's running averages. Their one simplification is kept out: they normalize x_t W_x and h_{t−1} W_h separately;
 * here, as the task states it, the sum is normalized once. A normalized arm has no bias b: β takes its place (a bias
 * before a normalization is removed by the mean).
 *
 * Sequences longer than the ones trained on have no statistics of their own beyond step T_train: inference then uses
 * the last trained step's averages for every later step, as Cooijmans et al. do for t > T_max. (The RNN view and CLI
 * always read 28 rows, so it does not arise there; `rnnForward` supports it for completeness, and says so by name.)
 */

/** The parameters of one arm by name; a normalized arm has gamma and beta instead of b. */
export interface RnnParams {
  wx: Tensor;
  wh: Tensor;
  b?: Tensor;
  gamma?: Tensor;
  beta?: Tensor;
  wo: Tensor;
  bo: Tensor;
}

export type RnnParamName = keyof RnnParams;

/** The order in which an arm's parameters are differentiated and optimized. */
export function paramNames(norm: RnnNorm): RnnParamName[] {
  return norm === 'none' ? ['wx', 'wh', 'b', 'wo', 'bo'] : ['wx', 'wh', 'gamma', 'beta', 'wo', 'bo'];
}

/** Batch norm's running averages, one row per time step: [T, H]. */
export interface RunningStats {
  mean: Tensor;
  variance: Tensor;
}

export interface ForwardOptions {
  norm: RnnNorm;
  /** 'train': batch norm uses each step's batch statistics; 'inference': its running averages. */
  mode: 'train' | 'inference';
  epsilon: number;
  /** Batch norm's running averages (needed in inference mode). */
  running?: RunningStats;
  /** Keep a_t and the tanh input of every step (for the probes' per-step statistics). */
  record?: boolean;
}

export interface ForwardResult {
  logits: Tensor;
  /** Batch norm in training mode: each step's batch mean and biased variance, stacked to [T, H]. */
  batchMean?: Tensor;
  batchVariance?: Tensor;
  /** With `record`: a_t (before normalization) and the tanh input, each stacked to [T, B, H]. */
  preActivations?: Tensor;
  tanhInputs?: Tensor;
}

/**
 * A batch of sequences [B, T, I] (x_t = sequence[:, t, :]) through the cell, and the read-out. Call inside tf.tidy (or dispose
 * what it returns); under a gradient tape it is differentiable in every parameter and in the sequence.
 */
export function rnnForward(params: RnnParams, sequence: Tensor, opts: ForwardOptions): ForwardResult {
  const { norm, mode, epsilon, running } = opts;
  const [batch, steps, inputSize] = sequence.shape as [number, number, number];
  const hidden = params.wh.shape[0]!;
  if (norm === 'batch' && mode === 'inference' && !running) throw new Error('batch norm in inference mode needs its running averages');
  const trainedSteps = running?.mean.shape[0] ?? 0;
  let h: Tensor = tf.zeros([batch, hidden]);
  const means: Tensor[] = [];
  const variances: Tensor[] = [];
  const pre: Tensor[] = [];
  const into: Tensor[] = [];
  // Every step's input projection x_t W_x in one matrix product ([B·T, I] × [I, H]) rather than T small ones: on
  // wasm a small op costs about as much to dispatch as to run, and the recurrence leaves only h W_h sequential.
  const projected = tf.unstack(tf.reshape(tf.matMul(tf.reshape(sequence, [batch * steps, inputSize]), params.wx), [batch, steps, hidden]), 1);
  projected.forEach((xw, t) => {
    const a = tf.add(xw, tf.matMul(h, params.wh));
    let z: Tensor;
    if (norm === 'none') z = tf.add(a, params.b!);
    else if (norm === 'layer') z = layerNorm(a, params.gamma!, params.beta!, { epsilon });
    else if (mode === 'train') {
      z = batchNorm(a, params.gamma!, params.beta!, { epsilon });
      const m = batchMoments(a);
      means.push(m.mean);
      variances.push(m.variance);
    } else {
      // Beyond the trained length, the last trained step's averages (Cooijmans et al. 2016, §3).
      const row = Math.min(t, trainedSteps - 1);
      const mean = tf.squeeze(tf.slice(running!.mean, [row, 0], [1, hidden]), [0]);
      const variance = tf.squeeze(tf.slice(running!.variance, [row, 0], [1, hidden]), [0]);
      z = batchNormInference(a, params.gamma!, params.beta!, mean, variance, { epsilon });
    }
    if (opts.record) {
      pre.push(a);
      into.push(z);
    }
    h = tf.tanh(z);
  });
  const result: ForwardResult = { logits: tf.add(tf.matMul(h, params.wo), params.bo) };
  if (means.length) {
    result.batchMean = tf.stack(means);
    result.batchVariance = tf.stack(variances);
  }
  if (opts.record) {
    result.preActivations = tf.stack(pre);
    result.tanhInputs = tf.stack(into);
  }
  return result;
}

/** A digit batch [B, T·I] as the sequence of its T rows [B, T, I], the top row first: what the RNN reads. */
export function rowsOf(images: Tensor, steps: number): Tensor {
  const [batch, pixels] = images.shape as [number, number];
  return tf.reshape(images, [batch, steps, pixels / steps]);
}

/** Batch norm's running averages after one training batch: per time step, PyTorch's convention (batch.ts). */
export function nextRunningStats(running: RunningStats, batchMean: Tensor, batchVariance: Tensor, batchSize: number, momentum: number): RunningStats {
  return updateRunningStats(running.mean, running.variance, batchMean, batchVariance, batchSize, momentum);
}
