import type { ArmTiming } from '../stepTiming';

/** The percentiles of Ioffe & Szegedy's Figure 1b–c ({15, 50, 85}) widened by the 5th and 95th. */
export const PERCENTILES = [5, 15, 50, 85, 95] as const;

/**
 * What a probe reads back: small, plain, typed data. The same shape goes to the CLI's JSON, to the worker's
 * snapshots (the typed arrays are transferable) and to the views.
 */
export interface DistributionSummary {
  /** The 5th, 15th, 50th, 85th and 95th percentiles. */
  percentiles: Float32Array;
  mean: number;
  std: number;
  /** Counts per fixed bin over [−range, range); underflow and overflow apart. */
  histogram: Float32Array;
  underflow: number;
  overflow: number;
}

export interface UnitDistributions {
  /** [units × 5] percentiles, unit-major. */
  percentiles: Float32Array;
  mean: Float32Array;
  std: Float32Array;
  /** [units × (bins + 2)] counts, unit-major, with each unit's underflow first and overflow last. */
  histogram: Float32Array;
}

export interface BatchNormStats {
  /** Per unit: the probe step's training mini-batch moments (biased variance) and the running estimates. */
  batchMean: Float32Array;
  batchVariance: Float32Array;
  runningMean: Float32Array;
  runningVariance: Float32Array;
}

/**
 * One batch-norm layer on the probe step's training mini-batch, for the step inspector: the forward numbers of
 * x → μ_B, σ²_B → x̂ → y = γx̂ + β and the backward quantities of Ioffe & Szegedy §3, from the engine's own
 * backward (standardizeBackward). Per-sample arrays hold the first `samples` values of each unit's batch.
 */
export interface BatchNormInspection {
  /** m: values per statistic (batch size, or batch × height × width for a convolution). */
  count: number;
  samples: number;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dGamma: Float32Array;
  dBeta: Float32Array;
  dMean: Float32Array;
  dVariance: Float32Array;
  /** [samples × units], sample-major: x, ∂ℓ/∂y and ∂ℓ/∂x of the first samples. */
  x: Float32Array;
  dy: Float32Array;
  dx: Float32Array;
}

/** A nonlinearity input's distributions over the probe batch: the whole layer pooled, and each unit on its own. */
export interface LayerDistributions {
  pooled: DistributionSummary;
  units: UnitDistributions;
}

/** Batch norm's two modes: normalizing with the batch's own statistics, or with the running averages. */
export const BN_MODES = ['train', 'inference'] as const;
export type BnMode = (typeof BN_MODES)[number];

export interface LayerProbe {
  /**
   * The nonlinearity's input over the fixed probe batch, pooled over the layer's units, with batch norm in training
   * mode (the probe batch's own statistics). For a BN unit before the nonlinearity its mean is β and its standard
   * deviation γ, to within ε, by construction.
   */
  pooled: DistributionSummary;
  /** The same for each unit (channel, for convolutions) on its own. */
  units: UnitDistributions;
  /**
   * The same distributions with batch norm in inference mode (the running averages), the mode the test set is
   * evaluated in. Null for an arm without batch norm, whose two modes are one and the same computation: `pooled`
   * and `units` are then the inference-mode distributions too (distributionsIn reads either).
   */
  inference: LayerDistributions | null;
  /** Mean and variance of the layer's input over the probe batch (how much the layer's input moves). */
  inputMean: number;
  inputVariance: number;
  /** ‖∂ℓ/∂W‖₂ of the layer's weights on the probe step's training batch. */
  gradNorm: number;
  /** Santurkar et al. (2018): ‖G − G′‖₂ and cos(G, G′), G′ the gradient after the earlier layers' update. */
  ics: { l2: number; cos: number };
  bn: BatchNormStats | null;
  inspect: BatchNormInspection | null;
}

/** An arm's predictions on a grid over the 2-D input plane (2-D datasets only), for the decision boundary. */
export interface BoundaryGrid {
  /** Grid points per side. */
  size: number;
  /** [xMin, xMax, yMin, yMax] of the plane covered; row 0 is y = yMax. */
  extent: [number, number, number, number];
  /** [size × size × numClasses] softmax probabilities, row-major. */
  probs: Float32Array;
}

/**
 * The loss landscape along the gradient (Santurkar et al. 2018, §3.1, Figure 4), on the probe step's training
 * mini-batch: from the weights w, steps of sizes η_k along −g, g = ∇L(w) over every parameter. What the paper plots
 * per step of training: the range of L(w − η_k g) (loss variation), of ‖∇L(w) − ∇L(w − η_k g)‖₂ (gradient
 * predictiveness: how well the gradient here predicts the gradient there) and the "effective" β-smoothness,
 * max_k ‖∇L(w) − ∇L(w − η_k g)‖₂ / ‖η_k g‖₂. A smoother landscape has a narrower loss range, a smaller gradient
 * change and a smaller β.
 */
export interface LossLandscape {
  /** η_k: the arm's learning rate times each multiplier, ascending. */
  stepSizes: Float32Array;
  /** L(w − η_k g) per step size (training mode, the probe step's mini-batch). */
  loss: Float32Array;
  /** ‖∇L(w) − ∇L(w − η_k g)‖₂ per step size. */
  gradientChange: Float32Array;
  /** L(w) and ‖g‖₂ at the starting point. */
  lossHere: number;
  gradNorm: number;
  /** min and max of the loss over the step sizes, L(w) included. */
  lossRange: [number, number];
  /** min and max of the gradient change over the step sizes. */
  gradientChangeRange: [number, number];
  /** max_k ‖∇L(w) − ∇L(w − η_k g)‖₂ / (η_k ‖g‖₂); NaN where g = 0. */
  betaSmoothness: number;
}

export interface ArmProbe {
  /** Mean training loss over the steps since the previous probe (at step 0: the loss of the first batch). */
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Probe step at which this arm's mean loss passed DIVERGED_LOSS or stopped being finite; it trains no further. */
  divergedAt: number | null;
  layers: LayerProbe[];
  boundary: BoundaryGrid | null;
  /** The loss landscape along the gradient, when the trainer measures it (LockstepTrainer's `landscape` option). */
  landscape?: LossLandscape;
  /**
   * This arm's time per training step and its training seconds so far, on this machine: not determined by the seed,
   * so kept out of anything compared digit for digit (share-link replays, determinism tests).
   */
  timing: ArmTiming;
}

export interface ProbeSnapshot {
  /** Training steps completed when the probe ran. */
  step: number;
  arms: ArmProbe[];
}

/** A layer's distributions in one batch-norm mode (without batch norm both modes are the training-mode data). */
export function distributionsIn(layer: LayerProbe, mode: BnMode): LayerDistributions {
  return mode === 'inference' && layer.inference ? layer.inference : { pooled: layer.pooled, units: layer.units };
}
