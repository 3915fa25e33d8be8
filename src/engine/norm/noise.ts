import { tf, type Tensor } from '../tf';
import { createRng } from '../random';

/**
 * "Noisy" batch norm (Santurkar, Tsipras, Ilyas & Madry 2018, §2.1, Figures 2 and 7): after each batch-norm layer,
 * in training mode, a covariate shift is injected on purpose, of non-zero mean and non-unit variance and different
 * at every step, to ask whether a steady input distribution is what makes batch norm work. Per unit j (channel,
 * for a convolution) and training step t, with strength n:
 *
 *   y′ = s_{t,j} · y + m_{t,j},   m_{t,j} = n·u,   s_{t,j} = (1 + n)^v,   u, v ~ U(−1, 1) independent,
 *
 * so unit j's mean moves by up to ±n (+ the scaling of β) and its standard deviation is multiplied by a factor
 * between 1/(1 + n) and 1 + n, both redrawn every step. The paper draws the noise's mean and variance afresh each
 * step from uniform distributions; the exact bounds of its appendix could not be checked here, so these are ours:
 * the shift is symmetric about 0 and the scale symmetric in log about 1, which keeps the noise-free network (what
 * inference mode runs, on the running statistics) the typical network training saw. The paper also perturbs each
 * sample with i.i.d. noise of those moments; here every sample of a unit gets the same shift and scale, which moves
 * the unit's distribution by exactly (m, s) and adds no per-example noise, i.e. a pure covariate shift.
 *
 * The draws come only from the configuration's seed: step t's come from the stream `bn-noise/t/layer`, a pure
 * function of (seed, t, layer), so a probe can use the very noise of the step it looks at without consuming
 * anything, every noisy arm of a run sees the same draws (scaled to its own strength, as arms with their own
 * initial scale get the same weights scaled), and no other stream (weights, batch order) is touched.
 */

/** One layer's noise at one step: per unit, the scale s and the shift m. */
export interface BnNoiseDraw {
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

/** The noise settings of an arm: its strength n and the run's seed. */
export interface BnNoiseSpec {
  readonly strength: number;
  readonly seed: number;
}

/** The underlying uniforms in [−1, 1) of one layer at one step, shared by every strength: [u₀, v₀, u₁, v₁, …]. */
function uniforms(seed: number, step: number, layer: number, units: number): Float64Array {
  const rng = createRng(seed, `bn-noise/${step}/${layer}`);
  const out = new Float64Array(2 * units);
  for (let i = 0; i < out.length; i++) out[i] = 2 * rng.next() - 1;
  return out;
}

/** The scale and shift of each of `units` units of hidden layer `layer` at training step `step` (0-based). */
export function bnNoiseDraw(spec: BnNoiseSpec, step: number, layer: number, units: number): BnNoiseDraw {
  const u = uniforms(spec.seed, step, layer, units);
  const n = spec.strength;
  const logMax = Math.log1p(n);
  const scale = new Float32Array(units);
  const shift = new Float32Array(units);
  for (let j = 0; j < units; j++) {
    shift[j] = n * u[2 * j]!;
    scale[j] = Math.exp(logMax * u[2 * j + 1]!);
  }
  return { scale, shift };
}

/**
 * y′ = s·y + m along the last axis (units of a dense layer, channels of an NHWC convolution). The two [units]
 * tensors are uploaded here, inside the caller's tidy; they are constants, so the gradient is s·∂ℓ/∂y′.
 */
export function applyBnNoise(y: Tensor, draw: BnNoiseDraw): Tensor {
  return tf.add(tf.mul(y, tf.tensor1d(draw.scale)), tf.tensor1d(draw.shift));
}
