import { area, scaleLinear } from 'd3';
import type { ArmHistory } from '../../engine/history';
import { formatSignificant } from '../common/format';
import { nearestIndex, stepDomain as stepDomainOf } from '../common/steps';
import type { Scale } from '../ics/icsMath';

/**
 * The math of the loss-landscape view (Santurkar et al. 2018, §3.1, Figure 4): per arm over the probe steps, the range
 * of the loss along the gradient over the step sizes (loss variation), the range of ‖∇L(w) − ∇L(w − ηg)‖₂ (gradient
 * predictiveness: the smaller, the better the gradient here predicts the gradient there) and the effective
 * β-smoothness, max ‖Δ∇L‖/‖Δw‖. Pure functions: no React, no DOM.
 */

export interface LandscapeArmSeries {
  /** The arm's index (its colour and dash). */
  arm: number;
  name: string;
  norm: string;
  steps: readonly number[];
  lossMin: readonly number[];
  lossMax: readonly number[];
  gradientChangeMin: readonly number[];
  gradientChangeMax: readonly number[];
  betaSmoothness: readonly number[];
  /** η_k per probe (the arm's learning rate times each multiplier). */
  stepSizes: readonly (readonly number[])[];
}

/** The series the view draws, one per arm that measured the landscape. */
export function landscapeSeries(history: readonly ArmHistory[]): LandscapeArmSeries[] {
  const out: LandscapeArmSeries[] = [];
  history.forEach((arm, i) => {
    const l = arm.landscape;
    if (!l) return;
    out.push({
      arm: i,
      name: arm.name,
      norm: arm.norm,
      steps: arm.steps,
      lossMin: l.lossMin,
      lossMax: l.lossMax,
      gradientChangeMin: l.gradientChangeMin,
      gradientChangeMax: l.gradientChangeMax,
      betaSmoothness: l.betaSmoothness,
      stepSizes: l.stepSizes,
    });
  });
  return out;
}

/** Whether any arm has a measured probe to draw. */
export function hasData(series: readonly LandscapeArmSeries[]): boolean {
  return series.some((s) => s.lossMin.some(Number.isFinite));
}

export type ChartKind = 'loss' | 'gradient' | 'beta';

/** The lower and upper edge a chart draws for an arm (β is a line: both edges are the same series). */
export function edges(s: LandscapeArmSeries, kind: ChartKind): [readonly number[], readonly number[]] {
  if (kind === 'loss') return [s.lossMin, s.lossMax];
  if (kind === 'gradient') return [s.gradientChangeMin, s.gradientChangeMax];
  return [s.betaSmoothness, s.betaSmoothness];
}

const positive = (v: number) => Number.isFinite(v) && v > 0;

/**
 * A chart's y axis over every arm's band. Loss: the extent, padded and made nice (it need not start at 0: the
 * bands' widths are what matter). ‖Δ∇L‖ and β, linear: 0 to the largest value, made nice; log: the positive
 * values' decades, at least one.
 */
export function yDomain(series: readonly LandscapeArmSeries[], kind: ChartKind, log = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const a of edges(s, kind)) {
      for (const v of a) {
        if (!(log ? positive(v) : Number.isFinite(v))) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!Number.isFinite(lo)) return log ? [1e-3, 1] : [0, 1];
  if (log) {
    const a = 10 ** Math.floor(Math.log10(lo));
    let b = 10 ** Math.ceil(Math.log10(hi));
    if (b <= a) b = a * 10;
    return [a, b];
  }
  if (kind !== 'loss') {
    if (hi <= 0) return [0, 1];
    return scaleLinear().domain([0, hi]).nice(5).domain() as [number, number];
  }
  if (hi - lo < 1e-9) {
    const pad = Math.max(Math.abs(lo) * 0.1, 0.05);
    return [Math.max(0, lo - pad), hi + pad];
  }
  const pad = (hi - lo) * 0.04;
  const [a, b] = scaleLinear()
    .domain([lo - pad, hi + pad])
    .nice(5)
    .domain() as [number, number];
  // A cross-entropy is never negative: the axis need not go below 0.
  return [Math.max(0, a), b];
}

/** The band between an arm's lower and upper edge, skipping probes that did not measure it (and, on a log axis, non-positive ones). */
export function rangePath(steps: readonly number[], lo: readonly number[], hi: readonly number[], x: Scale, y: Scale, log = false): string {
  const ok = log ? positive : Number.isFinite;
  const idx = steps.map((_, i) => i);
  return (
    area<number>()
      .defined((i) => Number.isFinite(steps[i]!) && ok(lo[i]!) && ok(hi[i]!))
      .x((i) => x(steps[i]!))
      .y0((i) => y(lo[i]!))
      .y1((i) => y(hi[i]!))(idx) ?? ''
  );
}

/** Values in the view, its tooltip and its caption: three significant digits, a true minus ("0.158", "2.30"). */
export function formatValue(v: number | undefined): string {
  return formatSignificant(v, { digits: 3, minus: true });
}

/** A range as the view writes it: "0.158–0.353". */
export function formatRange(lo: number | undefined, hi: number | undefined): string {
  return `${formatValue(lo)}–${formatValue(hi)}`;
}

/** One arm's numbers at one probe. */
export interface LandscapeAt {
  step: number;
  lossMin: number;
  lossMax: number;
  gradientChangeMin: number;
  gradientChangeMax: number;
  betaSmoothness: number;
}

/** An arm's numbers at probe index `i`, or null where it did not measure the landscape there. */
export function valuesAt(s: LandscapeArmSeries, i: number): LandscapeAt | null {
  if (i < 0 || i >= s.steps.length || !Number.isFinite(s.lossMin[i]!)) return null;
  return {
    step: s.steps[i]!,
    lossMin: s.lossMin[i]!,
    lossMax: s.lossMax[i]!,
    gradientChangeMin: s.gradientChangeMin[i]!,
    gradientChangeMax: s.gradientChangeMax[i]!,
    betaSmoothness: s.betaSmoothness[i]!,
  };
}

/** The step axis shared by the three charts: 0 to the last probe, never empty. */
export const stepDomain = (series: readonly LandscapeArmSeries[]): [number, number] => stepDomainOf(series.map((s) => s.steps));
export { nearestIndex };
