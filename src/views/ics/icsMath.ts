import { area, line, scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { nearestIndex, stepDomain as stepDomainOf } from '../common/steps';
import type { ArmHistory } from '../../engine/history';
import { formatSignificant } from '../common/format';

/**
 * The math of the internal-covariate-shift view (Santurkar et al. 2018, §2.2 / Figure 4): for one layer, per
 * arm over the probe steps, ‖G − G′‖₂ and cos(G, G′), where G is the layer's weight gradient and G′ the same
 * gradient after the earlier layers have taken their step; and the drift of the layer's input (mean ± std).
 * Pure functions: no React, no DOM.
 */

export interface IcsArmSeries {
  /** The arm's index (its colour and dash). */
  arm: number;
  name: string;
  steps: readonly number[];
  l2: readonly number[];
  cos: readonly number[];
  inputMean: readonly number[];
  /** √(input variance); NaN where the variance is not finite. */
  inputStd: number[];
}

/** The series the view draws for `layer`, one entry per arm (arms whose history lacks the layer are left out). */
export function icsSeries(history: readonly ArmHistory[], layer: number): IcsArmSeries[] {
  const out: IcsArmSeries[] = [];
  history.forEach((arm, i) => {
    const l = arm.layers[layer];
    if (!l) return;
    out.push({
      arm: i,
      name: arm.name,
      steps: arm.steps,
      l2: l.ics.l2,
      cos: l.ics.cos,
      inputMean: l.inputMean,
      inputStd: l.inputVariance.map((v) => (Number.isFinite(v) ? Math.sqrt(Math.max(0, v)) : NaN)),
    });
  });
  return out;
}

export function hasData(series: readonly IcsArmSeries[]): boolean {
  return series.some((s) => s.steps.length > 0);
}

function finiteExtent(arrays: readonly (readonly number[])[], keep: (v: number) => boolean = Number.isFinite): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (!keep(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : null;
}

const positive = (v: number) => Number.isFinite(v) && v > 0;

/**
 * The ‖G − G′‖₂ axis. Linear: from 0 to the largest finite value. Log: over the positive finite values
 * (zeros, as at the first layer, have no place on it), spanning at least one decade.
 */
export function l2Domain(series: readonly IcsArmSeries[], log: boolean): [number, number] {
  if (log) {
    const e = finiteExtent(
      series.map((s) => s.l2),
      positive,
    );
    if (!e) return [1e-3, 1];
    const lo = 10 ** Math.floor(Math.log10(e[0]));
    let hi = 10 ** Math.ceil(Math.log10(e[1]));
    if (hi <= lo) hi = lo * 10;
    return [lo, hi];
  }
  const e = finiteExtent(series.map((s) => s.l2));
  const hi = e ? Math.max(e[1], 0) : 0;
  if (hi <= 0) return [0, 1];
  const [, niceHi] = scaleLinear().domain([0, hi]).nice(5).domain() as [number, number];
  return [0, niceHi];
}

/** The cosine axis: up to 1, down to min(data, 0.5) rounded down to a tenth, never below −1. */
export function cosDomain(series: readonly IcsArmSeries[]): [number, number] {
  const e = finiteExtent(series.map((s) => s.cos));
  const lo = Math.min(e ? e[0] : 0.5, 0.5);
  return [Math.max(-1, Math.floor(lo * 10 + 1e-9) / 10), 1];
}

/** The input axis: the extent of mean ± std over all arms, padded a little, made nice. */
export function inputDomain(series: readonly IcsArmSeries[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    s.inputMean.forEach((m, t) => {
      const sd = s.inputStd[t]!;
      if (!Number.isFinite(m)) return;
      const d = Number.isFinite(sd) ? sd : 0;
      lo = Math.min(lo, m - d);
      hi = Math.max(hi, m + d);
    });
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  if (hi - lo < 1e-9) {
    const pad = Math.max(Math.abs(lo) * 0.1, 0.5);
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * 0.05;
  return scaleLinear()
    .domain([lo - pad, hi + pad])
    .nice(5)
    .domain() as [number, number];
}

export type Scale = ScaleContinuousNumeric<number, number>;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  return scaleLinear().domain(domain).range(range);
}

export function logScale(domain: [number, number], range: [number, number]): Scale {
  return scaleLog().domain(domain).range(range).clamp(true);
}

/** The SVG path of one series ('' when nothing is drawable); NaN points (a diverged arm) and, on a log axis, non-positive ones are skipped. */
export function linePath(steps: readonly number[], values: readonly number[], x: Scale, y: Scale, log = false): string {
  const ok = log ? positive : Number.isFinite;
  const idx = steps.map((_, i) => i);
  return line<number>()
    .defined((i) => Number.isFinite(steps[i]!) && ok(values[i]!))
    .x((i) => x(steps[i]!))
    .y((i) => y(values[i]!))(idx) ?? '';
}

/** The band mean ± std of the layer's input, skipping NaN points. */
export function bandPath(steps: readonly number[], mean: readonly number[], std: readonly number[], x: Scale, y: Scale): string {
  const idx = steps.map((_, i) => i);
  return area<number>()
    .defined((i) => Number.isFinite(mean[i]!) && Number.isFinite(std[i]!))
    .x((i) => x(steps[i]!))
    .y0((i) => y(mean[i]! - std[i]!))
    .y1((i) => y(mean[i]! + std[i]!))(idx) ?? '';
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** 10^k written as "10⁻³": readable from the back of a classroom. */
export function powerOfTen(k: number): string {
  if (k === 0) return '1';
  if (k === 1) return '10';
  return '10' + String(k).replace(/[-0-9]/g, (c) => SUPERSCRIPT[c]!);
}

export interface Tick {
  value: number;
  label: string;
}

/** Axis ticks: on a log axis the powers of ten (thinned to at most `count` + 1), else d3's nice ticks. */
export function axisTicks(scale: Scale, count: number, log = false): Tick[] {
  if (log) {
    const [a, b] = scale.domain() as [number, number];
    const k0 = Math.ceil(Math.log10(Math.min(a, b)) - 1e-9);
    const k1 = Math.floor(Math.log10(Math.max(a, b)) + 1e-9);
    const every = Math.max(1, Math.ceil((k1 - k0 + 1) / (count + 1)));
    const out: Tick[] = [];
    for (let k = k0; k <= k1; k++) if ((k - k0) % every === 0) out.push({ value: 10 ** k, label: powerOfTen(k) });
    return out;
  }
  const fmt = scale.tickFormat(count);
  return scale.ticks(count).map((value) => ({ value, label: fmt(value).replace('-', '−') }));
}

/** A value for the read-out: four significant digits, a true minus, exponent form for the very small and very large. */
export function formatValue(v: number | undefined): string {
  return formatSignificant(v, { digits: 4, minus: true });
}

/** Left margin that fits the widest tick label (≈ 7 px per character at 12 px) plus the rotated axis title. */
export function leftMargin(ticks: readonly Tick[]): number {
  const chars = ticks.reduce((m, t) => Math.max(m, t.label.length), 1);
  return 22 + 8 + Math.ceil(chars * 7);
}

/** The line above the charts: what G and G′ are for this layer (0-based), or why the first layer has no shift. */
export function layerNote(layer: number): string {
  if (layer <= 0) return 'The first layer has no earlier layers: G′ = G.';
  const earlier = layer === 1 ? 'layer 1 has taken its step' : `layers 1–${layer} have taken their step`;
  return `Layer ${layer + 1}: G is its weight gradient, G′ the same gradient after ${earlier}.`;
}

/** The step axis shared by the three charts: 0 to the last probe, never empty. */
export const stepDomain = (series: readonly IcsArmSeries[]): [number, number] => stepDomainOf(series.map((s) => s.steps));
export { nearestIndex };
