import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { percentileReference } from '../testing/reference';
import { histogramColumn, histogramEdges, PERCENTILES, summarizeDistributions } from './distribution';

/** Values with the awkward cases: Gaussian, long runs of equal values, a coarse grid (values on bin edges). */
function sample(n: number, kind: 'normal' | 'ties' | 'grid', seed = 1): Float32Array {
  const rng = createRng(seed, 'distribution-test');
  return Float32Array.from({ length: n }, () => {
    const g = rng.normal();
    return kind === 'normal' ? 3 * g + 0.5 : kind === 'ties' ? Math.round(g) : Math.round(4 * g) / 2;
  });
}

describe('distribution summaries on the CPU', () => {
  it('bins each value once, with underflow and overflow apart, and edges opening their bin', () => {
    const values = [-9, -8, -0.1, 0, 0.49, 0.5, 7.99, 8, 100, NaN, Infinity, -Infinity];
    // Bins of width 1 over [−8, 8): column 0 is underflow, 1..16 the bins, 17 overflow.
    const cols = values.map((v) => histogramColumn(v, 16, 8, 1));
    expect(cols).toEqual([0, 1, 8, 9, 9, 9, 16, 17, 17, 0, 17, 0]);
  });

  it('summarizes [samples, units] values pooled and per unit', () => {
    const units = 3;
    const samples = 200;
    const z = sample(units * samples, 'normal', 4);
    const d = summarizeDistributions(z, units, 16, 8);
    PERCENTILES.forEach((p, q) => expect(d.pooled.percentiles[q]).toBeCloseTo(percentileReference(z, p), 5));
    const mean = z.reduce((a, b) => a + b, 0) / z.length;
    expect(d.pooled.mean).toBeCloseTo(mean, 5);
    expect(d.pooled.std).toBeCloseTo(Math.sqrt(z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length), 5);
    expect(d.pooled.histogram.reduce((a, b) => a + b, 0) + d.pooled.underflow + d.pooled.overflow).toBe(z.length);
    expect(d.units.histogram.length).toBe(units * 18);
    for (let k = 0; k < units; k++) {
      const column = Array.from({ length: samples }, (_, s) => z[s * units + k]!);
      PERCENTILES.forEach((p, q) => expect(d.units.percentiles[k * 5 + q]).toBeCloseTo(percentileReference(column, p), 5));
      const m = column.reduce((a, b) => a + b, 0) / samples;
      expect(d.units.mean[k]).toBeCloseTo(m, 5);
      expect(d.units.std[k]).toBeCloseTo(Math.sqrt(column.reduce((a, b) => a + (b - m) ** 2, 0) / samples), 5);
      const counts = d.units.histogram.subarray(k * 18, (k + 1) * 18);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(samples);
      column.forEach((v) => expect(counts[histogramColumn(v, 16, 8, 1)]).toBeGreaterThan(0));
    }
    // The pooled histogram is the sum of the units' (bins only; under- and overflow apart).
    for (let b = 0; b < 16; b++) expect(d.pooled.histogram[b]).toBe([0, 1, 2].reduce((s, k) => s + d.units.histogram[k * 18 + b + 1]!, 0));
  });

  it('bins through the float32 edges exactly as the float32 formula does, on and around every edge', () => {
    for (const [bins, range] of [[48, 8], [16, 8], [10, 3], [7, 1.3], [200, 100]] as const) {
      const edges = histogramEdges(bins, range);
      const range32 = Math.fround(range);
      const width32 = Math.fround((2 * range) / bins);
      const near = (v: number) => {
        const f = new Float32Array([v]);
        const u = new Int32Array(f.buffer);
        const out = [f[0]!];
        for (const step of [-2, -1, 1, 2]) {
          const g = new Int32Array([u[0]! + step]);
          out.push(new Float32Array(g.buffer)[0]!);
        }
        return out;
      };
      for (let c = 1; c <= bins + 1; c++) {
        // The edge itself opens column c; the float just below it does not.
        expect(histogramColumn(edges[c]!, bins, range32, width32)).toBe(c);
        for (const v of near(edges[c]!)) {
          const z = new Float32Array([v, v]);
          const d = summarizeDistributions(z, 1, bins, range);
          const column = histogramColumn(v, bins, range32, width32);
          const counted = column === 0 ? d.pooled.underflow : column === bins + 1 ? d.pooled.overflow : d.pooled.histogram[column - 1];
          expect(counted).toBe(2);
        }
      }
    }
  });

  it('counts NaN as underflow and ±∞ at their ends, as the device did, and lets them through the moments', () => {
    const z = Float32Array.from([1, 2, 3, NaN, Infinity, -Infinity, 0.5, 4, 2, 1]);
    const d = summarizeDistributions(z, 2, 16, 8);
    expect(d.pooled.underflow).toBe(2); // NaN and −∞
    expect(d.pooled.overflow).toBe(1);
    expect(d.units.mean[0]).toBe(Infinity); // unit 0 holds 1, 3, ∞, 0.5, 2
    expect(d.units.mean[1]).toBeNaN(); // unit 1 holds 2, NaN, −∞, 4, 1
    expect(d.pooled.std).toBeNaN();
    // Sorted: −∞, 0.5, 1, 1, 2, 2, 3, 4, ∞, NaN: the median is 2; the 95th lies between ∞ and NaN.
    expect(d.pooled.percentiles[2]).toBe(2);
    expect(d.pooled.percentiles[4]).toBeNaN();
  });

  it('refuses values that do not split into the units', () => {
    expect(() => summarizeDistributions(new Float32Array(7), 3, 16, 8)).toThrow(/7 values do not split into 3 units/);
  });
});
