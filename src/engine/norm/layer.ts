import type { Tensor } from '../tf';
import { standardize, type StandardizeAxes } from './standardize';

/**
 * Layer normalization (Ba, Kiros & Hinton 2016): the same transform as batch norm, but each example is
 * normalized with the mean and variance over its own units, so it does not depend on the rest of the batch,
 * behaves identically in training and inference, and works with batches of one. For a convolution the
 * statistics are over height, width and channels of each example (PyTorch's GroupNorm with one group); γ and
 * β stay per channel, as there.
 */
export function layerNormAxes(rank: number): StandardizeAxes {
  if (rank !== 2 && rank !== 4) throw new Error(`layerNorm expects a 2-D or 4-D (NHWC) tensor, got rank ${rank}`);
  return rank === 2 ? { statAxes: [1], paramAxes: [0] } : { statAxes: [1, 2, 3], paramAxes: [0, 1, 2] };
}

export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, { epsilon }: { epsilon: number }): Tensor {
  return standardize(x, gamma, beta, layerNormAxes(x.rank), epsilon);
}
