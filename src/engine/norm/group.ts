import { tf, type Tensor } from '../tf';
import { moments, standardize, type StandardizeAxes } from './standardize';

/**
 * Group normalization (Wu & He 2018): the channels are split into `groups` consecutive groups of C/G, and each
 * example is normalized with the mean and biased variance of each of its groups, over the group's channels and,
 * for a convolution, height and width (their eq. 1–3 with S_i = {k | k_N = i_N, ⌊k_C/(C/G)⌋ = ⌊i_C/(C/G)⌋}):
 *
 *   μ_ng = 1/m Σ x_i     σ²_ng = 1/m Σ (x_i − μ_ng)²     x̂_i = (x_i − μ_ng) / √(σ²_ng + ε)     y_i = γ_c x̂_i + β_c
 *
 * with γ and β per channel. Like layer norm it does not depend on the rest of the batch and is the same in training
 * and inference. One group is layer norm (every channel of an example together); C groups, one channel each, is
 * instance norm (Ulyanov et al. 2016), which on a dense layer leaves one value per statistic, so x̂ = 0 and y = β.
 *
 * It is the transform batch and layer norm use, on a grouped view of x: [N, F] is seen as [N, G, F/G] and
 * [N, H, W, C] as [N, H, W, G, C/G], γ and β as [G, C/G], so `standardize` and its §3 backward serve unchanged.
 */
export interface GroupNormOptions {
  /** The number of groups G; it must divide the channel (feature) count. */
  groups: number;
  epsilon: number;
}

export interface GroupNormLayout {
  /** The shape of x's grouped view. */
  readonly groupedShape: readonly number[];
  /** γ and β's shape in that view: [G, C/G]. */
  readonly paramShape: readonly [number, number];
  readonly axes: StandardizeAxes;
}

/** The divisors of n, for the error message that says which group counts would work. */
function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

/** How group norm views an x of this shape with `groups` groups; throws with a clear message when it cannot. */
export function groupNormLayout(shape: readonly number[], groups: number): GroupNormLayout {
  if (shape.length !== 2 && shape.length !== 4) throw new Error(`groupNorm expects a 2-D or 4-D (NHWC) tensor, got rank ${shape.length}`);
  const channels = shape[shape.length - 1]!;
  const what = shape.length === 2 ? 'features' : 'channels';
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`groupNorm needs a whole number of groups, at least 1; got ${groups}`);
  if (channels % groups !== 0) {
    throw new Error(`groupNorm: ${groups} groups do not divide the ${channels} ${what} evenly; use one of ${divisors(channels).join(', ')}`);
  }
  const perGroup = channels / groups;
  const groupedShape = [...shape.slice(0, -1), groups, perGroup];
  // Statistics per example and group: over the channels in the group and, for a convolution, height and width.
  const axes: StandardizeAxes = shape.length === 2 ? { statAxes: [2], paramAxes: [0] } : { statAxes: [1, 2, 4], paramAxes: [0, 1, 2] };
  return { groupedShape, paramShape: [groups, perGroup], axes };
}

/** Group norm (the same in training and inference), with the §3 backward pass of `standardize` as its gradient. */
export function groupNorm(x: Tensor, gamma: Tensor, beta: Tensor, { groups, epsilon }: GroupNormOptions): Tensor {
  const { groupedShape, paramShape, axes } = groupNormLayout(x.shape, groups);
  // The reshapes are differentiable views: the gradient reaching x, γ and β is the custom one, reshaped back.
  return tf.tidy(() =>
    tf.reshape(
      standardize(tf.reshape(x, [...groupedShape]), tf.reshape(gamma, [...paramShape]), tf.reshape(beta, [...paramShape]), axes, epsilon),
      x.shape,
    ),
  );
}

/** Each example's per-group mean and biased variance, as [batch, groups] (what a probe of group norm reads). */
export function groupMoments(x: Tensor, groups: number): { mean: Tensor; variance: Tensor } {
  const { groupedShape, axes } = groupNormLayout(x.shape, groups);
  const batch = x.shape[0]!;
  return tf.tidy(() => {
    const { mean, variance } = moments(tf.reshape(x, [...groupedShape]), axes.statAxes);
    return { mean: tf.reshape(mean, [batch, groups]), variance: tf.reshape(variance, [batch, groups]) };
  }) as { mean: Tensor; variance: Tensor };
}
