import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { DEFAULT_RING, modeCoverage, ringCentres, sampleRing } from './ring';

const ring = DEFAULT_RING;
const centres = ringCentres(ring);

/** n points at mode k's centre, displaced by (dx, dy). */
function at(k: number, n: number, dx = 0, dy = 0): number[] {
  return Array.from({ length: n }, () => [centres[2 * k]! + dx, centres[2 * k + 1]! + dy]).flat();
}

describe('the ring of Gaussians', () => {
  it('puts 8 modes on a circle of radius 2', () => {
    expect(ring.modes).toBe(8);
    for (let k = 0; k < 8; k++) expect(Math.hypot(centres[2 * k]!, centres[2 * k + 1]!)).toBeCloseTo(2, 12);
  });

  it('samples the same points from the same seed, and others from another', () => {
    const a = sampleRing(ring, 256, createRng(1, 'gan-data'));
    expect(sampleRing(ring, 256, createRng(1, 'gan-data'))).toEqual(a);
    expect(sampleRing(ring, 256, createRng(2, 'gan-data'))).not.toEqual(a);
  });

  it('draws every mode about equally, each with its std', () => {
    const xy = sampleRing(ring, 8000, createRng(3, 'gan-data'));
    const cov = modeCoverage(xy, ring);
    expect(cov.modesCovered).toBe(8);
    // 3 std in 2-D holds 1 − e^(−4.5) = 98.9% of a Gaussian's mass.
    expect(cov.highQuality).toBeGreaterThan(0.98);
    for (const share of cov.perMode) expect(share).toBeGreaterThan(0.1);
    let sq = 0;
    for (let i = 0; i < 8000; i++) {
      const x = xy[2 * i]!, y = xy[2 * i + 1]!;
      let best = Infinity;
      for (let k = 0; k < 8; k++) best = Math.min(best, (x - centres[2 * k]!) ** 2 + (y - centres[2 * k + 1]!) ** 2);
      sq += best;
    }
    expect(Math.sqrt(sq / 8000 / 2)).toBeCloseTo(ring.std, 2);
  });
});

describe('modeCoverage on hand-made samples', () => {
  it('counts a full ring as 8 modes, all of high quality', () => {
    const xy = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((k) => at(k, 64));
    expect(modeCoverage(xy, ring)).toEqual({ modesCovered: 8, highQuality: 1, perMode: new Array(8).fill(1 / 8) });
  });

  it('counts a collapsed generator as one mode', () => {
    const cov = modeCoverage(at(3, 512, 0.01, -0.02), ring);
    expect(cov.modesCovered).toBe(1);
    expect(cov.perMode[3]).toBe(1);
    expect(cov.highQuality).toBe(1);
  });

  it('gives no credit to samples between the modes or off the ring', () => {
    const between = Array.from({ length: 512 }, (_, i) => [2 * Math.cos(Math.PI / 8 + (i % 8) * (Math.PI / 4)), 2 * Math.sin(Math.PI / 8 + (i % 8) * (Math.PI / 4))]).flat();
    expect(modeCoverage(between, ring)).toMatchObject({ modesCovered: 0, highQuality: 0 });
    expect(modeCoverage(new Array(1024).fill(0), ring)).toMatchObject({ modesCovered: 0, highQuality: 0 });
  });

  it('draws the 3-std line and the 1/32 share exactly where it says', () => {
    const edge = 3 * ring.std;
    expect(modeCoverage(at(0, 1, edge * 0.999, 0), ring).highQuality).toBe(1);
    expect(modeCoverage(at(0, 1, edge * 1.001, 0), ring).highQuality).toBe(0);
    // 16 of 512 samples is 1/32: covered; 15 is not.
    const rest = at(1, 512 - 16);
    expect(modeCoverage([...at(0, 16), ...rest], ring).modesCovered).toBe(2);
    expect(modeCoverage([...at(0, 15), ...at(1, 512 - 15)], ring).modesCovered).toBe(1);
  });

  it('counts samples that are not finite as neither covered nor of high quality', () => {
    const cov = modeCoverage([NaN, 0, Infinity, 1, ...at(2, 2)], ring);
    expect(cov.highQuality).toBe(0.5);
    expect(cov.modesCovered).toBe(1);
  });
});
