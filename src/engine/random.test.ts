import { describe, it, expect } from 'vitest';
import { createRng, permutation } from './random';

const draw = (seed: number, purpose: string, n = 20): number[] => {
  const rng = createRng(seed, purpose);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('repeats the same sequence for the same seed and purpose', () => {
    expect(draw(42, 'init')).toEqual(draw(42, 'init'));
    const a = createRng(7, 'x');
    const b = createRng(7, 'x');
    for (let i = 0; i < 1000; i++) expect(a.normal()).toBe(b.normal());
  });

  it('gives different sequences for different purposes or seeds', () => {
    expect(draw(42, 'init')).not.toEqual(draw(42, 'batches'));
    expect(draw(42, 'init')).not.toEqual(draw(43, 'init'));
    expect(draw(0, '')).not.toEqual(draw(1, ''));
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const rng = createRng(1, 'uniform');
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // Standard error of the mean is 0.29 / sqrt(1e5) ≈ 0.0009.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('draws standard normals: mean ≈ 0, std ≈ 1', () => {
    const rng = createRng(123, 'normal');
    const n = 100_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    const std = Math.sqrt(sumSq / n - mean * mean);
    // Standard errors: 0.003 for the mean, 0.0022 for the std; these bounds are about 3–4 of them.
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(std - 1)).toBeLessThan(0.01);
  });

  it('int(n) covers 0..n-1 and nothing else', () => {
    const rng = createRng(5, 'int');
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 7000; i++) counts[rng.int(7)]++;
    expect(counts.length).toBe(7);
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});

describe('permutation', () => {
  it('is a permutation of 0..n-1, fixed by the generator', () => {
    for (const n of [0, 1, 2, 10, 1000]) {
      const p = permutation(n, createRng(9, 'perm'));
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(permutation(n, createRng(9, 'perm'))).toEqual(p);
    }
  });

  it('actually shuffles', () => {
    const p = permutation(1000, createRng(9, 'perm'));
    const fixedPoints = Array.from(p).filter((v, i) => v === i).length;
    expect(fixedPoints).toBeLessThan(10);
    expect(permutation(1000, createRng(10, 'perm'))).not.toEqual(p);
  });
});
