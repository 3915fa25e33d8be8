import { describe, it, expect } from 'vitest';
import { SYNTHETIC_KINDS, syntheticDataset, type SyntheticKind } from './synthetic';
import type { Dataset } from './types';

const points = (x: Float32Array): [number, number][] =>
  Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i]!, x[2 * i + 1]!]);

/** Fraction of points classified correctly by a rule. */
function accuracy(ds: Dataset, rule: (x: number, y: number) => number): number {
  const pts = points(ds.trainX);
  return pts.filter(([x, y], i) => rule(x, y) === ds.trainY[i]).length / pts.length;
}

/** Mean distance of each point to its class mean: how spread out the classes are. */
function withinClassSpread(ds: Dataset): number {
  const pts = points(ds.trainX);
  const means = Array.from({ length: ds.numClasses }, (_, c) => {
    const mine = pts.filter((_, i) => ds.trainY[i] === c);
    return [mine.reduce((s, p) => s + p[0], 0) / mine.length, mine.reduce((s, p) => s + p[1], 0) / mine.length];
  });
  return pts.reduce((s, [x, y], i) => s + Math.hypot(x - means[ds.trainY[i]!]![0]!, y - means[ds.trainY[i]!]![1]!), 0) / pts.length;
}

/** Leave-one-out 1-nearest-neighbour accuracy: near 1 for separated classes, lower as they overlap. */
function nearestNeighbourAccuracy(ds: Dataset): number {
  const pts = points(ds.trainX);
  let correct = 0;
  pts.forEach(([x, y], i) => {
    let best = Infinity;
    let bestLabel = -1;
    pts.forEach(([u, v], j) => {
      const d = (x - u) ** 2 + (y - v) ** 2;
      if (j !== i && d < best) [best, bestLabel] = [d, ds.trainY[j]!];
    });
    if (bestLabel === ds.trainY[i]) correct++;
  });
  return correct / pts.length;
}

describe('syntheticDataset', () => {
  it.each(SYNTHETIC_KINDS)('%s: shapes, defaults, balance, range', (kind) => {
    const ds = syntheticDataset(kind, { seed: 1, noise: 0.2 });
    const k = kind === 'blobs' ? 3 : 2;
    expect(ds.name).toBe(kind);
    expect(ds.inputShape).toEqual([2]);
    expect(ds.numClasses).toBe(k);
    expect([ds.numTrain, ds.numTest]).toEqual([800, 400]);
    expect(ds.trainX.length).toBe(1600);
    expect(ds.testX.length).toBe(800);
    for (const y of [ds.trainY, ds.testY]) {
      const counts = new Array(k).fill(0);
      for (const l of y) counts[l]++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    const all = [...ds.trainX, ...ds.testX];
    expect(all.every(Number.isFinite)).toBe(true);
    // Roughly in [-1, 1]: nearly all points inside a slightly larger box.
    expect(all.filter((v) => Math.abs(v) > 1.2).length / all.length).toBeLessThan(0.02);
  });

  it.each(SYNTHETIC_KINDS)('%s: same seed gives identical arrays, another seed different ones', (kind) => {
    const a = syntheticDataset(kind, { seed: 7, noise: 0.3 });
    const b = syntheticDataset(kind, { seed: 7, noise: 0.3 });
    const c = syntheticDataset(kind, { seed: 8, noise: 0.3 });
    expect(b.trainX).toEqual(a.trainX);
    expect(b.testX).toEqual(a.testX);
    expect(b.trainY).toEqual(a.trainY);
    expect(c.trainX).not.toEqual(a.trainX);
    expect(c.testX).not.toEqual(a.testX);
    // Train and test come from separate streams.
    expect(Array.from(a.testX.subarray(0, 20))).not.toEqual(Array.from(a.trainX.subarray(0, 20)));
  });

  it('honours numTrain / numTest, and the training set does not depend on numTest', () => {
    const small = syntheticDataset('blobs', { seed: 3, noise: 0.1, numTrain: 10, numTest: 5 });
    expect([small.numTrain, small.numTest, small.trainX.length, small.testY.length]).toEqual([10, 5, 20, 5]);
    const other = syntheticDataset('blobs', { seed: 3, noise: 0.1, numTrain: 10, numTest: 50 });
    expect(other.trainX).toEqual(small.trainX);
  });

  it('rejects bad options', () => {
    expect(() => syntheticDataset('xor', { seed: 1, noise: -0.1 })).toThrow(RangeError);
    expect(() => syntheticDataset('xor', { seed: 1, noise: 1.5 })).toThrow(RangeError);
    expect(() => syntheticDataset('xor', { seed: 1, noise: Number.NaN })).toThrow(RangeError);
    expect(() => syntheticDataset('xor', { seed: 1, noise: 0, numTrain: 2.5 })).toThrow(RangeError);
    expect(() => syntheticDataset('moons' as SyntheticKind, { seed: 1, noise: 0 })).toThrow(/unknown/);
  });

  it('noise = 0 circles: class is set by the radius', () => {
    const ds = syntheticDataset('circles', { seed: 2, noise: 0 });
    expect(accuracy(ds, (x, y) => (Math.hypot(x, y) < 0.6 ? 0 : 1))).toBe(1);
    // A gap between the rings, not just a threshold.
    const radii = points(ds.trainX).map(([x, y]) => Math.hypot(x, y));
    const inner = radii.filter((_, i) => ds.trainY[i] === 0);
    const outer = radii.filter((_, i) => ds.trainY[i] === 1);
    expect(Math.max(...inner)).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(Math.min(...outer)).toBeGreaterThanOrEqual(0.7 - 1e-6);
    expect(Math.max(...outer)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('noise = 0 xor: class is set by the sign of x·y', () => {
    const ds = syntheticDataset('xor', { seed: 2, noise: 0 });
    expect(accuracy(ds, (x, y) => (x * y > 0 ? 1 : 0))).toBe(1);
    const quadrants = new Set(points(ds.trainX).map(([x, y]) => `${Math.sign(x)}${Math.sign(y)}`));
    expect(quadrants.size).toBe(4);
  });

  it('noise = 0 spirals: each point lies on its arm', () => {
    const ds = syntheticDataset('spirals', { seed: 2, noise: 0 });
    // Arm c passes through angle t = 1.75·2π·r + cπ at radius r (with x = r sin t, y = r cos t).
    const armOf = (x: number, y: number): number => {
      const r = Math.hypot(x, y);
      const phase = Math.atan2(x, y) - 1.75 * 2 * Math.PI * r;
      const wrapped = ((phase % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      return Math.abs(wrapped - Math.PI) < Math.PI / 2 ? 1 : 0;
    };
    expect(accuracy(ds, armOf)).toBe(1);
    expect(nearestNeighbourAccuracy(ds)).toBeGreaterThan(0.99);
  });

  it('noise = 0 blobs: each point is nearest its own centre', () => {
    const ds = syntheticDataset('blobs', { seed: 2, noise: 0 });
    const centres = [0, 1, 2].map((c) => {
      const a = Math.PI / 2 + (c * 2 * Math.PI) / 3;
      return [0.6 * Math.cos(a), 0.6 * Math.sin(a)] as const;
    });
    const nearest = (x: number, y: number): number => {
      const d = centres.map(([u, v]) => Math.hypot(x - u, y - v));
      return d.indexOf(Math.min(...d));
    };
    expect(accuracy(ds, nearest)).toBe(1);
  });

  it.each(SYNTHETIC_KINDS)('%s: noise spreads the classes and makes them overlap', (kind) => {
    const spread = [0, 0.5, 1].map((noise) => withinClassSpread(syntheticDataset(kind, { seed: 4, noise })));
    expect(spread[1]).toBeGreaterThan(spread[0]!);
    expect(spread[2]).toBeGreaterThan(spread[1]!);
    const clean = nearestNeighbourAccuracy(syntheticDataset(kind, { seed: 4, noise: 0 }));
    const noisy = nearestNeighbourAccuracy(syntheticDataset(kind, { seed: 4, noise: 1 }));
    expect(clean).toBeGreaterThan(0.97);
    // Heavy overlap at noise = 1: the nearest neighbour is often from another class (chance is 1/k).
    expect(noisy).toBeLessThan(0.8);
  });
});
