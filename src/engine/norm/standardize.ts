import { tf, type Tensor } from '../tf';

/**
 * The normalizing transform shared by batch, layer and group norm; they differ only in the axes the statistics
 * are taken over. With m values x_1..x_m per statistic (Ioffe & Szegedy 2015, Algorithm 1):
 *
 *   μ = 1/m Σ x_i        σ² = 1/m Σ (x_i − μ)²        x̂_i = (x_i − μ) / √(σ² + ε)        y_i = γ x̂_i + β
 *
 * γ and β have one entry per channel (the last axis) and broadcast over the rest. (Group norm passes a grouped
 * view of x whose last two axes are [group, channel within group], and γ, β shaped to match.)
 *
 * The moments are those of d = x − x₀, with x₀ one sample of each statistic's set: μ = x₀ + mean(d), and σ² and
 * x − μ come from d − mean(d). Taken from x directly, float32 loses the spread of data far from zero: on 1e4 +
 * 1e-3·randn a float32 sum of m values is rounded to the spacing of floats near m·1e4 (0.06 for m = 100), which
 * leaves μ off by a good part of the spread, and y off by 1e-2 to 2e-1 (relative; PyTorch's float32 kernels alike).
 * d is exact in float32 near x₀ (Sterbenz's lemma), so batch, layer and group norm keep 1e-5 there too (measured
 * against float64: 4e-8 on y, 2e-7 on the gradients; src/engine/norm/torchReference.test.ts).
 */
export interface StandardizeAxes {
  /** Axes reduced to get μ and σ² (batch norm: all but the channel axis; layer norm: all but the batch axis). */
  readonly statAxes: readonly number[];
  /** Axes reduced to get ∂ℓ/∂γ and ∂ℓ/∂β: every axis but the channel axis (group norm: but the last two). */
  readonly paramAxes: readonly number[];
}

export interface StandardizeBackward {
  dx: Tensor;
  dGamma: Tensor;
  dBeta: Tensor;
  /** ∂ℓ/∂x̂, ∂ℓ/∂σ² and ∂ℓ/∂μ: the intermediate quantities of §3, kept for the step inspector. */
  dXhat: Tensor;
  dVariance: Tensor;
  dMean: Tensor;
}

function countOver(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((m, a) => m * shape[a]!, 1);
}

interface ShiftedMoments {
  /** x₀, the first sample of each statistic's set, and mean(x − x₀): μ = x₀ + mean(x − x₀). */
  anchor: Tensor;
  shiftedMean: Tensor;
  /** The biased σ², from `centered`. */
  variance: Tensor;
  /** x − μ, computed as (x − x₀) − mean(x − x₀) so that it keeps every digit of the spread. */
  centered: Tensor;
}

/** The moments over `statAxes` through the shift x₀, all kept broadcastable against x. */
function shiftedMoments(x: Tensor, statAxes: readonly number[]): ShiftedMoments {
  const axes = [...statAxes];
  const anchor = tf.slice(x, x.shape.map(() => 0), x.shape.map((size, axis) => (axes.includes(axis) ? 1 : size)));
  const shifted = tf.sub(x, anchor);
  const shiftedMean = tf.mean(shifted, axes, true);
  const centered = tf.sub(shifted, shiftedMean);
  return { anchor, shiftedMean, variance: tf.mean(tf.square(centered), axes, true), centered };
}

/** μ and the biased σ² over `statAxes`, kept broadcastable against x (through the shift above). */
export function moments(x: Tensor, statAxes: readonly number[]): { mean: Tensor; variance: Tensor } {
  return tf.tidy(() => {
    const { anchor, shiftedMean, variance } = shiftedMoments(x, statAxes);
    return { mean: tf.add(anchor, shiftedMean), variance };
  });
}

/**
 * The backward pass written with the chain rule of Ioffe & Szegedy (2015, §3), term by term:
 *
 *   ∂ℓ/∂x̂_i = ∂ℓ/∂y_i · γ
 *   ∂ℓ/∂σ²  = Σ_i ∂ℓ/∂x̂_i · (x_i − μ) · (−½)(σ² + ε)^(−3/2)
 *   ∂ℓ/∂μ   = (Σ_i ∂ℓ/∂x̂_i · −1/√(σ² + ε)) + ∂ℓ/∂σ² · (Σ_i −2(x_i − μ)) / m
 *   ∂ℓ/∂x_i = ∂ℓ/∂x̂_i / √(σ² + ε) + ∂ℓ/∂σ² · 2(x_i − μ)/m + ∂ℓ/∂μ / m
 *   ∂ℓ/∂γ   = Σ_i ∂ℓ/∂y_i · x̂_i          ∂ℓ/∂β = Σ_i ∂ℓ/∂y_i
 */
export function standardizeBackward(
  x: Tensor,
  gamma: Tensor,
  dy: Tensor,
  axes: StandardizeAxes,
  epsilon: number,
): StandardizeBackward {
  return tf.tidy(() => {
    const statAxes = [...axes.statAxes];
    const m = countOver(x.shape, statAxes);
    const { variance, centered } = shiftedMoments(x, statAxes);
    const varEps = tf.add(variance, epsilon);
    const invStd = tf.rsqrt(varEps);
    const xHat = tf.mul(centered, invStd);

    const dXhat = tf.mul(dy, gamma);
    const dVariance = tf.mul(
      tf.sum(tf.mul(dXhat, centered), statAxes, true),
      tf.mul(-0.5, tf.pow(varEps, -1.5)),
    );
    const dMean = tf.add(
      tf.sum(tf.mul(dXhat, tf.neg(invStd)), statAxes, true),
      tf.mul(dVariance, tf.div(tf.sum(tf.mul(-2, centered), statAxes, true), m)),
    );
    const dx = tf.add(
      tf.add(tf.mul(dXhat, invStd), tf.mul(dVariance, tf.div(tf.mul(2, centered), m))),
      tf.div(dMean, m),
    );
    const paramAxes = [...axes.paramAxes];
    const dGamma = tf.sum(tf.mul(dy, xHat), paramAxes);
    const dBeta = tf.sum(dy, paramAxes);
    return { dx, dGamma, dBeta, dXhat, dVariance, dMean };
  });
}

/**
 * y = γ x̂ + β with the statistics of x itself, differentiable through `tf.customGrad` with the §3 backward
 * above rather than through autodiff of the forward ops.
 */
export function standardize(x: Tensor, gamma: Tensor, beta: Tensor, axes: StandardizeAxes, epsilon: number): Tensor {
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const xt = xIn as Tensor;
    const gt = gIn as Tensor;
    const { variance, centered } = shiftedMoments(xt, axes.statAxes);
    const xHat = tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon)));
    const value = tf.add(tf.mul(xHat, gt), bIn as Tensor);
    (save as (ts: Tensor[]) => void)([xt, gt]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, gs] = saved as [Tensor, Tensor];
        const g = standardizeBackward(xs, gs, dy, axes, epsilon);
        tf.dispose([g.dXhat, g.dVariance, g.dMean]);
        return [g.dx, g.dGamma, g.dBeta];
      },
    };
  });
  return op(x, gamma, beta);
}
