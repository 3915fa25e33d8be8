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
  stepDomain,
  type ConvergenceSeries,
} from './convergenceMath';

const series = (steps: number[], trainLoss: number[], testLoss: number[] = trainLoss, divergedAt: number | null = null): ConvergenceSeries => ({
  name: 'arm',
  steps,
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
