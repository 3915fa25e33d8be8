import { toCsv, type CsvCell } from './csv';
import { PERCENTILES } from './probes/types';
import type { BnMode, LossLandscape, ProbeSnapshot } from './probes/types';

/**
 * The scalar histories of a run, one entry per probe: the one shape shared by the CLI's JSON and CSV, the lab's
 * charts and (later) downloads. Plain arrays of numbers; non-finite values stay NaN here and become null in JSON.
 */
export interface PercentileSeries {
  p5: number[];
  p15: number[];
  p50: number[];
  p85: number[];
  p95: number[];
}

/** A nonlinearity input's pooled distribution over the probes in one batch-norm mode. */
export interface ModeHistory {
  percentiles: PercentileSeries;
  mean: number[];
  std: number[];
}

export interface LayerHistory {
  index: number;
  units: number;
  /** The nonlinearity input pooled over the layer, batch norm in training mode (the probe batch's statistics). */
  percentiles: PercentileSeries;
  mean: number[];
  std: number[];
  /**
   * The same with batch norm in inference mode (its running averages, as the test set is evaluated); null for an arm
   * without batch norm, whose two modes are the same computation (read `percentiles`, `mean` and `std` for both).
   */
  inference: ModeHistory | null;
  inputMean: number[];
  inputVariance: number[];
  gradNorm: number[];
  ics: { l2: number[]; cos: number[] };
}

/**
 * An arm's time per training step at each probe, on the machine that ran it: unlike every other series, not a
 * function of the configuration and seed. The JSON says so (`machineDependent`), and nothing compares it digit for digit.
 */
export interface TimingHistory {
  machineDependent: true;
  /** The median time of one of this arm's training steps over its recent steps, in ms (NaN at step 0). */
  msPerStep: number[];
  /** This arm's cumulative training time, probes excluded, in seconds: the x of Convergence's seconds axis. */
  trainingSeconds: number[];
}

/**
 * Santurkar et al.'s (2018, §3.1) loss landscape along the gradient at each probe (`probe.landscape`), index-aligned
 * with the arm's `steps`: the loss and the gradient's change at each step size η_k, and the ranges over the step sizes
 * that their Figure 4 draws as bands. NaN (and an empty list) at a probe that did not measure it.
 */
export interface LandscapeHistory {
  /** η_k per probe: the arm's learning rate at that probe times each multiplier, ascending. */
  stepSizes: number[][];
  /** L(w − η_k g) per probe and step size (training mode, the probe step's mini-batch). */
  loss: number[][];
  /** ‖∇L(w) − ∇L(w − η_k g)‖₂ per probe and step size. */
  gradientChange: number[][];
  /** L(w) and ‖g‖₂ where the walk starts. */
  lossHere: number[];
  gradNorm: number[];
  /** Loss variation: min and max of the loss over the step sizes, L(w) included. */
  lossMin: number[];
  lossMax: number[];
  /** Gradient predictiveness: min and max of ‖∇L(w) − ∇L(w − η_k g)‖₂ over the step sizes. */
  gradientChangeMin: number[];
  gradientChangeMax: number[];
  /** Effective β-smoothness: max_k ‖Δ∇L‖ / ‖Δw‖. */
  betaSmoothness: number[];
}

export interface ArmHistory {
  name: string;
  norm: string;
  steps: number[];
  trainLoss: number[];
  testLoss: number[];
  testAccuracy: number[];
  divergedAt: number | null;
  timing: TimingHistory;
  layers: LayerHistory[];
  /** The loss landscape when the run measures it (`probe.landscape`), else null. */
  landscape: LandscapeHistory | null;
}

export const PERCENTILE_KEYS = ['p5', 'p15', 'p50', 'p85', 'p95'] as const;

function emptyLandscape(): LandscapeHistory {
  return { stepSizes: [], loss: [], gradientChange: [], lossHere: [], gradNorm: [], lossMin: [], lossMax: [], gradientChangeMin: [], gradientChangeMax: [], betaSmoothness: [] };
}

/** The landscape's per-probe series, for thinning them together. */
export function landscapeSeries(l: LandscapeHistory): (number[] | number[][])[] {
  return [l.stepSizes, l.loss, l.gradientChange, l.lossHere, l.gradNorm, l.lossMin, l.lossMax, l.gradientChangeMin, l.gradientChangeMax, l.betaSmoothness];
}

/** Appends one probe's landscape, or a gap (NaN, empty lists) for a probe that did not measure it. */
function appendLandscape(h: LandscapeHistory, m: LossLandscape | undefined): void {
  h.stepSizes.push(m ? Array.from(m.stepSizes) : []);
  h.loss.push(m ? Array.from(m.loss) : []);
  h.gradientChange.push(m ? Array.from(m.gradientChange) : []);
  h.lossHere.push(m ? m.lossHere : NaN);
  h.gradNorm.push(m ? m.gradNorm : NaN);
  h.lossMin.push(m ? m.lossRange[0] : NaN);
  h.lossMax.push(m ? m.lossRange[1] : NaN);
  h.gradientChangeMin.push(m ? m.gradientChangeRange[0] : NaN);
  h.gradientChangeMax.push(m ? m.gradientChangeRange[1] : NaN);
  h.betaSmoothness.push(m ? m.betaSmoothness : NaN);
}

/**
 * Empty histories for a run's arms. `landscape`: the run measures the loss landscape (`probe.landscape`), so each
 * arm's history has its series from the start (a JSON reader finds them, empty or not, where the flag says).
 */
export function createHistory(arms: readonly { name: string; norm: string }[], layerUnits: readonly number[], { landscape = false } = {}): ArmHistory[] {
  return arms.map((a) => ({
    name: a.name,
    norm: a.norm,
    steps: [],
    trainLoss: [],
    testLoss: [],
    testAccuracy: [],
    divergedAt: null,
    timing: { machineDependent: true, msPerStep: [], trainingSeconds: [] },
    layers: layerUnits.map((units, index) => ({
      index,
      units,
      percentiles: { p5: [], p15: [], p50: [], p85: [], p95: [] },
      mean: [],
      std: [],
      inference: a.norm === 'batch' ? { percentiles: { p5: [], p15: [], p50: [], p85: [], p95: [] }, mean: [], std: [] } : null,
      inputMean: [],
      inputVariance: [],
      gradNorm: [],
      ics: { l2: [], cos: [] },
    })),
    landscape: landscape ? emptyLandscape() : null,
  }));
}

export function appendProbe(history: ArmHistory[], snap: ProbeSnapshot): void {
  snap.arms.forEach((a, i) => {
    const h = history[i]!;
    h.steps.push(snap.step);
    h.trainLoss.push(a.trainLoss);
    h.testLoss.push(a.testLoss);
    h.testAccuracy.push(a.testAccuracy);
    h.divergedAt = a.divergedAt;
    h.timing.msPerStep.push(a.timing.msPerStep);
    h.timing.trainingSeconds.push(a.timing.trainingSeconds);
    if (a.landscape && !h.landscape) {
      // The first probe that measures the landscape: the earlier ones did not, and hold gaps so the series stay aligned.
      h.landscape = emptyLandscape();
      for (let t = 1; t < h.steps.length; t++) appendLandscape(h.landscape, undefined);
    }
    if (h.landscape) appendLandscape(h.landscape, a.landscape);
    a.layers.forEach((l, j) => {
      const lh = h.layers[j]!;
      PERCENTILE_KEYS.forEach((k, q) => lh.percentiles[k].push(l.pooled.percentiles[q]!));
      lh.mean.push(l.pooled.mean);
      lh.std.push(l.pooled.std);
      if (lh.inference) {
        // A batch-norm arm always probes both modes; NaN keeps the series aligned should one ever be missing.
        const inf = l.inference?.pooled;
        PERCENTILE_KEYS.forEach((k, q) => lh.inference!.percentiles[k].push(inf ? inf.percentiles[q]! : NaN));
        lh.inference.mean.push(inf ? inf.mean : NaN);
        lh.inference.std.push(inf ? inf.std : NaN);
      }
      lh.inputMean.push(l.inputMean);
      lh.inputVariance.push(l.inputVariance);
      lh.gradNorm.push(l.gradNorm);
      lh.ics.l2.push(l.ics.l2);
      lh.ics.cos.push(l.ics.cos);
    });
  });
}

/**
 * One row per (arm, probe step, layer), the arm-level columns repeated: easy to load into pandas or R. Written by
 * the one CSV writer (RFC 4180, CRLF, spreadsheet-safe text cells) that the lab's download uses too; non-finite
 * values are empty cells. The `inference…` columns are batch norm in inference mode; for an arm without batch norm
 * they repeat the training-mode columns (its two modes are the same), so that every row is complete.
 */
export function historyToCsv(history: readonly ArmHistory[]): string {
  const header = [
    ...['arm', 'step', 'trainLoss', 'testLoss', 'testAccuracy', 'layer', ...PERCENTILES.map((p) => `p${p}`), 'mean', 'std'],
    ...['inputMean', 'inputVariance', 'gradNorm', 'icsL2', 'icsCos', ...PERCENTILES.map((p) => `inferenceP${p}`), 'inferenceMean', 'inferenceStd'],
  ];
  const rows: CsvCell[][] = [header];
  for (const arm of history) {
    arm.steps.forEach((step, t) => {
      for (const l of arm.layers) {
        const inf = modeHistory(l, 'inference');
        rows.push([
          arm.name,
          step,
          arm.trainLoss[t],
          arm.testLoss[t],
          arm.testAccuracy[t],
          l.index,
          ...PERCENTILE_KEYS.map((k) => l.percentiles[k][t]),
          l.mean[t],
          l.std[t],
          l.inputMean[t],
          l.inputVariance[t],
          l.gradNorm[t],
          l.ics.l2[t],
          l.ics.cos[t],
          ...PERCENTILE_KEYS.map((k) => inf.percentiles[k][t]),
          inf.mean[t],
          inf.std[t],
        ]);
      }
    });
  }
  return toCsv(rows);
}

/** A layer's pooled history in one batch-norm mode (an arm without batch norm has one history for both). */
export function modeHistory(layer: LayerHistory, mode: BnMode): ModeHistory {
  return mode === 'inference' && layer.inference ? layer.inference : layer;
}

/**
 * How far a distribution moved from the first probe to a later one: the net displacement of its median and the
 * change of its 15th–85th percentile width, both signed. A path length (the sum of |Δ| over consecutive probes)
 * grows as probes get denser, because it adds up the probe-to-probe wiggle; these depend only on the two probes
 * compared, so the probe interval does not change them. Ioffe & Szegedy's Figure 1b–c in two numbers.
 */
export interface BandDrift {
  /** The steps of the two probes compared. */
  fromStep: number;
  toStep: number;
  /** p50(to) − p50(from). */
  medianShift: number;
  /** (p85 − p15)(to) − (p85 − p15)(from). */
  widthChange: number;
}

/** The 15th, 50th and 85th percentiles at each probe, index-aligned with `steps`. */
export interface BandSeries {
  steps: readonly number[];
  p15: readonly number[];
  p50: readonly number[];
  p85: readonly number[];
}

/**
 * The drift of a band from probe index `from` (default: the first probe) to probe index `to` (default: the newest);
 * NaN where either probe is missing.
 */
export function bandDrift(band: BandSeries, to = Math.min(band.steps.length, band.p15.length, band.p50.length, band.p85.length) - 1, from = 0): BandDrift {
  if (!(from >= 0 && to >= from && to < band.steps.length)) return { fromStep: NaN, toStep: NaN, medianShift: NaN, widthChange: NaN };
  const width = (t: number) => band.p85[t]! - band.p15[t]!;
  return { fromStep: band.steps[from]!, toStep: band.steps[to]!, medianShift: band.p50[to]! - band.p50[from]!, widthChange: width(to) - width(from) };
}

/** A layer's pooled band drift in one batch-norm mode, from the first probe to the newest. */
export function layerDrift(steps: readonly number[], layer: LayerHistory, mode: BnMode): BandDrift {
  return bandDrift({ steps, ...modeHistory(layer, mode).percentiles });
}

/** The value of a series at the probe nearest to `step`. */
export function valueAt(steps: readonly number[], values: readonly number[], step: number): number {
  let best = 0;
  for (let t = 1; t < steps.length; t++) if (Math.abs(steps[t]! - step) < Math.abs(steps[best]! - step)) best = t;
  return values[best] ?? NaN;
}

export function meanOf(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}
