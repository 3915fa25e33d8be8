import { describe, it, expect } from 'vitest';
import type { BatchNormInspection } from '../../engine/probes/types';
import {
  backwardTex,
  batchNormArms,
  besselFactor,
  foldRows,
  foldStory,
  foldTex,
  formatNumber,
  forwardTex,
  meanVariance,
  momentumConventions,
  nearestPoint,
  numberParts,
  resolveUnit,
  SAMPLE_COLUMNS,
  sampleValue,
  scatterDomain,
  scatterPoints,
  scatterScales,
  texNumber,
  unitColumn,
  unitDetail,
} from './inspectorMath';

/** A synthetic inspection as the engine would send it: per-unit statistics of x and sample-major x, dy, dx. */
function synthetic(units: number, m: number, samples: number, epsilon: number): BatchNormInspection {
  const x = new Float32Array(m * units);
  const dy = new Float32Array(m * units);
  for (let r = 0; r < m; r++) {
    for (let k = 0; k < units; k++) {
      // Each unit its own location and scale, deterministic and not symmetric.
      x[r * units + k] = (k + 1) * 3 + (k + 0.5) * Math.sin(1.7 * r + k) + 0.1 * r * r;
      dy[r * units + k] = Math.cos(0.9 * r - k) * 0.01;
    }
  }
  const per = (f: (k: number) => number) => Float32Array.from({ length: units }, (_, k) => f(k));
  const col = (a: Float32Array, k: number) => Array.from({ length: m }, (_, r) => a[r * units + k]!);
  const stats = Array.from({ length: units }, (_, k) => meanVariance(col(x, k)));
  const gamma = per((k) => 1 + 0.25 * k);
  const beta = per((k) => -0.5 + k);
  // §3 backward, written out, to fill dx and the per-unit gradients consistently.
  const dx = new Float32Array(m * units);
  const dGamma = new Float32Array(units);
  const dBeta = new Float32Array(units);
  const dMean = new Float32Array(units);
  const dVariance = new Float32Array(units);
  for (let k = 0; k < units; k++) {
    const { mean, variance } = stats[k]!;
    const xs = col(x, k);
    const dys = col(dy, k);
    const s = Math.sqrt(variance + epsilon);
    const dxh = dys.map((v) => v * gamma[k]!);
    const dv = dxh.reduce((a, v, i) => a + v * (xs[i]! - mean), 0) * -0.5 * (variance + epsilon) ** -1.5;
    const dm = dxh.reduce((a, v) => a - v / s, 0) + (dv * xs.reduce((a, v) => a - 2 * (v - mean), 0)) / m;
    xs.forEach((v, i) => (dx[i * units + k] = dxh[i]! / s + (dv * 2 * (v - mean)) / m + dm / m));
    dGamma[k] = dys.reduce((a, v, i) => a + v * ((xs[i]! - mean) / s), 0);
    dBeta[k] = dys.reduce((a, v) => a + v, 0);
    dMean[k] = dm;
    dVariance[k] = dv;
  }
  const first = (a: Float32Array) => a.slice(0, samples * units);
  return {
    count: m,
    samples,
    gamma,
    beta,
    mean: per((k) => stats[k]!.mean),
    variance: per((k) => stats[k]!.variance),
    dGamma,
    dBeta,
    dMean,
    dVariance,
    x: first(x),
    dy: first(dy),
    dx: first(dx),
  };
}

describe('unitColumn', () => {
  it('reads unit k of a sample-major [samples × units] array', () => {
    // samples 0..2, units 0..3: value = 10·sample + unit
    const a = Float32Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));
    expect(unitColumn(a, 3, 4, 0)).toEqual([0, 10, 20]);
    expect(unitColumn(a, 3, 4, 3)).toEqual([3, 13, 23]);
    expect(unitColumn(a, 2, 4, 1)).toEqual([1, 11]);
  });
  it('never reads past the array and rejects units outside the layer', () => {
    const a = new Float32Array(8);
    expect(unitColumn(a, 5, 4, 2)).toHaveLength(2);
    expect(() => unitColumn(a, 2, 4, 4)).toThrow(RangeError);
  });
});

describe('unitDetail', () => {
  const eps = 1e-5;
  it('x̂ from the engine’s μ_B and σ²_B has mean 0 and variance ≈ 1 over all m samples', () => {
    const insp = synthetic(3, 16, 16, eps);
    for (let k = 0; k < 3; k++) {
      const u = unitDetail(insp, k, eps);
      expect(u.rows).toHaveLength(16);
      const { mean, variance } = meanVariance(u.rows.map((r) => r.xHat));
      expect(mean).toBeCloseTo(0, 5);
      // σ²/(σ² + ε), not exactly 1: the ε of the denominator.
      expect(variance).toBeCloseTo(insp.variance[k]! / (insp.variance[k]! + eps), 5);
      expect(Math.abs(variance - 1)).toBeLessThan(1e-4);
    }
  });
  it('y = γx̂ + β and the §3 quantities belong to unit k, not its neighbours', () => {
    const insp = synthetic(3, 16, 16, eps);
    const u = unitDetail(insp, 2, eps);
    expect(u.gamma).toBeCloseTo(1.5, 6);
    expect(u.beta).toBeCloseTo(1.5, 6);
    expect(u.dGamma).toBe(insp.dGamma[2]);
    expect(u.dMean).toBe(insp.dMean[2]);
    expect(u.dVariance).toBe(insp.dVariance[2]);
    for (const r of u.rows) {
      expect(r.y).toBeCloseTo(1.5 * r.xHat + 1.5, 6);
      expect(r.x).toBe(insp.x[(r.i - 1) * 3 + 2]);
      expect(r.dx).toBe(insp.dx[(r.i - 1) * 3 + 2]);
    }
    // ∂ℓ/∂γ = Σ ∂ℓ/∂y_i x̂_i and ∂ℓ/∂β = Σ ∂ℓ/∂y_i, recomputed from the rows (all m are present here).
    expect(u.rows.reduce((a, r) => a + r.dy * r.xHat, 0)).toBeCloseTo(u.dGamma, 5);
    expect(u.rows.reduce((a, r) => a + r.dy, 0)).toBeCloseTo(u.dBeta, 6);
    // ∂ℓ/∂x sums to 0 over the batch: a shift of every x_i leaves y unchanged.
    expect(Math.abs(u.rows.reduce((a, r) => a + r.dx, 0))).toBeLessThan(1e-5);
  });
  it('shows only the first rows when asked, and the count m stays the batch’s', () => {
    const insp = synthetic(4, 32, 8, eps);
    const u = unitDetail(insp, 1, eps, 6);
    expect(u.rows.map((r) => r.i)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(u.count).toBe(32);
    expect(u.samples).toBe(8);
    expect(u.std).toBeCloseTo(Math.sqrt(insp.variance[1]! + eps), 6);
  });
});

describe('numbers', () => {
  it('uses 4 significant digits in plain notation between 1e-3 and 1e4', () => {
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(-1.5)).toBe('−1.500');
    expect(formatNumber(1234.56)).toBe('1235');
    expect(formatNumber(0.001)).toBe('0.001000');
    expect(formatNumber(9.99996)).toBe('10.00');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
  });
  it('switches to powers of ten for tiny and huge values, after rounding', () => {
    expect(numberParts(1.23456e-5)).toEqual({ mantissa: '1.235', exponent: -5 });
    expect(formatNumber(-1.23456e-5)).toBe('−1.235×10⁻⁵');
    expect(formatNumber(12345)).toBe('1.235×10⁴');
    expect(formatNumber(9999.7)).toBe('1.000×10⁴');
    expect(formatNumber(0.00099996)).toBe('0.001000');
    expect(texNumber(-2.5e-7)).toBe('-2.500\\times10^{-7}');
    expect(texNumber(0.5)).toBe('0.5000');
  });
  it('says NaN and infinity plainly (a diverged arm)', () => {
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('−∞');
    expect(texNumber(Infinity)).toBe('\\infty');
    expect(texNumber(NaN)).toBe('\\text{NaN}');
  });
  it('gives momentum in both conventions and the Bessel factor', () => {
    expect(momentumConventions(0.1)).toEqual({ pytorch: '0.1', keras: '0.9' });
    expect(momentumConventions(0.01)).toEqual({ pytorch: '0.01', keras: '0.99' });
    expect(besselFactor(60)).toBeCloseTo(60 / 59, 12);
    expect(besselFactor(1)).toBe(1);
  });
});

describe('TeX lines', () => {
  it('carry the engine’s values for the unit', () => {
    const insp = synthetic(2, 8, 8, 1e-5);
    const u = unitDetail(insp, 1, 1e-5, 6);
    const fwd = forwardTex(u);
    expect(fwd[0]!.value).toBe(`= ${texNumber(insp.mean[1]!)}`);
    expect(fwd[1]!.value).toBe(`= ${texNumber(insp.variance[1]!)}`);
    expect(fwd[2]!.value).toBe('m = 8,\\ \\epsilon = 1.000\\times10^{-5}');
    const back = backwardTex(u);
    const values = back.map((l) => l.value).join(' ');
    for (const v of [insp.dVariance[1]!, insp.dMean[1]!, insp.dGamma[1]!, insp.dBeta[1]!]) expect(values).toContain(texNumber(v));
  });

  it('say every equation in plain words (a continued line belongs to the gloss above it)', () => {
    const u = unitDetail(synthetic(2, 8, 8, 1e-5), 1, 1e-5, 6);
    for (const l of [...forwardTex(u), ...backwardTex(u)]) {
      if (l.continued) expect(l.gloss).toBe('');
      else expect(l.gloss).toMatch(/^[A-Zγβ].{20,}\.$/);
    }
    expect(forwardTex(u)[0]!.gloss).toContain('m = 8');
  });
});

describe('sample table', () => {
  it('derives ∂ℓ/∂x̂_i = ∂ℓ/∂y_i · γ and passes the engine’s values through', () => {
    const insp = synthetic(2, 8, 8, 1e-5);
    const u = unitDetail(insp, 1, 1e-5, 6);
    const r = u.rows[2]!;
    expect(sampleValue(r, 'dXhat', u.gamma)).toBeCloseTo(r.dy * u.gamma, 12);
    expect(sampleValue(r, 'dx', u.gamma)).toBe(insp.dx[2 * 2 + 1]);
    expect(sampleValue(r, 'x', u.gamma)).toBe(insp.x[2 * 2 + 1]);
    // Every quantity the brief asks for appears in one of the two passes.
    expect(new Set([...SAMPLE_COLUMNS.forward, ...SAMPLE_COLUMNS.backward])).toEqual(new Set(['x', 'xHat', 'y', 'dy', 'dXhat', 'dx']));
  });
});

describe('scatter', () => {
  it('keeps finite pairs only, labelled by unit', () => {
    const pts = scatterPoints(new Float32Array([0, 1, NaN, 3]), new Float32Array([0.5, Infinity, 2, 3.5]));
    expect(pts).toEqual([
      { unit: 0, x: 0, y: 0.5 },
      { unit: 3, x: 3, y: 3.5 },
    ]);
  });
  it('uses one padded, nice domain covering both axes', () => {
    const pts = scatterPoints([0.2, 0.9], [-0.1, 0.4]);
    const [lo, hi] = scatterDomain(pts);
    expect(lo).toBeLessThanOrEqual(-0.1);
    expect(hi).toBeGreaterThanOrEqual(0.9);
    expect(lo).toBeGreaterThan(-1);
    expect(hi).toBeLessThanOrEqual(1);
  });
  it('does not cross zero for variances, and widens a single value', () => {
    const [lo] = scatterDomain(scatterPoints([0.01, 0.5], [0.02, 0.6]), true);
    expect(lo).toBe(0);
    const [a, b] = scatterDomain(scatterPoints([1, 1], [1, 1]));
    expect(a).toBeLessThan(1);
    expect(b).toBeGreaterThan(1);
    expect(scatterDomain([])).toEqual([0, 1]);
  });
  it('finds the nearest unit in pixels, or none beyond the radius', () => {
    const pts = scatterPoints([0, 1, 2], [0, 1, 2]);
    const s = scatterScales([0, 2], 220, 120, { top: 10, right: 10, bottom: 10, left: 10 });
    expect(nearestPoint(pts, s, s.x(1) + 3, s.y(1) - 2, 8)?.unit).toBe(1);
    expect(nearestPoint(pts, s, s.x(1) + 30, s.y(1), 8)).toBeNull();
  });
  it('finds the BN arms and falls back to unit 0', () => {
    expect(batchNormArms([{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }, { norm: 'batch' }])).toEqual([1, 3]);
    expect(resolveUnit(null, 100)).toEqual({ unit: 0, chosen: false });
    expect(resolveUnit(140, 100)).toEqual({ unit: 0, chosen: false });
    expect(resolveUnit(7, 100)).toEqual({ unit: 7, chosen: true });
  });
});

describe('folded for inference', () => {
  // ε = 1, σ²_run = 3, 15 and γ = 2: s = 1, 0.5 exactly; b′ = β − μ_run·s = −0.5, 2.
  const inspect = { gamma: Float32Array.of(2, 2), beta: Float32Array.of(0.5, 1) };
  const bn = { runningMean: Float32Array.of(1, -2), runningVariance: Float32Array.of(3, 15) };
  const mlp = (n: number) => Array.from({ length: n }, () => ({ kind: 'dense' as const }));
  const cnn = (n: number) => Array.from({ length: n }, () => ({ kind: 'conv' as const }));

  it('computes every unit’s s = γ/√(σ²_run + ε) and b′ = β − μ_run·s with the engine’s fold', () => {
    expect(foldRows(inspect, bn, 1)).toEqual([
      { unit: 0, runningMean: 1, runningVariance: 3, scale: 1, shift: -0.5 },
      { unit: 1, runningMean: -2, runningVariance: 15, scale: 0.5, shift: 2 },
    ]);
  });

  it('says where each layer folds, naming its units and layer', () => {
    const before = foldStory({ layers: mlp(3), layer: 2, placement: 'before', units: 100 });
    expect(before.folds).toBe(true);
    expect(before.shiftName).toBe("b'");
    expect(before.sentence).toContain('all 100 units of layer 3 fold into its weights (column k times s) and bias (b′)');
    expect(before.sentence).toContain('same logits, to float32 rounding');
    const conv = foldStory({ layers: cnn(3), layer: 0, placement: 'before', units: 16 });
    expect(conv.sentence).toContain('all 16 channels of layer 1 fold into its filters');
    const last = foldStory({ layers: mlp(3), layer: 2, placement: 'after', units: 100 });
    expect(last.shiftName).toBe('t');
    expect(last.sentence).toContain('fold into the classifier: row k of its weights times s');
    expect(foldStory({ layers: mlp(3), layer: 0, placement: 'after', units: 100 }).sentence).toContain('fold into layer 2');
  });

  it('says why batch norm after a nonlinearity that feeds a convolution does not fold, and which layers keep it', () => {
    const first = foldStory({ layers: cnn(3), layer: 0, placement: 'after', units: 16 });
    expect(first.folds).toBe(false);
    expect(first.sentence).toMatch(/does not fold here: batch norm after the nonlinearity of layer 1 feeds layer 2, a convolution/);
    const last = foldStory({ layers: cnn(3), layer: 2, placement: 'after', units: 16 });
    expect(last.folds).toBe(true);
    expect(last.sentence).toContain('all 16 channels of layer 3 fold into the classifier');
    expect(last.sentence).toContain('Layers 1 and 2 of this arm do not fold');
    expect(last.sentence).not.toContain('same logits');
    expect(foldStory({ layers: cnn(2), layer: 1, placement: 'after', units: 8 }).sentence).toContain('Layer 1 of this arm does not fold');
  });

  it('typesets s, the shift and where they go, with the unit’s numbers', () => {
    const [row] = foldRows(inspect, bn, 1);
    const story = foldStory({ layers: mlp(2), layer: 0, placement: 'before', units: 2 });
    const lines = foldTex(row!, story, 'dense', 'before');
    expect(lines.map((l) => l.value)).toEqual(['= 1.000', '= -0.5000', 'k = 1']);
    expect(lines[1]!.formula).toMatch(/^b' = /);
    const refused = foldStory({ layers: cnn(2), layer: 0, placement: 'after', units: 2 });
    const two = foldTex(row!, refused, 'conv', 'after');
    expect(two).toHaveLength(2);
    expect(two[1]!.formula).toMatch(/^t = /);
  });
});
