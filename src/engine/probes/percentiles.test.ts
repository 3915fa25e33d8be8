import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { percentileReference } from '../testing/reference';
import { PERCENTILES } from './types';
import { PercentileSelector, percentilesOf, selectRanks } from './percentiles';

/** Values with the awkward cases: Gaussian, long runs of equal values, a coarse grid (values on bin edges). */
function sample(n: number, kind: 'normal' | 'ties' | 'grid', seed = 1): Float32Array {
  const rng = createRng(seed, 'distribution-test');
  return Float32Array.from({ length: n }, () => {
    const g = rng.normal();
    return kind === 'normal' ? 3 * g + 0.5 : kind === 'ties' ? Math.round(g) : Math.round(4 * g) / 2;
  });
}

describe('percentiles on the CPU', () => {
  it('selectRanks puts at each asked rank what an ascending sort puts there', () => {
    for (const n of [1, 2, 5, 23, 24, 25, 100, 1001, 20_000]) {
      for (const kind of ['normal', 'ties', 'grid'] as const) {
        const values = sample(n, kind, n);
        const sorted = values.slice().sort();
        const ranks = [0, Math.floor(n / 7), Math.floor(n / 2), n - 2, n - 1].filter((r) => r >= 0);
        const a = values.slice();
        selectRanks(a, ranks);
        // Compared as numbers: a sort puts −0 before +0, a selection treats them as the equal values they are.
        for (const r of ranks) expect(a[r]! + 0).toBe(sorted[r]! + 0);
        // A permutation: the same multiset of values.
        expect(a.slice().sort()).toEqual(sorted);
      }
    }
  });

  it('ranks NaNs last and infinities at their ends, as a sort does', () => {
    const a = Float32Array.from([3, NaN, -Infinity, 1, NaN, Infinity, 2]);
    selectRanks(a, [0, 1, 4, 5, 6]);
    expect(a[0]).toBe(-Infinity);
    expect(a[1]).toBe(1);
    expect(a[4]).toBe(Infinity);
    expect(a[5]).toBeNaN();
    expect(a[6]).toBeNaN();
  });

  it('percentiles match the float64 linear-interpolation reference (numpy’s default)', () => {
    for (const n of [1, 2, 10, 101, 5000]) {
      const values = sample(n, 'normal', n);
      const got = percentilesOf(values);
      PERCENTILES.forEach((p, q) => expect(got[q]).toBeCloseTo(percentileReference(values, p), 5));
    }
  });

  it('percentiles interpolate between ranks on an even count', () => {
    // Sorted 0..9: the 15th percentile sits at position 1.35 → 1.35; the 50th at 4.5.
    const got = percentilesOf([9, 3, 0, 7, 1, 8, 2, 6, 4, 5]);
    expect(got[1]).toBeCloseTo(1.35, 6);
    expect(got[2]).toBe(4.5);
  });

  it('finds the exact values at the ranks of long lists too (through a histogram), with ties, NaN and ±∞', () => {
    for (const kind of ['normal', 'ties', 'grid'] as const) {
      const values = sample(20_000, kind, 7);
      values[3] = NaN;
      values[10] = Infinity;
      values[11] = -Infinity;
      values[12] = NaN;
      const sorted = values.slice().sort();
      const got = percentilesOf(values, [0, 0.01, 5, 15, 50, 85, 95, 99.99, 100]);
      [0, 0.01, 5, 15, 50, 85, 95, 99.99, 100].forEach((p, q) => {
        const pos = (p / 100) * (values.length - 1);
        const lo = sorted[Math.floor(pos)]!;
        const hi = sorted[Math.min(Math.floor(pos) + 1, values.length - 1)]!;
        const expected = Math.fround(lo + Math.fround(Math.fround(hi - lo) * Math.fround(pos - Math.floor(pos))));
        if (Number.isNaN(expected)) expect(got[q]).toBeNaN();
        else expect(got[q]! + 0).toBe(expected + 0);
      });
    }
    // A constant list, and one whose values all tie but one.
    expect(Array.from(percentilesOf(new Float32Array(5000).fill(2.5)))).toEqual([2.5, 2.5, 2.5, 2.5, 2.5]);
    const oneOff = new Float32Array(5000).fill(1);
    oneOff[4999] = 7;
    expect(percentilesOf(oneOff)[4]).toBe(1);
  });

  it('reuses one selector across lists of the same length, and refuses another length', () => {
    const selector = new PercentileSelector(1000);
    const out = new Float32Array(10);
    const a = sample(1000, 'normal', 1);
    const b = sample(1000, 'grid', 2);
    selector.into(a, out, 0);
    selector.into(b, out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual(Array.from(percentilesOf(a)));
    expect(Array.from(out.subarray(5))).toEqual(Array.from(percentilesOf(b)));
    expect(() => selector.into(new Float32Array(999), out)).toThrow(/999 values, planned for 1000/);
  });
});
