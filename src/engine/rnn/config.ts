import { z } from 'zod';

/**
 * The recurrent experiment's settings: a tanh RNN reads an MNIST digit one row at a time (28 steps of 28 pixels)
 * and classifies it from its last hidden state, in three arms that differ only in how the recurrent
 * pre-activation is normalized. One strict schema, shared by the CLI and the lab's RNN view.
 */
export const RNN_NORMS = ['none', 'layer', 'batch'] as const;
export type RnnNorm = (typeof RNN_NORMS)[number];

export const RNN_NORM_LABELS: Record<RnnNorm, string> = {
  none: 'no norm',
  layer: 'layer norm',
  batch: 'batch norm (per step)',
};

const num = (min: number, max: number) => z.number().finite().min(min).max(max);
const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const rnnConfigSchema = z.strictObject({
  seed: int(0, 2 ** 31 - 1).default(1),
  /** Hidden units of the recurrent cell. */
  hidden: int(4, 256).default(64),
  /** At least 2: batch norm's training-mode variance of one example is 0. */
  batchSize: int(2, 500).default(32),
  /** Adam (Kingma & Ba 2015, β₁ 0.9, β₂ 0.999), the usual optimizer for recurrent nets. */
  learningRate: num(1e-5, 1).default(2e-3),
  /** Gradients are clipped to this global ℓ2 norm (Pascanu et al. 2013); 0 turns clipping off. */
  clipNorm: num(0, 1000).default(1),
  /** Running-statistics momentum, PyTorch's convention (weight of the new batch). */
  momentum: num(0.001, 1).default(0.1),
  epsilon: num(1e-8, 1).default(1e-5),
  /**
   * γ's initial value for both normalized arms. Cooijmans et al. (2016, §4) start γ at 0.1 so that tanh starts in
   * its linear range on long sequences; 28 steps are short, and 1 keeps the normalized pre-activation's spread at 1.
   */
  gamma: num(0.01, 10).default(1),
  /** A probe every this many steps. */
  probeEvery: int(1, 10_000).default(25),
  /** The first this many test digits are evaluated at each probe (inference mode for batch norm). */
  testSize: int(10, 2000).default(1000),
});

export type RnnConfig = z.infer<typeof rnnConfigSchema>;

export const DEFAULT_RNN_CONFIG: RnnConfig = rnnConfigSchema.parse({});
