import { scaleLinear, type ScaleLinear } from 'd3';
import type { Placement } from '../../config/schema';
import { foldedAffine, foldTarget } from '../../engine/fold';
import type { BatchNormInspection, BatchNormStats } from '../../engine/probes/types';

/**
 * The step inspector's math: one batch-norm unit's column of the engine's sample-major arrays, the forward
 * normalization recomputed from the engine's μ_B and σ²_B (Ioffe & Szegedy 2015, Algorithm 1), the TeX of the
 * forward chain and of the §3 backward pass with the engine's numbers, number formatting and the scatter scales.
 * Pure: no React, no DOM.
 */

/** The arms that use batch norm, by index into run.arms. */
export function batchNormArms(arms: readonly { norm: string }[]): number[] {
  const out: number[] = [];
  arms.forEach((a, i) => {
    if (a.norm === 'batch') out.push(i);
  });
  return out;
}

/** The unit the detail shows: the shared selection when it exists in this layer, else unit 0 (not chosen). */
export function resolveUnit(unit: number | null, units: number): { unit: number; chosen: boolean } {
  if (unit !== null && Number.isInteger(unit) && unit >= 0 && unit < units) return { unit, chosen: true };
  return { unit: 0, chosen: false };
}

/** Unit k's values from a [samples × units] sample-major array: value of sample r at r·units + k. */
export function unitColumn(values: ArrayLike<number>, samples: number, units: number, k: number): number[] {
  if (k < 0 || k >= units) throw new RangeError(`unit ${k} outside 0…${units - 1}`);
  const n = Math.min(samples, Math.floor(values.length / units));
  const out = new Array<number>(n);
  for (let r = 0; r < n; r++) out[r] = values[r * units + k]!;
  return out;
}

/** x̂ = (x − μ_B)/√(σ²_B + ε), Algorithm 1. */
export function normalizeValue(x: number, mean: number, variance: number, epsilon: number): number {
  return (x - mean) / Math.sqrt(variance + epsilon);
}

export interface SampleRow {
  /** 1-based sample index i, as in the paper. */
  i: number;
  x: number;
  xHat: number;
  y: number;
  dy: number;
  dx: number;
}

/** One unit of the inspection: its statistics, parameters, §3 gradients and the first rows of its batch. */
export interface UnitDetail {
  unit: number;
  /** m: the values behind each statistic. */
  count: number;
  /** How many of the m values the engine sent. */
  samples: number;
  epsilon: number;
  mean: number;
  variance: number;
  /** √(σ²_B + ε), the divisor of the normalization. */
  std: number;
  gamma: number;
  beta: number;
  dGamma: number;
  dBeta: number;
  dMean: number;
  dVariance: number;
  rows: SampleRow[];
}

/** The number of units in an inspection (every per-unit array has one entry per unit). */
export function inspectionUnits(inspect: BatchNormInspection): number {
  return inspect.mean.length;
}

/** Unit k of the inspection, with x̂ and y recomputed from x and the engine's μ_B, σ²_B, γ, β and ε. */
export function unitDetail(inspect: BatchNormInspection, k: number, epsilon: number, maxRows = Infinity): UnitDetail {
  const units = inspectionUnits(inspect);
  const n = Math.min(inspect.samples, maxRows);
  const xs = unitColumn(inspect.x, n, units, k);
  const dys = unitColumn(inspect.dy, n, units, k);
  const dxs = unitColumn(inspect.dx, n, units, k);
  const mean = inspect.mean[k]!;
  const variance = inspect.variance[k]!;
  const gamma = inspect.gamma[k]!;
  const beta = inspect.beta[k]!;
  const rows = xs.map((x, r) => {
    const xHat = normalizeValue(x, mean, variance, epsilon);
    return { i: r + 1, x, xHat, y: gamma * xHat + beta, dy: dys[r]!, dx: dxs[r]! };
  });
  return {
    unit: k,
    count: inspect.count,
    samples: inspect.samples,
    epsilon,
    mean,
    variance,
    std: Math.sqrt(variance + epsilon),
    gamma,
    beta,
    dGamma: inspect.dGamma[k]!,
    dBeta: inspect.dBeta[k]!,
    dMean: inspect.dMean[k]!,
    dVariance: inspect.dVariance[k]!,
    rows,
  };
}

/** Mean and biased variance of a list (for checks: x̂ over a whole batch has mean 0 and variance σ²/(σ²+ε) ≈ 1). */
export function meanVariance(values: readonly number[]): { mean: number; variance: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, variance: NaN };
  let s = 0;
  for (const v of values) s += v;
  const mean = s / n;
  let q = 0;
  for (const v of values) q += (v - mean) ** 2;
  return { mean, variance: q / n };
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers: 4 significant digits; powers of ten below 10⁻³ and from 10⁴ on.

export interface NumberParts {
  /** The digits, with a leading '-' for negatives ('' sign for zero); or 'NaN', '∞', '-∞'. */
  mantissa: string;
  /** The power of ten, or null for plain notation. */
  exponent: number | null;
}

export const SIGNIFICANT_DIGITS = 4;

/** Splits a number into mantissa and power of ten, 4 significant digits, exponent form when |v| < 1e-3 or ≥ 1e4. */
export function numberParts(v: number): NumberParts {
  if (Number.isNaN(v)) return { mantissa: 'NaN', exponent: null };
  if (!Number.isFinite(v)) return { mantissa: v > 0 ? '∞' : '-∞', exponent: null };
  if (v === 0) return { mantissa: '0', exponent: null };
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  // toExponential rounds first, so 9.9996 reads as 1.000e+1 and lands in the right notation.
  const [m, e] = a.toExponential(SIGNIFICANT_DIGITS - 1).split('e') as [string, string];
  const exponent = Number(e);
  if (exponent < -3 || exponent >= 4) return { mantissa: sign + m, exponent };
  return { mantissa: sign + a.toFixed(SIGNIFICANT_DIGITS - 1 - exponent), exponent: null };
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** Plain text with a typographic minus and a superscript power of ten: "−1.235×10⁻⁵". */
export function formatNumber(v: number): string {
  const { mantissa, exponent } = numberParts(v);
  const m = mantissa.replace('-', '−');
  if (exponent === null) return m;
  return `${m}×10${[...String(exponent)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** The same number as TeX: "-1.235\times10^{-5}". */
export function texNumber(v: number): string {
  const { mantissa, exponent } = numberParts(v);
  const m = mantissa === 'NaN' ? '\\text{NaN}' : mantissa.replace('∞', '\\infty');
  return exponent === null ? m : `${m}\\times10^{${exponent}}`;
}

/** Momentum in both conventions: PyTorch's weight of the new batch and Keras's 1 − it. */
export function momentumConventions(pytorch: number): { pytorch: string; keras: string } {
  const trim = (v: number) => String(Number(v.toPrecision(6)));
  return { pytorch: trim(pytorch), keras: trim(1 - pytorch) };
}

/** m/(m−1): the factor from the batch's biased variance to the unbiased one the running average stores. */
export function besselFactor(count: number): number {
  return count > 1 ? count / (count - 1) : 1;
}

// ---------------------------------------------------------------------------------------------------------------
// TeX of the forward chain and of the §3 backward pass. Each line: the general equation and its value for unit k.

export interface TexLine {
  /** The general equation. */
  formula: string;
  /** Its value for this unit (or the parameters it uses); '' on a line that continues below. */
  value: string;
  /** The second line of an equation too long for one (indented). */
  continued?: boolean;
  /** What the equation says, in plain words, for a reader who does not read the symbols ('' on a continued line). */
  gloss: string;
}

/** ∂num/∂den, slashed as in the paper's §3 (a stacked fraction would shrink the symbols below readable size). */
const d = (num: string, den: string) => `\\partial ${num}/\\partial ${den}`;
const sum = '\\textstyle\\sum_{i}';
const varEps = '\\sigma_B^2+\\epsilon';

export function forwardTex(u: UnitDetail): TexLine[] {
  return [
    {
      formula: `\\mu_B = \\tfrac{1}{m}\\textstyle\\sum_{i=1}^{m} x_i`,
      value: `= ${texNumber(u.mean)}`,
      gloss: `The unit’s average over the m = ${u.count.toLocaleString('en-US')} values in this mini-batch.`,
    },
    {
      formula: `\\sigma_B^2 = \\tfrac{1}{m}\\textstyle\\sum_{i=1}^{m}(x_i-\\mu_B)^2`,
      value: `= ${texNumber(u.variance)}`,
      gloss: 'How spread out they are: the average squared distance from that mean (divided by m, not m − 1).',
    },
    {
      formula: `\\hat x_i = (x_i-\\mu_B)\\,/\\sqrt{${varEps}}`,
      value: `m = ${u.count},\\ \\epsilon = ${texNumber(u.epsilon)}`,
      gloss: 'Each value shifted and rescaled to mean 0 and variance 1 over the batch; ε keeps the division safe when the variance is tiny.',
    },
    {
      formula: `y_i = \\gamma\\,\\hat x_i + \\beta`,
      value: `\\gamma = ${texNumber(u.gamma)},\\ \\beta = ${texNumber(u.beta)}`,
      gloss: 'Then stretched by γ and moved by β, both learned, so the network can undo the normalization where that helps.',
    },
  ];
}

/**
 * Ioffe & Szegedy (2015) §3 in the order the chain rule runs, with the engine's values for the unit: ∂ℓ/∂x̂_i
 * (per sample, so its values are in the sample table), ∂ℓ/∂σ²_B, ∂ℓ/∂μ_B, ∂ℓ/∂γ and ∂ℓ/∂β. ∂ℓ/∂x_i, the last
 * of §3, is the sample table's last column (its formula: DX_FORMULA_TEXT).
 */
export function backwardTex(u: UnitDetail): TexLine[] {
  const dxh = d('\\ell', '\\hat x_i');
  const dv = d('\\ell', '\\sigma_B^2');
  const dm = d('\\ell', '\\mu_B');
  return [
    { formula: `${dxh} = ${d('\\ell', 'y_i')}\\cdot\\gamma`, value: `\\gamma = ${texNumber(u.gamma)}`, gloss: 'The gradient arriving at each normalized value, scaled by γ.' },
    {
      formula: `${dv} = ${sum} ${dxh}\\,(x_i-\\mu_B)\\cdot\\tfrac{-1}{2}(${varEps})^{-3/2}`,
      value: `= ${texNumber(u.dVariance)}`,
      gloss: 'How the loss would change if the batch’s variance changed: every value in the batch contributes.',
    },
    {
      formula: `${dm} = \\Big(${sum} ${dxh}\\cdot\\big({-1}/\\sqrt{${varEps}}\\big)\\Big)`,
      value: '',
      gloss: 'The same for the batch’s mean, directly and through the variance.',
    },
    { formula: `+\\ ${dv}\\cdot\\Big(${sum} {-2}(x_i-\\mu_B)\\Big)/m`, value: `= ${texNumber(u.dMean)}`, continued: true, gloss: '' },
    { formula: `${d('\\ell', '\\gamma')} = ${sum} ${d('\\ell', 'y_i')}\\cdot\\hat x_i`, value: `= ${texNumber(u.dGamma)}`, gloss: 'γ’s gradient: the incoming gradient times x̂, summed over the batch.' },
    { formula: `${d('\\ell', '\\beta')} = ${sum} ${d('\\ell', 'y_i')}`, value: `= ${texNumber(u.dBeta)}`, gloss: 'β’s gradient: the incoming gradient summed over the batch.' },
  ];
}

/** §3's ∂ℓ/∂x_i, in words for the sample table's column header. */
export const DX_FORMULA_TEXT = '∂ℓ/∂x_i = ∂ℓ/∂x̂_i · 1/√(σ²_B+ε) + ∂ℓ/∂σ²_B · 2(x_i−μ_B)/m + ∂ℓ/∂μ_B · 1/m (Ioffe & Szegedy §3)';

/** The sample table's columns for each pass: the forward values, then the gradients flowing back through them. */
export type SampleColumn = 'x' | 'xHat' | 'y' | 'dy' | 'dXhat' | 'dx';

export const SAMPLE_COLUMNS: Record<'forward' | 'backward', readonly SampleColumn[]> = {
  forward: ['x', 'xHat', 'y'],
  backward: ['xHat', 'dy', 'dXhat', 'dx'],
};

export const SAMPLE_COLUMN_TEX: Record<SampleColumn, string> = {
  x: 'x_i',
  xHat: '\\hat x_i',
  y: 'y_i',
  dy: '\\partial\\ell/\\partial y_i',
  dXhat: '\\partial\\ell/\\partial\\hat x_i',
  dx: '\\partial\\ell/\\partial x_i',
};

/**
 * The same headers as plain text, each column's name for assistive technology: KaTeX's MathML is embedded content,
 * which some readers and checkers (axe) skip, and a header must have a name.
 */
export const SAMPLE_COLUMN_TEXT: Record<SampleColumn, string> = {
  x: 'x_i',
  xHat: 'x̂_i',
  y: 'y_i',
  dy: '∂ℓ/∂y_i',
  dXhat: '∂ℓ/∂x̂_i',
  dx: '∂ℓ/∂x_i',
};

/** One cell of the sample table; ∂ℓ/∂x̂_i = ∂ℓ/∂y_i · γ (§3) is derived here, the rest come from the row. */
export function sampleValue(row: SampleRow, column: SampleColumn, gamma: number): number {
  return column === 'dXhat' ? row.dy * gamma : row[column];
}

// ---------------------------------------------------------------------------------------------------------------
// The scatter of batch against running statistics, one point per unit.

export interface ScatterPoint {
  unit: number;
  /** The running estimate. */
  x: number;
  /** The probe step's mini-batch value. */
  y: number;
}

/** One point per unit with both values finite (a diverged arm's NaNs are left out). */
export function scatterPoints(running: ArrayLike<number>, batch: ArrayLike<number>): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  const n = Math.min(running.length, batch.length);
  for (let k = 0; k < n; k++) {
    const x = running[k]!;
    const y = batch[k]!;
    if (Number.isFinite(x) && Number.isFinite(y)) out.push({ unit: k, x, y });
  }
  return out;
}

/**
 * One domain for both axes (so the diagonal y = x means "batch equals running"), covering every point with 6 %
 * padding and rounded outward to nice ticks; a variance domain never goes below 0 when no value does.
 */
export function scatterDomain(points: readonly ScatterPoint[], nonNegative = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.x, p.y);
    hi = Math.max(hi, p.x, p.y);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.06;
    lo -= pad;
    hi += pad;
  }
  if (nonNegative && lo < 0 && points.every((p) => p.x >= 0 && p.y >= 0)) lo = 0;
  const [a, b] = scaleLinear().domain([lo, hi]).nice(4).domain() as [number, number];
  return [a, b];
}

export interface ScatterScales {
  x: ScaleLinear<number, number>;
  y: ScaleLinear<number, number>;
}

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export function scatterScales(domain: [number, number], width: number, height: number, m: Margins): ScatterScales {
  return {
    x: scaleLinear().domain(domain).range([m.left, Math.max(m.left + 1, width - m.right)]),
    y: scaleLinear().domain(domain).range([Math.max(m.top + 1, height - m.bottom), m.top]),
  };
}

/** The point nearest to (px, py) in pixels, within maxDistance; null if none. */
export function nearestPoint(points: readonly ScatterPoint[], s: ScatterScales, px: number, py: number, maxDistance: number): ScatterPoint | null {
  let best: ScatterPoint | null = null;
  let bestD = maxDistance * maxDistance;
  for (const p of points) {
    const dx = s.x(p.x) - px;
    const dy = s.y(p.y) - py;
    const dd = dx * dx + dy * dy;
    if (dd <= bestD) {
      bestD = dd;
      best = p;
    }
  }
  return best;
}

/** Both scatters of a layer's batch-norm statistics: means and variances, batch (y) against running (x). */
export function statScatters(bn: BatchNormStats): { mean: ScatterPoint[]; variance: ScatterPoint[] } {
  return { mean: scatterPoints(bn.runningMean, bn.batchMean), variance: scatterPoints(bn.runningVariance, bn.batchVariance) };
}

// ---------------------------------------------------------------------------------------------------------------
// Folded for inference: batch norm with its running statistics is y = s·x + shift per unit, which folds into the
// weights (src/engine/fold.ts, whose foldedAffine computes these numbers here too, so there is one implementation).

export interface FoldRow {
  unit: number;
  runningMean: number;
  runningVariance: number;
  /** s = γ/√(σ²_run + ε). */
  scale: number;
  /** β − μ_run·s: the folded bias b′ (batch norm before the nonlinearity) or the shift t (after it). */
  shift: number;
}

/** Every unit's s and shift, from the probe's γ, β and running statistics. */
export function foldRows(inspect: Pick<BatchNormInspection, 'gamma' | 'beta'>, bn: Pick<BatchNormStats, 'runningMean' | 'runningVariance'>, epsilon: number): FoldRow[] {
  // The layer's own bias is never part of it: under batch norm before the nonlinearity the engine has none (β takes
  // its role); after it, batch norm's input is the nonlinearity's output, which has no bias to fold.
  const { scale, shift } = foldedAffine(inspect.gamma, inspect.beta, bn.runningMean, bn.runningVariance, epsilon);
  return Array.from(scale, (s, k) => ({ unit: k, runningMean: bn.runningMean[k]!, runningVariance: bn.runningVariance[k]!, scale: s, shift: shift[k]! }));
}

/** What the Folded pass needs to know of the network: its layers' kinds and the arm's placement. */
export interface FoldSetting {
  layers: readonly { kind: 'dense' | 'conv' }[];
  /** The hidden layer shown (0-based). */
  layer: number;
  placement: Placement;
  units: number;
}

/**
 * How the fold of one batch-norm layer reads: the sentence of the Folded pass (after its lead, "Folded for
 * inference."), and what the shift is called.
 */
export interface FoldStory {
  /** Whether this layer's batch norm folds exactly (the engine's foldTarget). */
  folds: boolean;
  /** b′ (into the layer itself) or t (a shift that enters the next layer's bias through its weights). */
  shiftName: "b'" | 't';
  shiftText: 'b′' | 't';
  sentence: string;
}

export function foldStory({ layers, layer, placement, units }: FoldSetting): FoldStory {
  const spec = { norm: 'batch' as const, placement };
  const target = foldTarget({ hidden: layers }, spec, layer);
  const kind = layers[layer]?.kind ?? 'dense';
  const unit = kind === 'conv' ? 'channel' : 'unit';
  const what = `${units === 1 ? 'the' : `all ${units}`} ${unit}${units === 1 ? '' : 's'} of layer ${layer + 1}`;
  const shiftText = placement === 'before' ? 'b′' : 't';
  const lead = `With its running statistics fixed, batch norm is y = s·x + ${shiftText} per ${unit}`;
  const refused = layers.map((_, j) => j).filter((j) => foldTarget({ hidden: layers }, spec, j).kind === 'refused');
  const list = refused.length > 1 ? `s ${refused.slice(0, -1).map((j) => j + 1).join(', ')} and ${refused.at(-1)! + 1}` : ` ${refused[0]! + 1}`;
  const wholeNetwork =
    refused.length === 0
      ? ' The folded network gives the same logits, to float32 rounding, with no normalization step: batch norm is free at inference.'
      : ` Layer${list} of this arm ${refused.length > 1 ? 'do' : 'does'} not fold, so its inference network keeps ${refused.length > 1 ? 'their' : 'its'} normalization.`;
  if (target.kind !== 'fold') {
    const reason = target.kind === 'refused' ? target.reason : 'there is no batch norm here';
    return { folds: false, shiftName: 't', shiftText: 't', sentence: `${lead}, but it does not fold here: ${reason}.` };
  }
  if (placement === 'before') {
    const into = kind === 'conv' ? 'its filters (channel k’s times s) and bias (b′)' : 'its weights (column k times s) and bias (b′)';
    return { folds: true, shiftName: "b'", shiftText: 'b′', sentence: `${lead}: ${what} fold into ${into}.${wholeNetwork}` };
  }
  const next = target.into === layers.length ? 'the classifier' : `layer ${target.into + 1}`;
  const rows = kind === 'conv' ? 'the weights channel k feeds' : 'row k of its weights';
  return {
    folds: true,
    shiftName: 't',
    shiftText: 't',
    sentence: `${lead}. It follows the nonlinearity, so ${what} fold into ${next}: ${rows} times s, and t through them into its bias.${wholeNetwork}`,
  };
}

/** The Folded pass's equations for one unit: its scale, its shift, and where they go. */
export function foldTex(row: FoldRow, story: FoldStory, kind: 'dense' | 'conv', placement: Placement): TexLine[] {
  const run = '\\text{run}';
  const lines: TexLine[] = [
    {
      formula: `s = \\gamma/\\sqrt{\\sigma^2_{${run}}+\\epsilon}`,
      value: `= ${texNumber(row.scale)}`,
      gloss: 'The scale: γ over the running standard deviation, the whole normalization as one factor.',
    },
    {
      formula: `${story.shiftName} = \\beta-\\mu_{${run}}\\,s`,
      value: `= ${texNumber(row.shift)}`,
      gloss:
        placement === 'before'
          ? 'The folded bias: β less the running mean, scaled (the layer has no bias of its own under batch norm: β does its job).'
          : `The shift that goes with s: batch norm turns each value x of this ${kind === 'conv' ? 'channel' : 'unit'} into s·x + t.`,
    },
  ];
  if (!story.folds) return lines;
  if (placement === 'before') {
    lines.push({
      formula: kind === 'conv' ? `W'_{\\dots k} = s\\,W_{\\dots k}` : `W'_{\\cdot k} = s\\,W_{\\cdot k}`,
      value: `k = ${row.unit + 1}`,
      gloss: kind === 'conv' ? 'Channel k’s 3×3 filter times s: the convolution now outputs s·x + b′ itself.' : 'Unit k’s weights times s: the layer now outputs s·x + b′ itself.',
    });
  } else {
    lines.push({
      formula: `W'_{k\\cdot} = s_k W_{k\\cdot},\\ \\ b' = b + \\textstyle\\sum_k t_k W_{k\\cdot}`,
      value: `k = ${row.unit + 1}`,
      gloss:
        kind === 'conv'
          ? 'In the layer that reads this one: the weights that channel k feeds, at every position, times s, and t through them into its bias.'
          : 'In the layer that reads this one: the weights from unit k times s, and t through those weights into its bias.',
    });
  }
  return lines;
}
