import { bisector, format, line, range as indices, scaleLinear, scaleLog } from 'd3';
import { nearestIndex, stepDomain as stepDomainOf } from '../common/steps';
import type { ConvergenceAxis } from '../../config/link';
import type { ArmHistory } from '../../engine/history';
import { formatFraction } from '../common/format';

/**
 * The math of the convergence view: training loss, test loss and test accuracy over steps, with TensorBoard's
 * debiased exponential smoothing and a log-scale loss axis. Pure functions of plain data; no React, no DOM.
 */

type Scale = (v: number) => number;

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

/** The largest smoothing weight the control offers. */
export const MAX_SMOOTHING = 0.95;

/**
 * Exponential moving average with TensorBoard's debiasing: s_t = w·s_{t−1} + (1 − w)·v_t from s_0 = 0, divided
 * by 1 − w^n (n the finite values so far) so the start is not dragged towards zero. Non-finite values (a
 * diverged arm) pass through as they are and do not enter the average. w = 0 returns the values unchanged.
 */
export function emaSmooth(values: readonly number[], weight: number): number[] {
  const w = Math.max(0, Math.min(0.999, Number.isFinite(weight) ? weight : 0));
  if (w === 0) return values.slice();
  const out: number[] = [];
  let last = 0;
  let n = 0;
  for (const v of values) {
    if (!finite(v)) {
      out.push(v);
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out.push(last / (1 - w ** n));
  }
  return out;
}

/** The series of one arm that the view draws: raw, and smoothed when smoothing > 0. */
export interface ConvergenceSeries {
  name: string;
  steps: readonly number[];
  /** This arm's training seconds at each probe (this machine's; probes excluded): the x of the seconds axis. */
  seconds: readonly number[];
  /** This arm's time per step at each probe, in ms. */
  msPerStep: readonly number[];
  trainLoss: readonly number[];
  testLoss: readonly number[];
  testAccuracy: readonly number[];
  smooth: { trainLoss: number[]; testLoss: number[]; testAccuracy: number[] } | null;
  divergedAt: number | null;
}

export function convergenceSeries(history: readonly ArmHistory[], smoothing: number): ConvergenceSeries[] {
  return history.map((h) => ({
    name: h.name,
    steps: h.steps,
    seconds: h.timing.trainingSeconds,
    msPerStep: h.timing.msPerStep,
    trainLoss: h.trainLoss,
    testLoss: h.testLoss,
    testAccuracy: h.testAccuracy,
    smooth:
      smoothing > 0
        ? { trainLoss: emaSmooth(h.trainLoss, smoothing), testLoss: emaSmooth(h.testLoss, smoothing), testAccuracy: emaSmooth(h.testAccuracy, smoothing) }
        : null,
    divergedAt: h.divergedAt,
  }));
}

/** Values a loss axis can show: finite, and positive on a log axis. */
export function lossDefined(log: boolean): (v: number) => boolean {
  return log ? (v) => Number.isFinite(v) && v > 0 : (v) => Number.isFinite(v);
}

/**
 * The loss axis's domain over all arms' train and test loss. Values of an arm from its divergence on are
 * left out (they are astronomically large and would flatten everyone else's curve; they are drawn, clipped).
 * Linear: [0, max], nice. Log: [min, max] over the positive values only (non-positive ones cannot be shown),
 * padded by a small factor at both ends.
 */
export function lossDomain(series: readonly ConvergenceSeries[], log: boolean): [number, number] {
  const ok = lossDefined(log);
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    const cut = s.divergedAt;
    const lists = [s.trainLoss, s.testLoss, ...(s.smooth ? [s.smooth.trainLoss, s.smooth.testLoss] : [])];
    for (const values of lists) {
      for (let t = 0; t < values.length; t++) {
        const v = values[t]!;
        if (!ok(v)) continue;
        if (cut !== null && (s.steps[t] ?? -Infinity) >= cut) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (log) {
    if (!(lo <= hi)) return [0.01, 10];
    // Padded by a constant factor, i.e. the same distance at both ends of a log axis.
    const f = hi / lo < 1.5 ? 1.5 : 1.15;
    return [lo / f, hi * f];
  }
  if (!(lo <= hi)) return [0, 1];
  const top = hi > 0 ? hi : 1;
  return scaleLinear()
    .domain([Math.min(0, lo), top])
    .nice(5)
    .domain() as [number, number];
}

/**
 * The x of each probe on the chosen axis: its step, or its arm's training seconds. On the seconds axis every arm has
 * its own clock: a step of batch norm costs more than a step of the plain net, so the same step lands further right.
 */
export function xValues(s: { steps: readonly number[]; seconds: readonly number[] }, axis: ConvergenceAxis): readonly number[] {
  return axis === 'seconds' ? s.seconds : s.steps;
}

/** The x axis's domain: steps as stepDomain; seconds from 0 to the longest training time of any arm (at least 1 s at the start). */
export function xDomain(series: readonly { steps: readonly number[]; seconds: readonly number[] }[], axis: ConvergenceAxis): [number, number] {
  if (axis === 'steps') return stepDomain(series);
  let last = 0;
  for (const s of series) {
    const v = s.seconds[s.seconds.length - 1];
    if (finite(v) && v > last) last = v;
  }
  return [0, last > 0 ? last : 1];
}

/**
 * An arm's training seconds at `step`, interpolated between the probes around it; NaN outside them. Exact for the
 * engine's estimate, which prices every step of a probe interval alike (its median): time grows linearly between probes.
 */
export function secondsAtStep(steps: readonly number[], seconds: readonly number[], step: number): number {
  const n = Math.min(steps.length, seconds.length);
  if (n === 0 || !(step >= steps[0]!) || step > steps[n - 1]!) return NaN;
  const hi = bisector((d: number) => d).left(steps.slice(0, n), step);
  if (steps[hi] === step) return seconds[hi]!;
  const lo = hi - 1;
  const f = (step - steps[lo]!) / (steps[hi]! - steps[lo]!);
  return seconds[lo]! + f * (seconds[hi]! - seconds[lo]!);
}

/** Seconds of training as a read-out: "0.45 s", "5.7 s", "124 s"; "–" when unknown. */
export function formatSeconds(v: number | undefined): string {
  if (!finite(v)) return '–';
  const a = Math.abs(v);
  return `${a < 1 ? v.toFixed(2) : a < 100 ? v.toFixed(1) : v.toFixed(0)} s`;
}

/** Milliseconds per step as the Summary table writes them ("11.5"); "–" before the first timed step. */
export function formatMs(v: number | undefined): string {
  return finite(v) ? v.toFixed(1) : '–';
}

/** The x axis's ticks with their labels: whole steps ("1.5k"), or seconds ("0.5", "10"). */
export function xTicks(domain: readonly [number, number], axis: ConvergenceAxis, pixels: number): { value: number; label: string }[] {
  const ticks = scaleLinear().domain(domain).ticks(Math.max(2, Math.floor(pixels / 70)));
  // Steps are whole numbers: no ticks at 0.5 while the axis is still [0, 1].
  if (axis === 'steps') return ticks.filter(Number.isInteger).map((v) => ({ value: v, label: format('~s')(v) }));
  return ticks.map((v) => ({ value: v, label: format('~g')(v) }));
}

/**
 * The SVG path of a series over the steps, with gaps where `defined` fails (NaN, or non-positive on a log
 * axis). A lone point becomes a short tick so the first probe is visible.
 */
export function seriesPath(steps: readonly number[], values: readonly number[], x: Scale, y: Scale, defined: (v: number) => boolean = Number.isFinite): string {
  const n = Math.min(steps.length, values.length);
  const ok = (i: number) => finite(steps[i]) && defined(values[i]!);
  if (n === 1) {
    if (!ok(0)) return '';
    const cx = x(steps[0]!);
    const cy = Math.round(y(values[0]!) * 100) / 100;
    return `M${Math.round((cx - 3) * 100) / 100},${cy}H${Math.round((cx + 3) * 100) / 100}`;
  }
  return (
    line<number>()
      .defined(ok)
      .x((i) => x(steps[i]!))
      .y((i) => y(values[i]!))
      .digits(2)(indices(n)) ?? ''
  );
}

const pctTick = format('.0%');

/** Test accuracy (a fraction) as a percentage with one decimal: 0.9234 → "92.3%"; not finite → "–". */
export const formatAccuracy = formatFraction;

export function formatAccuracyTick(v: number): string {
  return pctTick(v);
}

/** A loss with four significant digits (0.01234, 2.303, 1,234), "–" when there is none. */
export function formatLoss(v: number | undefined): string {
  if (!finite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return format('.3~e')(v);
  return format(',.4~r')(v);
}

/**
 * Ticks for the loss axis with their labels. A log axis labels only the ticks d3's tickFormat keeps (1, 2, 5
 * per decade, fewer when crowded), so labels never overlap; the others stay as unlabelled tick marks.
 */
export function lossTicks(domain: readonly [number, number], log: boolean, pixels: number): { value: number; label: string }[] {
  const count = Math.max(2, Math.floor(pixels / 40));
  if (log) {
    const s = scaleLog().domain(domain);
    const fmt = s.tickFormat(count, '~g');
    const ticks = s.ticks(count);
    const out = ticks.map((v) => ({ value: v, label: fmt(v) }));
    // Inside about one decade d3 gives linear-looking ticks and labels none of them: label every k-th instead.
    if (out.filter((t) => t.label !== '').length < 2) {
      const k = Math.max(1, Math.ceil(ticks.length / count));
      return ticks.map((v, i) => ({ value: v, label: i % k === 0 ? format('~g')(v) : '' }));
    }
    return out;
  }
  return scaleLinear()
    .domain(domain)
    .ticks(count)
    .map((v) => ({ value: v, label: format('~g')(v) }));
}

/** Where the two charts go, in pixels: "loss" left of "test accuracy", or above it in a narrow view. */
export interface ConvergenceLayout {
  /** The height of one chart. */
  height: number;
  /** The height of both: twice `height` when they are stacked. */
  totalHeight: number;
  stacked: boolean;
  margin: { top: number; right: number; bottom: number; left: number };
  innerHeight: number;
  chartWidth: number;
  /** The left edge of each chart's plot area. */
  lossX: number;
  accX: number;
  /** The top of each chart's slot (its title sits in the slot's top margin). */
  lossY: number;
  accY: number;
}

/**
 * Narrower than this (a phone's view: ≤ 390 px at 430 px wide), two charts side by side would each be under
 * ~140 px wide: they stack instead. A view in the laptop's two-column grid (≈ 460 px at 1280) keeps them side by side.
 */
export const STACK_BELOW = 420;

export function convergenceLayout(width: number, height: number): ConvergenceLayout {
  const margin = { top: 22, right: 10, bottom: 40, left: 52 };
  const gap = 18;
  const innerHeight = Math.max(0, height - margin.top - margin.bottom);
  if (width < STACK_BELOW) {
    return {
      height,
      totalHeight: 2 * height,
      stacked: true,
      margin,
      innerHeight,
      chartWidth: Math.max(0, width - margin.left - margin.right),
      lossX: margin.left,
      accX: margin.left,
      lossY: 0,
      accY: height,
    };
  }
  const chartWidth = Math.max(0, (width - gap - 2 * (margin.left + margin.right)) / 2);
  return {
    height,
    totalHeight: height,
    stacked: false,
    margin,
    innerHeight,
    chartWidth,
    lossX: margin.left,
    accX: margin.left + chartWidth + margin.right + gap + margin.left,
    lossY: 0,
    accY: 0,
  };
}

/** The step axis: 0 to the last probe of any arm (at least 1). */
export const stepDomain = (series: readonly { steps: readonly number[] }[]): [number, number] => stepDomainOf(series.map((s) => s.steps));
export { nearestIndex };
