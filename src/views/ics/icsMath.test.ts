import { describe, it, expect } from 'vitest';
import { createHistory, type ArmHistory } from '../../engine/history';
import {
  axisTicks,
  bandPath,
  cosDomain,
  formatValue,
  hasData,
  icsSeries,
  inputDomain,
  l2Domain,
  layerNote,
  leftMargin,
  linePath,
  linearScale,
  logScale,
  nearestIndex,
  powerOfTen,
  stepDomain,
} from './icsMath';

/** Two arms, two layers, filled with the given per-step values for layer 1. */
function history(rows: { step: number; l2: [number, number]; cos: [number, number]; mean?: number; variance?: number }[]): ArmHistory[] {
  const h = createHistory(
    [
      { name: 'plain', norm: 'none' },
      { name: 'BN', norm: 'batch' },
    ],
    [10, 10],
  );
  for (const r of rows) {
    h.forEach((arm, a) => {
      arm.steps.push(r.step);
      arm.layers.forEach((l, j) => {
        l.ics.l2.push(j === 0 ? 0 : r.l2[a]!);
        l.ics.cos.push(j === 0 ? 1 : r.cos[a]!);
        l.inputMean.push(r.mean ?? 0);
        l.inputVariance.push(r.variance ?? 1);
      });
    });
  }
  return h;
}

describe('icsSeries', () => {
  it('picks the selected layer of every arm and turns the variance into a standard deviation', () => {
    const h = history([
      { step: 0, l2: [0.5, 0.1], cos: [0.9, 0.99], mean: 1, variance: 4 },
      { step: 20, l2: [0.7, 0.2], cos: [0.8, 0.98], mean: 2, variance: 9 },
    ]);
    const s = icsSeries(h, 1);
    expect(s.map((a) => a.name)).toEqual(['plain', 'BN']);
    expect(s[0]!.l2).toEqual([0.5, 0.7]);
    expect(s[1]!.cos).toEqual([0.99, 0.98]);
    expect(s[0]!.inputStd).toEqual([2, 3]);
    expect(icsSeries(h, 0)[0]!.l2).toEqual([0, 0]);
  });

  it('skips a layer that does not exist and reports no data for an empty history', () => {
    const h = history([]);
    expect(icsSeries(h, 5)).toEqual([]);
    expect(hasData(icsSeries(h, 1))).toBe(false);
    expect(stepDomain(icsSeries(h, 1))).toEqual([0, 1]);
  });

  it('keeps NaN standard deviations for a diverged arm', () => {
    const h = history([{ step: 0, l2: [NaN, 0.1], cos: [NaN, 1], mean: NaN, variance: NaN }]);
    expect(Number.isNaN(icsSeries(h, 1)[0]!.inputStd[0]!)).toBe(true);
  });
});

describe('domains', () => {
  const h = history([
    { step: 0, l2: [0.004, 0.002], cos: [0.95, 0.99] },
    { step: 40, l2: [3.2, NaN], cos: [0.2, NaN] },
  ]);
  const s = icsSeries(h, 1);

  it('spans the probe steps', () => {
    expect(stepDomain(s)).toEqual([0, 40]);
    expect(stepDomain(icsSeries(history([{ step: 7, l2: [1, 1], cos: [1, 1] }]), 1))).toEqual([0, 7]);
  });

  it('starts the linear ‖G − G′‖ axis at 0 and covers the largest finite value', () => {
    const [lo, hi] = l2Domain(s, false);
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThanOrEqual(3.2);
    expect(hi).toBeLessThan(5);
  });

  it('puts the log axis on whole decades around the positive values', () => {
    expect(l2Domain(s, true)).toEqual([0.001, 10]);
    // The first layer: all zeros have no log position; a default decade range keeps the axis drawable.
    expect(l2Domain(icsSeries(h, 0), true)).toEqual([0.001, 1]);
    expect(l2Domain(icsSeries(h, 0), false)).toEqual([0, 1]);
  });

  it('lets the cosine axis fall to the lowest cosine but shows at least [0.5, 1]', () => {
    expect(cosDomain(s)).toEqual([0.2, 1]);
    expect(cosDomain(icsSeries(h, 0))).toEqual([0.5, 1]);
    const negative = icsSeries(history([{ step: 0, l2: [1, 1], cos: [-0.95, 0.3] }]), 1);
    expect(cosDomain(negative)).toEqual([-1, 1]);
  });

  it('covers mean ± std of the input, and widens a flat input', () => {
    const drift = icsSeries(
      history([
        { step: 0, l2: [1, 1], cos: [1, 1], mean: 0, variance: 1 },
        { step: 1, l2: [1, 1], cos: [1, 1], mean: 3, variance: 4 },
      ]),
      1,
    );
    const [lo, hi] = inputDomain(drift);
    expect(lo).toBeLessThanOrEqual(-1);
    expect(hi).toBeGreaterThanOrEqual(5);
    const [flo, fhi] = inputDomain(icsSeries(history([{ step: 0, l2: [1, 1], cos: [1, 1], mean: 2, variance: 0 }]), 1));
    expect(flo).toBeLessThan(2);
    expect(fhi).toBeGreaterThan(2);
  });
});

describe('paths', () => {
  const x = linearScale([0, 10], [0, 100]);
  const y = linearScale([0, 1], [100, 0]);

  it('draws a line through finite points and breaks it at NaN', () => {
    const d = linePath([0, 5, 10], [0, 0.5, 1], x, y);
    expect(d).toBe('M0,100L50,50L100,0');
    const broken = linePath([0, 2, 5, 10], [0, 0.2, NaN, 1], x, y);
    expect(broken.match(/M/g)!.length).toBe(2);
    expect(linePath([0, 1], [NaN, NaN], x, y)).toBe('');
    expect(broken).not.toContain('NaN');
  });

  it('skips zeros on a log axis', () => {
    const ly = logScale([0.01, 1], [100, 0]);
    const d = linePath([0, 5, 10], [0, 0.1, 1], x, ly, true);
    expect(d).toBe('M50,50L100,0');
  });

  it('draws the input band between mean − std and mean + std', () => {
    const d = bandPath([0, 10], [0.5, 0.5], [0.25, 0.25], x, y);
    expect(d).toContain('M0,25');
    expect(d).toContain('100,75');
    expect(bandPath([0, 10], [NaN, NaN], [NaN, NaN], x, y)).toBe('');
  });
});

describe('hover and ticks', () => {
  it('finds the nearest probe', () => {
    expect(nearestIndex([0, 20, 40, 60], 29)).toBe(1);
    expect(nearestIndex([0, 20, 40, 60], 31)).toBe(2);
    expect(nearestIndex([0, 20, 40, 60], 1000)).toBe(3);
    expect(nearestIndex([0, 20, 40, 60], -5)).toBe(0);
    expect(nearestIndex([], 5)).toBe(-1);
  });

  it('labels log ticks as powers of ten, thinning long ranges', () => {
    expect(powerOfTen(-3)).toBe('10⁻³');
    expect(powerOfTen(0)).toBe('1');
    expect(powerOfTen(12)).toBe('10¹²');
    const t = axisTicks(logScale([1e-3, 10], [100, 0]), 5, true);
    expect(t.map((k) => k.label)).toEqual(['10⁻³', '10⁻²', '10⁻¹', '1', '10']);
    const long = axisTicks(logScale([1e-12, 1e6], [100, 0]), 4, true);
    expect(long.length).toBeLessThanOrEqual(5);
    expect(long[0]!.value).toBeCloseTo(1e-12, 20);
  });

  it('uses a true minus sign in linear tick labels and sizes the margin to them', () => {
    const t = axisTicks(linearScale([-1, 1], [100, 0]), 4);
    expect(t[0]!.label).toBe('−1.0');
    expect(leftMargin([{ value: 0, label: '0.0001' }])).toBeGreaterThan(leftMargin([{ value: 0, label: '1' }]));
  });

  it('formats read-out values', () => {
    expect(formatValue(NaN)).toBe('–');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(0.123456)).toBe('0.1235');
    expect(formatValue(-2.5e-5)).toBe('−2.50e-5');
    expect(formatValue(Infinity)).toBe('∞');
  });
});

describe('layerNote', () => {
  it('explains G and G′, and that the first layer has none', () => {
    expect(layerNote(0)).toBe('The first layer has no earlier layers: G′ = G.');
    expect(layerNote(1)).toContain('after layer 1 has taken its step');
    expect(layerNote(3)).toMatch(/^Layer 4: .*layers 1–3 have taken their step\.$/);
  });
});
