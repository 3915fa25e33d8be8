import { tf, type Tensor } from '../tf';
import { moments, standardize, type StandardizeAxes } from './standardize';

/**
 * Batch normalization (Ioffe & Szegedy 2015).
 *
 * Training mode normalizes each feature with the mini-batch's mean and *biased* variance (Algorithm 1). For a
 * dense layer [batch, features] the statistics are over the batch; for a convolution [batch, h, w, channels]
 * they are per channel over batch, height and width (§3.2; PyTorch's BatchNorm2d, Keras on the channel axis).
 * Inference mode uses the population statistics instead, with the unbiased variance m/(m−1)·σ²_B
 * (Algorithm 2, step 10), estimated here as running averages.
 */
export function batchNormAxes(rank: number): StandardizeAxes {
  if (rank !== 2 && rank !== 4) throw new Error(`batchNorm expects a 2-D or 4-D (NHWC) tensor, got rank ${rank}`);
  const axes = rank === 2 ? [0] : [0, 1, 2];
  return { statAxes: axes, paramAxes: axes };
}

export interface BatchNormOptions {
  epsilon: number;
}

/** Training-mode batch norm, y = γ (x − μ_B)/√(σ²_B + ε) + β, with the §3 backward pass as its gradient. */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: BatchNormOptions): Tensor {
  return standardize(x, gamma, beta, batchNormAxes(x.rank), epsilon);
}

/** Inference-mode batch norm with population (running) statistics: a fixed affine map per channel. */
export function batchNormInference(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  runningMean: Tensor,
  runningVariance: Tensor,
  { epsilon }: BatchNormOptions,
): Tensor {
  return tf.tidy(() => tf.add(tf.mul(tf.mul(tf.sub(x, runningMean), tf.rsqrt(tf.add(runningVariance, epsilon))), gamma), beta));
}

/** The batch's per-channel mean and biased variance, flattened to [channels]. */
export function batchMoments(x: Tensor): { mean: Tensor; variance: Tensor; count: number } {
  const { statAxes } = batchNormAxes(x.rank);
  const count = statAxes.reduce((m, a) => m * x.shape[a]!, 1);
  return tf.tidy(() => {
    const { mean, variance } = moments(x, statAxes);
    return { mean: tf.reshape(mean, [-1]), variance: tf.reshape(variance, [-1]), count };
  }) as { mean: Tensor; variance: Tensor; count: number };
}

/**
 * Running statistics, PyTorch's convention: `momentum` is the weight of the new batch,
 *   running ← (1 − momentum)·running + momentum·batch,
 * with the variance stored unbiased (σ²_B · m/(m−1)), as Algorithm 2 uses it. Keras states the same update with
 * its own momentum = 1 − ours (Keras 0.99 = PyTorch 0.01; Keras 0.9 = PyTorch 0.1).
 */
export function updateRunningStats(
  runningMean: Tensor,
  runningVariance: Tensor,
  batchMean: Tensor,
  batchVariance: Tensor,
  count: number,
  momentum: number,
): { mean: Tensor; variance: Tensor } {
  return tf.tidy(() => {
    const unbiased = count > 1 ? tf.mul(batchVariance, count / (count - 1)) : batchVariance;
    return {
      mean: tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(batchMean, momentum)),
      variance: tf.add(tf.mul(runningVariance, 1 - momentum), tf.mul(unbiased, momentum)),
    };
  });
}

/** The momentum in Keras's convention (the weight of the old running value), for display. */
export function kerasMomentum(pytorchMomentum: number): number {
  return 1 - pytorchMomentum;
}
