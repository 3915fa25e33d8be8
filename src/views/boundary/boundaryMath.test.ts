import { describe, it, expect } from 'vitest';
import type { BoundaryGrid } from '../../engine/probes/types';
import {
  argmax,
  boundaryPixels,
  cellAt,
  cellCenter,
  classCount,
  confidence,
  formatCoord,
  gridIsDiverged,
  hexToRgb,
  MAX_ALPHA,
  MIN_ALPHA,
  panelGrid,
  planeScales,
  pointPositions,
  pointsExtent,
  probsAt,
  type Rgb,
} from './boundaryMath';

/** A 2×2 grid over [−1, 1]², 2 classes, probs given per cell in row-major order (row 0 = top). */
function grid2(pClass1: [number, number, number, number]): BoundaryGrid {
  const probs = new Float32Array(8);
  pClass1.forEach((p, i) => {
    probs[2 * i] = 1 - p;
    probs[2 * i + 1] = p;
  });
  return { size: 2, extent: [-1, 1, -1, 1], probs };
}

const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];

describe('colours', () => {
  it('parses hex colours', () => {
    expect(hexToRgb('#4477AA')).toEqual([68, 119, 170]);
    expect(hexToRgb('#fff')).toEqual([255, 255, 255]);
  });

  it('measures confidence from uniform (0) to certain (1)', () => {
    expect(confidence(0.5, 2)).toBe(0);
    expect(confidence(1, 2)).toBe(1);
    expect(confidence(0.75, 2)).toBeCloseTo(0.5);
    expect(confidence(1 / 3, 3)).toBeCloseTo(0);
    expect(confidence(NaN, 2)).toBe(0);
  });

  it('finds the most probable class, skipping non-finite values', () => {
    expect(argmax([0.2, 0.5, 0.3], 0, 3)).toEqual({ cls: 1, p: 0.5 });
    expect(argmax([9, 9, 0.1, 0.9], 2, 2)).toEqual({ cls: 1, p: 0.9 });
    expect(argmax([NaN, NaN], 0, 2).cls).toBe(-1);
  });
});

describe('boundaryPixels', () => {
  it('colours each cell by its predicted class, opaque where confident, faint at the boundary', () => {
    // Top-left: sure of class 1; top-right: sure of class 0; bottom-left: 50/50; bottom-right: 75% class 1.
    const px = boundaryPixels(grid2([1, 0, 0.5, 0.75]), 2, [BLUE, RED]);
    expect(px.length).toBe(16);
    expect(Array.from(px.subarray(0, 4))).toEqual([255, 0, 0, Math.round(255 * MAX_ALPHA)]);
    expect(Array.from(px.subarray(4, 8))).toEqual([0, 0, 255, Math.round(255 * MAX_ALPHA)]);
    expect(px[11]).toBe(Math.round(255 * MIN_ALPHA));
    expect(Array.from(px.subarray(12, 15))).toEqual([255, 0, 0]);
    expect(px[15]).toBeGreaterThan(px[11]!);
    expect(px[15]).toBeLessThan(px[3]!);
  });

  it('handles three classes and infers the class count from the buffer', () => {
    const probs = new Float32Array([0.1, 0.1, 0.8]);
    const g: BoundaryGrid = { size: 1, extent: [0, 1, 0, 1], probs };
    expect(classCount(g, 0)).toBe(3);
    const px = boundaryPixels(g, 0, [BLUE, RED, [0, 255, 0]]);
    expect(Array.from(px.subarray(0, 3))).toEqual([0, 255, 0]);
    expect(px[3]).toBe(Math.round(255 * (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * 0.7)));
  });

  it('leaves NaN cells transparent and flags the grid as diverged', () => {
    const g = grid2([1, 0, 0.5, 0.5]);
    g.probs[2] = NaN;
    g.probs[3] = NaN;
    const px = boundaryPixels(g, 2, [BLUE, RED]);
    expect(Array.from(px.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(gridIsDiverged(g)).toBe(true);
    expect(gridIsDiverged(grid2([1, 0, 0.5, 0.5]))).toBe(false);
  });
});

describe('coordinates and cells', () => {
  const g = { size: 4, extent: [-2, 2, -1, 3] as [number, number, number, number] };

  it('maps the top-left corner to cell (0, 0) and the bottom-right to (n−1, n−1)', () => {
    expect(cellAt(g, -2, 3)).toEqual({ row: 0, col: 0 });
    expect(cellAt(g, 2, -1)).toEqual({ row: 3, col: 3 });
    expect(cellAt(g, -0.5, 1.5)).toEqual({ row: 1, col: 1 });
    expect(cellAt(g, 2.01, 0)).toBeNull();
    expect(cellAt(g, 0, NaN)).toBeNull();
  });

  it('round-trips cell centres, where the engine evaluated the network', () => {
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 4; col++) {
        const [x, y] = cellCenter(g, { row, col });
        expect(cellAt(g, x, y)).toEqual({ row, col });
      }
    }
    expect(cellCenter(g, { row: 0, col: 0 })).toEqual([-1.5, 2.5]);
  });

  it('matches the engine\'s sampling: x = xMin + (col + ½)Δ, y = yMax − (row + ½)Δ', () => {
    // The trainer's grid (src/engine/trainer.ts boundaryGrid) with half = 1.5, size 48.
    const size = 48;
    const half = 1.5;
    const eng = { size, extent: [-half, half, -half, half] as [number, number, number, number] };
    for (const [row, col] of [
      [0, 0],
      [10, 37],
      [47, 47],
    ] as const) {
      const x = -half + ((col + 0.5) / size) * 2 * half;
      const y = half - ((row + 0.5) / size) * 2 * half;
      expect(cellAt(eng, x, y)).toEqual({ row, col });
    }
  });

  it('reads the probabilities of the cell under the pointer', () => {
    const grid = grid2([0.9, 0.2, 0.5, 0.1]);
    expect(probsAt(grid, 2, -0.5, 0.5)).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.9, 6)]);
    expect(probsAt(grid, 2, 0.5, -0.5)).toEqual([expect.closeTo(0.9, 6), expect.closeTo(0.1, 6)]);
    expect(probsAt(grid, 2, 5, 5)).toBeNull();
  });

  it('places test points on the plot with y up', () => {
    const { x, y } = planeScales([-1, 1, -1, 1], 200);
    expect([x(-1), x(1), y(-1), y(1)]).toEqual([0, 200, 200, 0]);
    const pts = pointPositions(new Float32Array([0, 0, 1, 1, NaN, 0]), new Uint8Array([0, 1, 1]), [-1, 1, -1, 1], 200);
    expect(pts).toEqual([
      { cx: 100, cy: 100, label: 0 },
      { cx: 200, cy: 0, label: 1 },
    ]);
    expect(pointsExtent(new Float32Array([0.5, -2]))).toEqual([-2.2, 2.2, -2.2, 2.2]);
  });
});

describe('panelGrid', () => {
  it('puts panels side by side when they fit, balanced over lines otherwise', () => {
    expect(panelGrid(1000, 2, 16)).toEqual({ columns: 2, side: 300 });
    expect(panelGrid(455, 2, 16)).toEqual({ columns: 2, side: 219 });
    expect(panelGrid(455, 4, 16).columns).toBe(2);
    expect(panelGrid(780, 4, 16)).toEqual({ columns: 2, side: 300 });
    expect(panelGrid(1300, 4, 16).columns).toBe(4);
    expect(panelGrid(150, 1, 16)).toEqual({ columns: 1, side: 150 });
  });

  it('formats coordinates with a true minus sign', () => {
    expect(formatCoord(-1.234)).toBe('−1.23');
  });
});
