import { describe, it, expect } from 'vitest';
import { scaleLinear } from 'd3';
import { createHistory } from '../../engine/history';
import {
  bandDomain,
  bandPath,
  binEdges,
  binIndex,
  contextValues,
  distributionsLayout,
  fitLabel,
  histogramOutline,
  histogramShares,
  maxShare,
  nearestIndex,
  percentilePath,
  percentilesAt,
  pooledBand,
  pooledHistogramRow,
  saturationRegions,
  shownUnit,
  stepDomain,
  thinTicks,
  unitBand,
  unitHistogramRow,
  visibleRegions,
  type PercentileBand,
} from './distributionsMath';

const band = (steps: number[], p5: number[], p95: number[], mid = 0): PercentileBand => ({
  steps,
  p5,
  p15: p5.map((v) => (v + mid) / 2),
  p50: steps.map(() => mid),
  p85: p95.map((v) => (v + mid) / 2),
  p95,
});

/** Numbers in an SVG path string. */
const numbersOf = (d: string) => (d.match(/-?\d+(\.\d+)?(e-?\d+)?/g) ?? []).map(Number);

describe('pooledBand and unitBand', () => {
  it('reads the pooled percentiles of a layer straight from the history', () => {
    const [arm] = createHistory([{ name: 'plain', norm: 'none' }], [4, 4]);
    arm!.steps.push(0, 20);
    arm!.layers[1]!.percentiles.p50.push(0.5, 0.7);
    const b = pooledBand(arm, 1)!;
    expect(b.steps).toBe(arm!.steps);
    expect(b.p50).toEqual([0.5, 0.7]);
    expect(pooledBand(arm, 2)).toBeNull();
    expect(pooledBand(undefined, 0)).toBeNull();
  });

  it('reads batch norm’s inference-mode series in inference mode, and the one series of an arm without batch norm in both', () => {
    const [plain, bn] = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }], [4]);
    for (const a of [plain!, bn!]) {
      a.steps.push(0, 20);
      a.layers[0]!.percentiles.p50.push(0.1, 0.2);
    }
    bn!.layers[0]!.inference!.percentiles.p50.push(0.3, 0.9);
    expect(plain!.layers[0]!.inference).toBeNull();
    expect(pooledBand(plain, 0, 'inference')!.p50).toBe(plain!.layers[0]!.percentiles.p50);
    expect(pooledBand(bn, 0, 'train')!.p50).toEqual([0.1, 0.2]);
    expect(pooledBand(bn, 0, 'inference')!.p50).toEqual([0.3, 0.9]);
  });

  it('shows the picked unit, else unit 1, and nothing for the whole layer', () => {
    expect(shownUnit('unit', null, 100)).toBe(0);
    expect(shownUnit('unit', 41, 100)).toBe(41);
    // A unit the layer no longer has (a narrower network) falls back to unit 1.
    expect(shownUnit('unit', 41, 10)).toBe(0);
    expect(shownUnit('layer', 41, 100)).toBeNull();
  });

  it('picks unit k out of [units × 5] rows at k·5 … k·5+4', () => {
    // Two units, two probes: unit 1's percentiles are 10+t, 11+t, … 14+t.
    const rows = [0, 1].map((t) => Float32Array.from([0, 1, 2, 3, 4, 10 + t, 11 + t, 12 + t, 13 + t, 14 + t]));
    const b = unitBand([0, 20], rows, 1)!;
    expect(b.steps).toEqual([0, 20]);
    expect(b.p5).toEqual([10, 11]);
    expect(b.p50).toEqual([12, 13]);
    expect(b.p95).toEqual([14, 15]);
    expect(unitBand([0, 20], rows, 0)!.p85).toEqual([3, 3]);
  });

  it('keeps steps and rows aligned when one runs ahead, and gives NaN for a unit out of range', () => {
    const rows = [Float32Array.from([1, 2, 3, 4, 5])];
    const b = unitBand([0, 20, 40], rows, 0)!;
    expect(b.steps).toEqual([0]);
    expect(b.p5).toEqual([1]);
    expect(unitBand([0], rows, 3)!.p50).toEqual([NaN]);
    expect(unitBand([0], undefined, 0)).toBeNull();
  });
});

describe('saturation regions', () => {
  it('marks |x| > 4 for sigmoid, where the derivative is below 0.018', () => {
    const r = saturationRegions('sigmoid');
    expect(r.map((x) => [x.from, x.to])).toEqual([
      [-Infinity, -4],
      [4, Infinity],
    ]);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(sig(4) * (1 - sig(4))).toBeLessThan(0.018);
    expect(r[0]!.label).toBe('saturating');
  });

  it('marks |x| > 2 for tanh (derivative below 0.071) and x < 0 for relu (zero gradient)', () => {
    expect(saturationRegions('tanh').map((x) => x.to)).toEqual([-2, Infinity]);
    expect(1 - Math.tanh(2) ** 2).toBeLessThan(0.071);
    expect(saturationRegions('relu')).toEqual([{ from: -Infinity, to: 0, label: 'zero gradient' }]);
  });

  it('includes zero and a unit beyond each threshold as axis context', () => {
    expect(contextValues('sigmoid').sort((a, b) => a - b)).toEqual([-5, 0, 5]);
    expect(contextValues('tanh').sort((a, b) => a - b)).toEqual([-3, 0, 3]);
    expect(contextValues('relu')).toEqual([0]);
  });

  it('cuts regions to the visible domain and drops those outside it', () => {
    expect(visibleRegions(saturationRegions('sigmoid'), [-6, 3])).toEqual([{ from: -6, to: -4, label: 'saturating' }]);
    expect(visibleRegions(saturationRegions('relu'), [0.5, 3])).toEqual([]);
    expect(visibleRegions(saturationRegions('relu'), [-1, 3])).toEqual([{ from: -1, to: 0, label: 'zero gradient' }]);
  });
});

describe('bandDomain', () => {
  it('spans the smallest p5 to the largest p95 of all arms, padded and nice', () => {
    const a = band([0, 1], [-1.2, -0.8], [1.1, 0.9]);
    const b = band([0, 1], [0.5, 2], [2.5, 3.3], 2);
    const [lo, hi] = bandDomain([a, b], 8);
    expect(lo).toBeLessThanOrEqual(-1.2);
    expect(hi).toBeGreaterThanOrEqual(3.3);
    expect(lo).toBeGreaterThan(-2.01);
    expect(hi).toBeLessThan(4.01);
    expect(Number.isInteger(lo * 2) && Number.isInteger(hi * 2)).toBe(true);
  });

  it('ignores NaN (a diverged arm) and null bands', () => {
    const a = band([0, 1, 2], [-1, NaN, -1], [1, NaN, Infinity]);
    const [lo, hi] = bandDomain([a, null], 8);
    expect(Number.isFinite(lo) && Number.isFinite(hi)).toBe(true);
    expect(hi).toBeLessThan(2);
  });

  it('clamps to the histogram range ±range', () => {
    const a = band([0, 1], [-30, -25], [40, 50]);
    expect(bandDomain([a], 8)).toEqual([-8, 8]);
  });

  it('always includes the context values (zero, the thresholds)', () => {
    const a = band([0], [2], [2.5], 2.2);
    const [lo, hi] = bandDomain([a], 8, [0, -5, 5]);
    expect(lo).toBeLessThanOrEqual(-5);
    expect(hi).toBeGreaterThanOrEqual(5);
    const [lo0] = bandDomain([a], 8, [0]);
    expect(lo0).toBeLessThanOrEqual(0);
  });

  it('gives the full range for no data, and a minimum span for a constant', () => {
    expect(bandDomain([], 6)).toEqual([-6, 6]);
    const [lo, hi] = bandDomain([band([0], [0], [0])], 8, []);
    expect(hi - lo).toBeGreaterThanOrEqual(0.5);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
  });
});

describe('steps', () => {
  it('nearestIndex finds the probe nearest a step', () => {
    const steps = [0, 20, 40, 60];
    expect(nearestIndex(steps, 0)).toBe(0);
    expect(nearestIndex(steps, 29)).toBe(1);
    expect(nearestIndex(steps, 31)).toBe(2);
    expect(nearestIndex(steps, 1000)).toBe(3);
    expect(nearestIndex(steps, -50)).toBe(0);
    expect(nearestIndex([], 10)).toBe(-1);
  });

  it('stepDomain runs from 0 to the last probe, at least to 1', () => {
    expect(stepDomain([0, 20, 40])).toEqual([0, 40]);
    expect(stepDomain([0])).toEqual([0, 1]);
    expect(stepDomain([])).toEqual([0, 1]);
  });

  it('percentilesAt reads the five values at a probe, NaN when missing', () => {
    const b = band([0, 1], [-1, -2], [1, 2]);
    expect(percentilesAt(b, 1)).toEqual([-2, -1, 0, 1, 2]);
    expect(percentilesAt(b, 5).every(Number.isNaN)).toBe(true);
    expect(percentilesAt(null, 0).every(Number.isNaN)).toBe(true);
  });
});

describe('band and median paths', () => {
  const x = scaleLinear().domain([0, 100]).range([0, 200]);
  const y = scaleLinear().domain([-5, 5]).range([100, 0]);

  it('draws the band between two percentiles through the scaled points', () => {
    const d = bandPath([0, 50, 100], [-1, -1, -1], [1, 1, 1], x, y);
    expect(d.startsWith('M')).toBe(true);
    const nums = numbersOf(d);
    expect(Math.min(...nums.filter((_, i) => i % 2 === 0))).toBe(0);
    expect(Math.max(...nums.filter((_, i) => i % 2 === 0))).toBe(200);
    expect(new Set(nums.filter((_, i) => i % 2 === 1))).toEqual(new Set([40, 60]));
  });

  it('splits the band into pieces around NaN (one closed piece each)', () => {
    const d = bandPath([0, 25, 50, 75, 100], [-1, -1, NaN, -1, -1], [1, 1, 1, 1, 1], x, y);
    expect(d.match(/M/g)?.length).toBe(2);
    expect(d.match(/Z/g)?.length).toBe(2);
  });

  it('draws a lone probe as a narrow bar, and nothing for no data', () => {
    const d = bandPath([50], [-1], [1], x, y);
    expect(numbersOf(d)).toEqual([97, 60, 103, 40, 97]);
    expect(bandPath([], [], [], x, y)).toBe('');
    expect(bandPath([50], [NaN], [1], x, y)).toBe('');
  });

  it('draws the median as a line with gaps at NaN', () => {
    const d = percentilePath([0, 50, 100], [0, NaN, 2.5], x, y);
    expect(d.match(/M/g)?.length).toBe(2);
    expect(numbersOf(d)).toEqual([0, 50, 200, 25]);
    expect(percentilePath([50], [0], x, y)).toBe('M97,50H103');
  });
});

describe('histograms', () => {
  it('reads the pooled histogram and its outside counts', () => {
    const row = pooledHistogramRow({ percentiles: new Float32Array(5), mean: 0, std: 1, histogram: Float32Array.from([1, 2, 3]), underflow: 4, overflow: 5 });
    expect(row).toEqual({ counts: [1, 2, 3], underflow: 4, overflow: 5 });
    expect(pooledHistogramRow(undefined)).toBeNull();
  });

  it('reads row k of [units × (bins + 2)] with underflow first and overflow last', () => {
    // 2 units, 3 bins: [u, b0, b1, b2, o] per unit.
    const h = Float32Array.from([9, 1, 2, 3, 8, 7, 4, 5, 6, 0]);
    expect(unitHistogramRow(h, 2, 0)).toEqual({ counts: [1, 2, 3], underflow: 9, overflow: 8 });
    expect(unitHistogramRow(h, 2, 1)).toEqual({ counts: [4, 5, 6], underflow: 7, overflow: 0 });
    expect(unitHistogramRow(h, 2, 2)).toBeNull();
    expect(unitHistogramRow(h, 3, 0)).toBeNull();
  });

  it('turns counts into shares of all values, outside ones included; NaN counts as zero', () => {
    const s = histogramShares({ counts: [1, 2, NaN, 3], underflow: 2, overflow: 2 })!;
    expect(s.total).toBe(10);
    expect(s.shares).toEqual([0.1, 0.2, 0, 0.3]);
    expect(s.underflowShare).toBe(0.2);
    expect(histogramShares({ counts: [NaN, 0], underflow: NaN, overflow: 0 })).toBeNull();
    expect(maxShare([s, null])).toBe(0.3);
    expect(maxShare([])).toBeGreaterThan(0);
  });

  it('outlines bins sideways as a closed step area from the baseline', () => {
    // Two bins over [−1, 1): shares 0.5 and 0.25; x: share → px ×100, y: value → px (−1 → 20, 1 → 0).
    const x = (v: number) => v * 100;
    const y = scaleLinear().domain([-1, 1]).range([20, 0]);
    const d = histogramOutline([0.5, 0.25], 1, x, y);
    expect(d).toBe('M0,20L50,20L50,10L25,10L25,0L0,0Z');
    expect(histogramOutline([], 1, x, y)).toBe('');
  });

  it('finds the bin of a value, with −1 for underflow and bins for overflow', () => {
    expect(binIndex(-8, 48, 8)).toBe(0);
    expect(binIndex(0, 48, 8)).toBe(24);
    expect(binIndex(7.99, 48, 8)).toBe(47);
    expect(binIndex(8, 48, 8)).toBe(48);
    expect(binIndex(-8.01, 48, 8)).toBe(-1);
    const [a, b] = binEdges(24, 48, 8);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(1 / 3, 12);
  });
});

describe('distributionsLayout', () => {
  it.each([
    [1280, 1],
    [600, 2],
    [420, 4],
  ])('fits %i px with %i arm(s): panels left to right without overlap, then the histogram', (width, arms) => {
    const l = distributionsLayout(width, 260, arms);
    expect(l.panelX).toHaveLength(arms);
    expect(l.panelX[0]).toBe(l.margin.left);
    for (let i = 1; i < arms; i++) expect(l.panelX[i]!).toBeGreaterThanOrEqual(l.panelX[i - 1]! + l.panelWidth);
    expect(l.histX).toBeGreaterThan(l.panelX[arms - 1]! + l.panelWidth);
    expect(l.histX + l.histWidth).toBeLessThanOrEqual(width - l.margin.right + 0.5);
    expect(l.panelWidth).toBeGreaterThan(0);
    expect(l.innerHeight).toBe(260 - l.margin.top - l.margin.bottom);
  });

  it('leaves the arm panels more room in a phone-wide view', () => {
    const phone = distributionsLayout(322, 270, 3);
    const wider = distributionsLayout(420, 270, 3);
    expect(phone.histWidth).toBe(68);
    expect(wider.histWidth).toBe(80);
    expect(phone.panelWidth).toBeGreaterThan(50);
    expect(phone.histX + phone.histWidth).toBeLessThanOrEqual(322 - phone.margin.right + 0.5);
  });

  it('gives no negative sizes at zero width (before the first measurement)', () => {
    const l = distributionsLayout(0, 260, 2);
    expect(l.panelWidth).toBe(0);
  });
});

describe('fitLabel', () => {
  it('keeps a label that fits and cuts one that does not, with an ellipsis', () => {
    expect(fitLabel('BN', 100)).toBe('BN');
    expect(fitLabel('BN lr 0.05', 45)).toBe('BN lr…');
    expect(fitLabel('plain', 7.5)).toBe('…');
    expect(fitLabel('plain', 2)).toBe('');
  });
});

describe('thinTicks', () => {
  it('keeps at most max ticks, first included', () => {
    expect(thinTicks([0, 0.2, 0.4, 0.6], 2)).toEqual([0, 0.4]);
    expect(thinTicks([0, 1], 2)).toEqual([0, 1]);
  });
});
