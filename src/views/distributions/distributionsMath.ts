import { area, line, range as indices, scaleLinear } from 'd3';
import { nearestIndex, stepDomain as stepDomainOf } from '../common/steps';
import { PERCENTILE_KEYS, modeHistory, type ArmHistory } from '../../engine/history';
import type { BnMode, DistributionSummary } from '../../engine/probes/types';

/**
 * The math of the activation-distributions view (Ioffe & Szegedy 2015, Figure 1b–c): percentile bands over
 * training steps, a shared value axis, the activation's saturating region and the current histogram.
 * Pure functions of plain data; no React, no DOM.
 */

/** The five percentiles of a layer (or of one unit) at every probe, index-aligned with `steps`. */
export interface PercentileBand {
  steps: readonly number[];
  p5: readonly number[];
  p15: readonly number[];
  p50: readonly number[];
  p85: readonly number[];
  p95: readonly number[];
}

/** The percentiles a band is drawn from: the history's own keys. */
export const BAND_KEYS = PERCENTILE_KEYS;
export type BandKey = (typeof BAND_KEYS)[number];

type Scale = (v: number) => number;

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/**
 * The whole layer pooled, batch norm in `mode`: straight from the arm's history (the same arrays, not copies). An arm
 * without batch norm has one history for both modes.
 */
export function pooledBand(arm: ArmHistory | undefined, layer: number, mode: BnMode = 'train'): PercentileBand | null {
  const l = arm?.layers[layer];
  if (!arm || !l) return null;
  return { steps: arm.steps, ...modeHistory(l, mode).percentiles };
}

/**
 * The unit the view shows when none is picked: unit 1. Ioffe & Szegedy plot "a typical sigmoid"; every unit of a
 * layer starts from independent draws of the same Gaussian, so before training no unit is special and a fixed index
 * is as typical as any. Choosing the "most typical" one after looking at the data would be choosing what to show.
 */
export const DEFAULT_UNIT = 0;

/** The unit to draw: the picked one while the layer has it, else DEFAULT_UNIT; null for the whole layer. */
export function shownUnit(scope: 'unit' | 'layer', picked: number | null, units: number): number | null {
  if (scope === 'layer') return null;
  return picked !== null && Number.isInteger(picked) && picked >= 0 && picked < units ? picked : DEFAULT_UNIT;
}

/**
 * One unit k: from the per-probe [units × 5] rows of unitHistory (percentiles of unit k at k·5 … k·5+4).
 * Rows and steps are index-aligned; if one runs ahead of the other for a moment, the shorter length wins.
 */
export function unitBand(steps: readonly number[], rows: readonly Float32Array[] | undefined, unit: number): PercentileBand | null {
  if (!rows || unit < 0) return null;
  const n = Math.min(steps.length, rows.length);
  const out = { steps: steps.slice(0, n), p5: [] as number[], p15: [] as number[], p50: [] as number[], p85: [] as number[], p95: [] as number[] };
  for (let t = 0; t < n; t++) {
    const row = rows[t]!;
    BAND_KEYS.forEach((k, q) => out[k].push(row[unit * 5 + q] ?? NaN));
  }
  return out;
}

/** Where the nonlinearity stops passing gradient: a value interval with a label. */
export interface Region {
  from: number;
  to: number;
  label: string;
}

/**
 * The saturating region of each activation, where the derivative is under about 7% of its peak. Sigmoid:
 * |x| > 4, where σ′(x) = σ(1 − σ) < 0.018 (peak 0.25). Tanh: |x| > 2, where 1 − tanh² < 0.071 (peak 1). ReLU
 * does not saturate above, but passes no gradient at all for x < 0.
 */
export function saturationRegions(activation: string): Region[] {
  switch (activation) {
    case 'sigmoid':
      return [
        { from: -Infinity, to: -4, label: 'saturating' },
        { from: 4, to: Infinity, label: 'saturating' },
      ];
    case 'tanh':
      return [
        { from: -Infinity, to: -2, label: 'saturating' },
        { from: 2, to: Infinity, label: 'saturating' },
      ];
    case 'relu':
      return [{ from: -Infinity, to: 0, label: 'zero gradient' }];
    default:
      return [];
  }
}

/** Values the y-axis should always show for context: zero, and a little beyond each saturation threshold. */
export function contextValues(activation: string): number[] {
  const out = [0];
  for (const r of saturationRegions(activation)) {
    if (Number.isFinite(r.to) && r.to !== 0) out.push(r.to - 1);
    if (Number.isFinite(r.from) && r.from !== 0) out.push(r.from + 1);
  }
  return out;
}

/** The regions cut to the visible domain; those entirely outside it are dropped. */
export function visibleRegions(regions: readonly Region[], domain: readonly [number, number]): Region[] {
  const [lo, hi] = domain;
  return regions
    .map((r) => ({ from: Math.max(r.from, lo), to: Math.min(r.to, hi), label: r.label }))
    .filter((r) => r.to > r.from);
}

/**
 * The shared value axis of all arms: from the smallest 5th to the largest 95th percentile seen, with the
 * context values (zero, the saturation thresholds) included, padded, rounded to nice numbers and clamped to
 * the probe's histogram range ±range (values beyond it fall into the histogram's under/overflow anyway).
 */
export function bandDomain(bands: readonly (PercentileBand | null)[], range: number, include: readonly number[] = [0], pad = 0.06): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const b of bands) {
    if (!b) continue;
    for (const k of BAND_KEYS) {
      for (const v of b[k]) {
        if (!finite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  // No data yet: the whole histogram range.
  if (!(lo <= hi)) return [-range, range];
  for (const v of include) {
    if (!finite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const minSpan = Math.min(0.5, 2 * range);
  if (hi - lo < minSpan) {
    const mid = (lo + hi) / 2;
    lo = mid - minSpan / 2;
    hi = mid + minSpan / 2;
  }
  const span = hi - lo;
  const clamp = (v: number) => Math.max(-range, Math.min(range, v));
  const padded = [clamp(lo - pad * span), clamp(hi + pad * span)] as [number, number];
  if (padded[1] - padded[0] < 1e-9) return [-range, range];
  const nice = scaleLinear().domain(padded).nice(6).domain() as [number, number];
  return [clamp(nice[0]), clamp(nice[1])];
}

/** Half-width in pixels of a band that has only one probe (a lone point has no area to draw). */
const LONE_HALF_WIDTH = 3;

/**
 * The SVG path of the band between two percentiles over the steps; gaps where either edge is not finite (a
 * diverged arm). A single probe becomes a narrow bar so that the first snapshot is visible.
 */
export function bandPath(steps: readonly number[], low: readonly number[], high: readonly number[], x: Scale, y: Scale): string {
  const n = Math.min(steps.length, low.length, high.length);
  const ok = (i: number) => finite(steps[i]) && finite(low[i]) && finite(high[i]);
  if (n === 1) {
    if (!ok(0)) return '';
    const cx = x(steps[0]!);
    const [a, b] = [y(low[0]!), y(high[0]!)];
    return `M${round(cx - LONE_HALF_WIDTH)},${round(a)}H${round(cx + LONE_HALF_WIDTH)}V${round(b)}H${round(cx - LONE_HALF_WIDTH)}Z`;
  }
  const gen = area<number>()
    .defined(ok)
    .x((i) => x(steps[i]!))
    .y0((i) => y(low[i]!))
    .y1((i) => y(high[i]!))
    .digits(2);
  return gen(indices(n)) ?? '';
}

/** The SVG path of one percentile (the median) over the steps, skipping non-finite values. */
export function percentilePath(steps: readonly number[], values: readonly number[], x: Scale, y: Scale): string {
  const n = Math.min(steps.length, values.length);
  const ok = (i: number) => finite(steps[i]) && finite(values[i]);
  if (n === 1) {
    if (!ok(0)) return '';
    const cx = x(steps[0]!);
    return `M${round(cx - LONE_HALF_WIDTH)},${round(y(values[0]!))}H${round(cx + LONE_HALF_WIDTH)}`;
  }
  const gen = line<number>()
    .defined(ok)
    .x((i) => x(steps[i]!))
    .y((i) => y(values[i]!))
    .digits(2);
  return gen(indices(n)) ?? '';
}

/** The five percentiles at probe index t (NaN where missing). */
export function percentilesAt(band: PercentileBand | null, t: number): number[] {
  return BAND_KEYS.map((k) => band?.[k][t] ?? NaN);
}

/** One histogram: counts over the fixed bins of [−range, range), and what fell outside. */
export interface HistogramRow {
  counts: number[];
  underflow: number;
  overflow: number;
}

export function pooledHistogramRow(summary: DistributionSummary | undefined): HistogramRow | null {
  if (!summary || summary.histogram.length === 0) return null;
  return { counts: Array.from(summary.histogram), underflow: summary.underflow, overflow: summary.overflow };
}

/** Row k of a [units × (bins + 2)] histogram, whose first column is underflow and last is overflow. */
export function unitHistogramRow(histogram: Float32Array | undefined, units: number, unit: number): HistogramRow | null {
  if (!histogram || units <= 0 || unit < 0 || unit >= units) return null;
  const width = histogram.length / units;
  if (!Number.isInteger(width) || width < 3) return null;
  const row = histogram.subarray(unit * width, (unit + 1) * width);
  return { counts: Array.from(row.subarray(1, width - 1)), underflow: row[0]!, overflow: row[width - 1]! };
}

/** A histogram as shares of all its values (under/overflow included), so that a unit and a layer compare. */
export interface HistogramShares extends HistogramRow {
  total: number;
  shares: number[];
  underflowShare: number;
  overflowShare: number;
}

/** Non-finite counts (a diverged arm) count as zero; an all-empty histogram gives null. */
export function histogramShares(row: HistogramRow | null): HistogramShares | null {
  if (!row) return null;
  const clean = (v: number) => (finite(v) && v > 0 ? v : 0);
  const counts = row.counts.map(clean);
  const underflow = clean(row.underflow);
  const overflow = clean(row.overflow);
  const total = counts.reduce((a, b) => a + b, 0) + underflow + overflow;
  if (total <= 0) return null;
  return { counts, underflow, overflow, total, shares: counts.map((c) => c / total), underflowShare: underflow / total, overflowShare: overflow / total };
}

/** The largest share over all arms' bins (the histogram's x-axis), at least a small positive number. */
export function maxShare(hists: readonly (HistogramShares | null)[]): number {
  let m = 0;
  for (const h of hists) if (h) for (const s of h.shares) if (s > m) m = s;
  return m > 0 ? m : 0.01;
}

/**
 * The outline of a histogram drawn sideways: bins along y (value), share along x, as a closed step area from
 * the baseline x(0): up each bin's lower edge, across at its height, to the next edge.
 */
export function histogramOutline(values: readonly number[], range: number, x: Scale, y: Scale): string {
  const bins = values.length;
  if (bins === 0) return '';
  const w = (2 * range) / bins;
  const x0 = round(x(0));
  let d = `M${x0},${round(y(-range))}`;
  for (let i = 0; i < bins; i++) {
    const v = values[i]!;
    const xi = round(x(finite(v) ? v : 0));
    d += `L${xi},${round(y(-range + i * w))}L${xi},${round(y(-range + (i + 1) * w))}`;
  }
  return `${d}L${x0},${round(y(range))}Z`;
}

/** The bin holding a value: −1 for underflow (< −range), `bins` for overflow (≥ range). */
export function binIndex(value: number, bins: number, range: number): number {
  if (!(value >= -range)) return -1;
  if (value >= range) return bins;
  return Math.min(bins - 1, Math.floor(((value + range) / (2 * range)) * bins));
}

/** The [lower, upper) edges of bin i. */
export function binEdges(i: number, bins: number, range: number): [number, number] {
  const w = (2 * range) / bins;
  return [-range + i * w, -range + (i + 1) * w];
}

/** Where the pieces of the view go, in pixels. */
export interface DistributionsLayout {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  innerHeight: number;
  /** Left edge and width of each arm's band panel. */
  panelX: number[];
  panelWidth: number;
  /** Left edge and width of the current-histogram panel. */
  histX: number;
  histWidth: number;
}

/** A phone's view is narrower than this: gaps and the histogram's floor shrink so the arm panels keep their room. */
export const COMPACT_BELOW = 420;

/**
 * Arm panels side by side after the shared y-axis, then the histogram panel: the histogram takes about a
 * sixth of the width (80–170 px; from 68 px in a phone's view); panels share the rest with small gaps.
 */
export function distributionsLayout(width: number, height: number, arms: number): DistributionsLayout {
  const margin = { top: 24, right: 10, bottom: 40, left: 54 };
  const n = Math.max(1, arms);
  const compact = width < COMPACT_BELOW;
  const gap = compact ? 6 : 12;
  const histGap = compact ? 14 : 22;
  const usable = Math.max(0, width - margin.left - margin.right);
  const histWidth = Math.round(Math.max(compact ? 68 : 80, Math.min(170, usable * 0.17)));
  const panelsWidth = Math.max(0, usable - histWidth - histGap);
  const panelWidth = Math.max(0, (panelsWidth - gap * (n - 1)) / n);
  const panelX = Array.from({ length: n }, (_, i) => margin.left + i * (panelWidth + gap));
  return {
    width,
    height,
    margin,
    innerHeight: Math.max(0, height - margin.top - margin.bottom),
    panelX,
    panelWidth,
    histX: margin.left + panelsWidth + histGap,
    histWidth,
  };
}

/** Ticks for an axis of `pixels` length at about one per `spacing` pixels (at least 2). */
export function tickCount(pixels: number, spacing: number): number {
  return Math.max(2, Math.floor(pixels / spacing));
}

/** At most `max` of `ticks`, evenly spaced, always keeping the first. */
export function thinTicks<T>(ticks: readonly T[], max: number): T[] {
  const every = Math.ceil(ticks.length / Math.max(1, max));
  return ticks.filter((_, i) => i % every === 0);
}

/**
 * A label cut to fit `pixels` at about `charPx` per character, with an ellipsis when cut (SVG text does not
 * wrap or clip by itself).
 */
export function fitLabel(text: string, pixels: number, charPx = 7.5): string {
  const max = Math.floor(pixels / charPx);
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  return `${text.slice(0, max - 1).trimEnd()}…`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** The x-axis of one arm's panels: from 0 to its last probe. */
export const stepDomain = (steps: readonly number[]): [number, number] => stepDomainOf([steps]);
export { nearestIndex };
