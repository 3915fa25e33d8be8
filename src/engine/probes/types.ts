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

export interface LayerProbe {
  /** The nonlinearity's input over the fixed probe batch, pooled over the layer's units. */
  pooled: DistributionSummary;
  /** The same for each unit (channel, for convolutions) on its own. */
  units: UnitDistributions;
  /** Mean and variance of the layer's input over the probe batch (how much the layer's input moves). */
  inputMean: number;
  inputVariance: number;
  /** ‖∂ℓ/∂W‖₂ of the layer's weights on the probe step's training batch. */
  gradNorm: number;
  /** Santurkar et al. (2018): ‖G − G′‖₂ and cos(G, G′), G′ the gradient after the earlier layers' update. */
  ics: { l2: number; cos: number };
  bn: BatchNormStats | null;
}

export interface ArmProbe {
  /** Mean training loss over the steps since the previous probe (at step 0: the loss of the first batch). */
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Probe step at which this arm's mean loss passed DIVERGED_LOSS or stopped being finite; it trains no further. */
  divergedAt: number | null;
  layers: LayerProbe[];
}

export interface ProbeSnapshot {
  /** Training steps completed when the probe ran. */
  step: number;
  arms: ArmProbe[];
}
