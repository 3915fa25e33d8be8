import { describe, it, expect } from 'vitest';
import { scaleLinear, scaleLog } from 'd3';
import { createHistory } from '../../engine/history';
import {
  convergenceLayout,
  convergenceSeries,
  emaSmooth,
  formatAccuracy,
  formatLoss,
  lossDefined,
  lossDomain,
  lossTicks,
  nearestIndex,
  seriesPath,
  secondsAtStep,
  stepDomain,
  formatMs,
  formatSeconds,
  xDomain,
  xTicks,
  xValues,
  type ConvergenceSeries,
} from './convergenceMath';

const series = (steps: number[], trainLoss: number[], testLoss: number[] = trainLoss, divergedAt: number | null = null): ConvergenceSeries => ({
  name: 'arm',
  steps,
  seconds: steps.map((s) => s / 100),
  msPerStep: steps.map(() => 10),
  trainLoss,
  testLoss,
  testAccuracy: steps.map(() => 0.5),
  smooth: null,
  divergedAt,
});

describe('emaSmooth (TensorBoard, debiased)', () => {
  it('returns the values unchanged for weight 0', () => {
    expect(emaSmooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('starts at the first value (the debiasing) instead of near zero', () => {
    const s = emaSmooth([10, 10, 10], 0.9);
    s.forEach((v) => expect(v).toBeCloseTo(10, 10));
    expect(emaSmooth([4], 0.6)[0]).toBeCloseTo(4, 12);
  });

  it('matches the formula s_t = w s_{t−1} + (1−w) v_t, divided by 1 − w^t', () => {
    const w = 0.5;
    const s = emaSmooth([2, 4, 8], w);
    // raw EMAs: 1, 2.5, 5.25; debias factors: 0.5, 0.75, 0.875.
    expect(s[0]).toBeCloseTo(2, 12);
    expect(s[1]).toBeCloseTo(2.5 / 0.75, 12);
    expect(s[2]).toBeCloseTo(5.25 / 0.875, 12);
  });

  it('lags behind a step change, more so for a larger weight', () => {
    const values = [0, 0, 0, 0, 1, 1, 1, 1];
    const light = emaSmooth(values, 0.3);
    const heavy = emaSmooth(values, 0.9);
    expect(light[4]!).toBeGreaterThan(heavy[4]!);
    expect(light[7]!).toBeGreaterThan(0.95);
    expect(heavy[7]!).toBeLessThan(0.8);
  });

  it('passes NaN through without poisoning the later values', () => {
    const s = emaSmooth([1, NaN, 1, Infinity, 1], 0.8);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[3]).toBe(Infinity);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(s[4]).toBeCloseTo(1, 12);
  });
});

describe('convergenceSeries', () => {
  it('takes the arms’ history and adds smoothed copies only when smoothing is on', () => {
    const h = createHistory([{ name: 'plain', norm: 'none' }], [3]);
    h[0]!.steps.push(0, 20);
    h[0]!.trainLoss.push(2, 1);
    h[0]!.testLoss.push(2.2, 1.1);
    h[0]!.testAccuracy.push(0.1, 0.6);
    expect(convergenceSeries(h, 0)[0]!.smooth).toBeNull();
    const s = convergenceSeries(h, 0.6)[0]!;
    expect(s.name).toBe('plain');
    expect(s.trainLoss).toBe(h[0]!.trainLoss);
    expect(s.smooth!.trainLoss[0]).toBeCloseTo(2, 12);
    expect(s.smooth!.testAccuracy[1]).toBeLessThan(0.6);
  });
});

describe('lossDomain', () => {
  it('runs from 0 to a nice number above the largest loss (linear)', () => {
    const [lo, hi] = lossDomain([series([0, 1], [2.31, 0.4]), series([0, 1], [1.7, 0.2], [2.4, 0.3])], false);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThanOrEqual(2.4);
    expect(hi).toBeLessThanOrEqual(3);
  });

  it('ignores NaN and an arm’s values from its divergence on', () => {
    const diverged = series([0, 20, 40], [2, 5e7, NaN], [2, 5e7, NaN], 20);
    const [, hi] = lossDomain([diverged, series([0, 20, 40], [2.2, 1, 0.5])], false);
    expect(hi).toBeLessThanOrEqual(2.5);
  });

  it('on a log axis, leaves out non-positive values and spans the positive ones', () => {
    const [lo, hi] = lossDomain([series([0, 1, 2, 3], [2, 0.01, 0, -1])], true);
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThanOrEqual(0.01);
    expect(lo).toBeGreaterThan(0.001);
    expect(hi).toBeGreaterThanOrEqual(2);
  });

  it('has sensible defaults with no data, and a positive span for a constant on a log axis', () => {
    expect(lossDomain([], false)).toEqual([0, 1]);
    expect(lossDomain([], true)).toEqual([0.01, 10]);
    const [lo, hi] = lossDomain([series([0], [0.5])], true);
    expect(lo).toBeLessThan(0.5);
    expect(hi).toBeGreaterThan(0.5);
  });

  it('includes the smoothed values', () => {
    const s = { ...series([0, 1], [1, 1]), smooth: { trainLoss: [3, 3], testLoss: [1, 1], testAccuracy: [0, 0] } };
    expect(lossDomain([s], false)[1]).toBeGreaterThanOrEqual(3);
  });

  it('lossDefined rejects non-positive values only on a log axis', () => {
    expect(lossDefined(true)(0)).toBe(false);
    expect(lossDefined(false)(0)).toBe(true);
    expect(lossDefined(false)(NaN)).toBe(false);
  });
});

describe('steps', () => {
  it('nearestIndex picks the nearest probe', () => {
    expect(nearestIndex([0, 20, 40], 9)).toBe(0);
    expect(nearestIndex([0, 20, 40], 11)).toBe(1);
    expect(nearestIndex([0, 20, 40], 400)).toBe(2);
    expect(nearestIndex([], 5)).toBe(-1);
  });

  it('stepDomain spans 0 to the last probe of any arm, at least 1', () => {
    expect(stepDomain([{ steps: [0, 20] }, { steps: [0, 20, 40] }])).toEqual([0, 40]);
    expect(stepDomain([{ steps: [] }])).toEqual([0, 1]);
  });
});

describe('seriesPath', () => {
  const x = scaleLinear().domain([0, 100]).range([0, 100]);
  const y = scaleLinear().domain([0, 1]).range([100, 0]);

  it('draws through the scaled points', () => {
    expect(seriesPath([0, 50, 100], [0, 0.5, 1], x, y)).toBe('M0,100L50,50L100,0');
  });

  it('breaks at NaN, and at non-positive values on a log axis', () => {
    expect(seriesPath([0, 50, 100], [0, NaN, 1], x, y)).toBe('M0,100ZM100,0Z');
    const ly = scaleLog().domain([0.1, 10]).range([100, 0]);
    const d = seriesPath([0, 25, 50, 75], [1, 0, 1, 1], x, ly, lossDefined(true));
    expect(d.match(/M/g)?.length).toBe(2);
    expect(d).not.toContain('NaN');
  });

  it('draws a lone probe as a short tick, and nothing for nothing', () => {
    expect(seriesPath([50], [0.5], x, y)).toBe('M47,50H53');
    expect(seriesPath([], [], x, y)).toBe('');
    expect(seriesPath([50], [NaN], x, y)).toBe('');
  });
});

describe('formatting', () => {
  it('formats accuracy as a percentage with one decimal', () => {
    expect(formatAccuracy(0.9234)).toBe('92.3%');
    expect(formatAccuracy(1)).toBe('100.0%');
    expect(formatAccuracy(NaN)).toBe('–');
    expect(formatAccuracy(undefined)).toBe('–');
  });

  it('formats losses with four significant digits', () => {
    expect(formatLoss(2.302585)).toBe('2.303');
    expect(formatLoss(0.012345)).toBe('0.01235');
    expect(formatLoss(0)).toBe('0');
    expect(formatLoss(NaN)).toBe('–');
    expect(formatLoss(3.2e7)).toMatch(/^3\.2e\+?7$/);
  });
});

describe('lossTicks', () => {
  it('gives linear ticks inside the domain', () => {
    const t = lossTicks([0, 2.5], false, 200);
    expect(t[0]).toEqual({ value: 0, label: '0' });
    expect(t.every((d) => d.value >= 0 && d.value <= 2.5)).toBe(true);
    expect(t.length).toBeGreaterThanOrEqual(3);
  });

  it('labels a log axis sparsely: at most one label per ~20 px, decades always labelled', () => {
    const t = lossTicks([0.01, 10], true, 200);
    const labelled = t.filter((d) => d.label !== '');
    expect(labelled.length).toBeLessThanOrEqual(10);
    expect(labelled.map((d) => d.label)).toEqual(expect.arrayContaining(['0.01', '0.1', '1', '10']));
    expect(t.every((d) => d.value > 0)).toBe(true);
  });

  it('still labels at least two ticks when the log domain is narrow', () => {
    const t = lossTicks([0.05, 0.06], true, 200);
    expect(t.filter((d) => d.label !== '').length).toBeGreaterThanOrEqual(2);
    expect(t.every((d) => d.value > 0)).toBe(true);
  });
});

describe('convergenceLayout', () => {
  it.each([420, 460, 900])('fits two charts side by side in %i px', (width) => {
    const l = convergenceLayout(width, 260);
    expect(l.stacked).toBe(false);
    expect(l.lossX + l.chartWidth).toBeLessThan(l.accX);
    expect(l.accX + l.chartWidth + l.margin.right).toBeCloseTo(width, 6);
    expect(l.innerHeight).toBe(260 - l.margin.top - l.margin.bottom);
    expect(l.totalHeight).toBe(260);
  });

  it.each([300, 336, 419])('stacks the charts, each the full width, in %i px', (width) => {
    const l = convergenceLayout(width, 240);
    expect(l.stacked).toBe(true);
    expect(l.lossX).toBe(l.accX);
    expect(l.lossX + l.chartWidth + l.margin.right).toBe(width);
    expect(l.accY).toBe(l.lossY + 240);
    expect(l.totalHeight).toBe(480);
  });

  it('never goes negative', () => {
    expect(convergenceLayout(0, 260).chartWidth).toBe(0);
  });
});

describe('the seconds axis', () => {
  // Two arms probed at the same steps; BN's steps cost more, so its clock runs ahead.
  const plain = { steps: [0, 20, 40], seconds: [0, 0.2, 0.4] };
  const bn = { steps: [0, 20, 40], seconds: [0, 0.35, 0.7] };

  it('puts each probe at its own arm’s training time, and the domain reaches the slowest arm’s last probe', () => {
    expect(xValues(bn, 'seconds')).toBe(bn.seconds);
    expect(xValues(bn, 'steps')).toBe(bn.steps);
    expect(xDomain([plain, bn], 'seconds')).toEqual([0, 0.7]);
    expect(xDomain([plain, bn], 'steps')).toEqual([0, 40]);
    // Before any step is timed (step 0 only), the axis still has a width.
    expect(xDomain([{ steps: [0], seconds: [0] }], 'seconds')).toEqual([0, 1]);
    expect(xDomain([{ steps: [], seconds: [] }], 'seconds')).toEqual([0, 1]);
  });

  it('maps a step to an arm’s time by interpolating between its probes (exact: an interval’s steps are priced alike)', () => {
    expect(secondsAtStep(bn.steps, bn.seconds, 20)).toBe(0.35);
    expect(secondsAtStep(bn.steps, bn.seconds, 30)).toBeCloseTo(0.525, 12);
    expect(secondsAtStep(bn.steps, bn.seconds, 0)).toBe(0);
    expect(secondsAtStep(bn.steps, bn.seconds, 40)).toBe(0.7);
    // Past the last probe the time is not known yet; before the first there is none.
    expect(secondsAtStep(bn.steps, bn.seconds, 41)).toBeNaN();
    expect(secondsAtStep(bn.steps, bn.seconds, -1)).toBeNaN();
    expect(secondsAtStep([], [], 0)).toBeNaN();
  });

  it('labels steps as whole numbers and seconds as they are', () => {
    expect(xTicks([0, 1], 'steps', 300).map((t) => t.label)).toEqual(['0', '1']);
    expect(xTicks([0, 2000], 'steps', 300).map((t) => t.label)).toEqual(['0', '500', '1k', '1.5k', '2k']);
    expect(xTicks([0, 1.2], 'seconds', 300).map((t) => t.label)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1', '1.2']);
  });

  it('formats times and per-step costs for the read-outs', () => {
    expect(formatSeconds(0.456)).toBe('0.46 s');
    expect(formatSeconds(5.71)).toBe('5.7 s');
    expect(formatSeconds(123.6)).toBe('124 s');
    expect(formatSeconds(NaN)).toBe('–');
    expect(formatMs(11.46)).toBe('11.5');
    expect(formatMs(NaN)).toBe('–');
  });

  it('reads the timing from the history', () => {
    const h = createHistory([{ name: 'BN', norm: 'batch' }], [4]);
    h[0]!.steps.push(0, 20);
    h[0]!.timing.trainingSeconds.push(0, 0.35);
    h[0]!.timing.msPerStep.push(NaN, 17.5);
    for (const k of ['trainLoss', 'testLoss', 'testAccuracy'] as const) h[0]![k].push(1, 1);
    const [s] = convergenceSeries(h, 0);
    expect(s!.seconds).toEqual([0, 0.35]);
    expect(s!.msPerStep).toEqual([NaN, 17.5]);
  });
});
