import { scaleLinear } from 'd3';
import type { BoundaryGrid } from '../../engine/probes/types';

/**
 * The math of the decision-boundary view: an arm's softmax over a grid on the 2-D input plane becomes an RGBA
 * pixel buffer (colour = predicted class, opacity = confidence), and input coordinates map to grid cells for the
 * read-out. Grid geometry as the engine samples it: `size` cells per side covering `extent` exactly, cell
 * (row, col) centred at x = xMin + (col + ½)·Δx, y = yMax − (row + ½)·Δy, row 0 at the top. Pure: no DOM.
 */

/**
 * Class colours: Paul Tol's "bright" scheme, distinguishable with the common colour-vision deficiencies, and
 * apart from the arms' Okabe–Ito palette (arms are told apart by panel, classes by colour).
 */
export const CLASS_COLORS = ['#4477AA', '#EE6677', '#CCBB44', '#228833', '#66CCEE', '#AA3377', '#BBBBBB'] as const;

export function classColor(k: number): string {
  return CLASS_COLORS[k % CLASS_COLORS.length]!;
}

export type Rgb = [number, number, number];

/** "#4477AA" → [68, 119, 170]. */
export function hexToRgb(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const n = parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Opacity of a cell at the decision boundary (uniform softmax) and at full confidence. */
export const MIN_ALPHA = 0.08;
export const MAX_ALPHA = 0.85;

/** Probabilities per grid point, inferred from the buffer when the class count is unknown (0). */
export function classCount(grid: BoundaryGrid, numClasses: number): number {
  if (numClasses > 0) return numClasses;
  const cells = grid.size * grid.size;
  return cells > 0 ? Math.max(1, Math.round(grid.probs.length / cells)) : 1;
}

/** True when any probability is not finite: the arm has diverged and its map means nothing. */
export function gridIsDiverged(grid: BoundaryGrid): boolean {
  for (let i = 0; i < grid.probs.length; i++) if (!Number.isFinite(grid.probs[i]!)) return true;
  return false;
}

/** The most probable class among probs[offset … offset + k) and its probability (−1 and NaN if none is finite). */
export function argmax(probs: ArrayLike<number>, offset: number, k: number): { cls: number; p: number } {
  let cls = -1;
  let p = NaN;
  for (let c = 0; c < k; c++) {
    const v = probs[offset + c]!;
    if (Number.isFinite(v) && (cls < 0 || v > p)) {
      cls = c;
      p = v;
    }
  }
  return { cls, p };
}

/**
 * Confidence on [0, 1]: 0 where the softmax is uniform (on the boundary), 1 where one class has it all.
 * (p_max − 1/K) / (1 − 1/K).
 */
export function confidence(pMax: number, k: number): number {
  if (!Number.isFinite(pMax)) return 0;
  if (k <= 1) return 1;
  return Math.min(1, Math.max(0, (pMax - 1 / k) / (1 - 1 / k)));
}

/**
 * The grid as RGBA pixels, one per cell, row 0 first (the top of the plane): the predicted class's colour with
 * an opacity that grows with confidence, so the panel's own background shows through near the boundary (and
 * light and dark themes both work). Cells without a finite prediction are transparent.
 */
export function boundaryPixels(grid: BoundaryGrid, numClasses: number, colors: readonly Rgb[] = CLASS_COLORS.map(hexToRgb)): Uint8ClampedArray<ArrayBuffer> {
  const k = classCount(grid, numClasses);
  const cells = grid.size * grid.size;
  const out = new Uint8ClampedArray(cells * 4);
  for (let i = 0; i < cells; i++) {
    const { cls, p } = argmax(grid.probs, i * k, k);
    if (cls < 0) continue;
    const [r, g, b] = colors[cls % colors.length]!;
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = Math.round(255 * (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * confidence(p, k)));
  }
  return out;
}

export interface Cell {
  row: number;
  col: number;
}

/** The grid cell containing input point (x, y), or null outside the extent. */
export function cellAt(grid: Pick<BoundaryGrid, 'size' | 'extent'>, x: number, y: number): Cell | null {
  const [xMin, xMax, yMin, yMax] = grid.extent;
  if (!(x >= xMin && x <= xMax && y >= yMin && y <= yMax)) return null;
  const n = grid.size;
  const col = Math.min(n - 1, Math.floor(((x - xMin) / (xMax - xMin)) * n));
  const row = Math.min(n - 1, Math.floor(((yMax - y) / (yMax - yMin)) * n));
  return { row, col };
}

/** The input point at the centre of a cell (where the engine evaluated the network). */
export function cellCenter(grid: Pick<BoundaryGrid, 'size' | 'extent'>, { row, col }: Cell): [number, number] {
  const [xMin, xMax, yMin, yMax] = grid.extent;
  return [xMin + ((col + 0.5) / grid.size) * (xMax - xMin), yMax - ((row + 0.5) / grid.size) * (yMax - yMin)];
}

/** The arm's class probabilities at input point (x, y): those of the cell containing it; null outside. */
export function probsAt(grid: BoundaryGrid, numClasses: number, x: number, y: number): number[] | null {
  const cell = cellAt(grid, x, y);
  if (!cell) return null;
  const k = classCount(grid, numClasses);
  const offset = (cell.row * grid.size + cell.col) * k;
  return Array.from(grid.probs.subarray(offset, offset + k));
}

/** Pixel scales of a square plot of side `side` over the extent (y up). */
export function planeScales(extent: readonly [number, number, number, number], side: number) {
  const [xMin, xMax, yMin, yMax] = extent;
  return {
    x: scaleLinear().domain([xMin, xMax]).range([0, side]),
    y: scaleLinear().domain([yMin, yMax]).range([side, 0]),
  };
}

/** The extent the axes use before the first probe: the test points' bounding square, with a margin. */
export function pointsExtent(xy: ArrayLike<number>): [number, number, number, number] {
  let r = 1;
  for (let i = 0; i < xy.length; i++) if (Number.isFinite(xy[i]!)) r = Math.max(r, Math.abs(xy[i]!));
  const half = Math.ceil(r * 1.1 * 10) / 10;
  return [-half, half, -half, half];
}

/** Test points as pixel positions in a plot of side `side` ([x0, y0, x1, y1, …]), non-finite ones dropped. */
export function pointPositions(
  xy: ArrayLike<number>,
  labels: ArrayLike<number>,
  extent: readonly [number, number, number, number],
  side: number,
): { cx: number; cy: number; label: number }[] {
  const { x, y } = planeScales(extent, side);
  const out: { cx: number; cy: number; label: number }[] = [];
  for (let i = 0; i < labels.length; i++) {
    const px = xy[2 * i]!;
    const py = xy[2 * i + 1]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    out.push({ cx: x(px), cy: y(py), label: labels[i]! });
  }
  return out;
}

/**
 * How many panels per line: as many as fit at `minSide` or more (no more than there are arms), then balanced
 * over the lines (4 arms that fit 3 a line become 2 + 2); each panel at most `maxSide` wide.
 */
export function panelGrid(width: number, arms: number, gap: number, minSide = 200, maxSide = 300): { columns: number; side: number } {
  const n = Math.max(1, arms);
  let columns = 1;
  for (let c = n; c >= 1; c--) {
    if ((width - (c - 1) * gap) / c >= minSide) {
      columns = c;
      break;
    }
  }
  const lines = Math.ceil(n / columns);
  columns = Math.ceil(n / lines);
  const side = Math.max(0, Math.min(maxSide, Math.floor((width - (columns - 1) * gap) / columns)));
  return { columns, side };
}

/** "−1.25": two decimals, a true minus sign. */
export function formatCoord(v: number): string {
  return v.toFixed(2).replace('-', '−');
}

