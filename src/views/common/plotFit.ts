import type { CSSProperties } from 'react';

/**
 * Projector mode draws a chart up to this many times larger: its type, lines and marks grow together, because
 * the chart is laid out in drawing units and the <svg>'s viewBox scales it to the page.
 */
export const MAX_PROJECTOR_SCALE = 2.2;

/** The drawing size (in drawing units) at which a chart's layout is comfortable; beyond it projector mode scales up. */
export interface Comfort {
  width: number;
  height: number;
}

/** A typical chart: wide enough that the convergence view keeps its two charts side by side (420 units). */
export const CHART_COMFORT: Comfort = { width: 440, height: 240 };

export interface PlotFit {
  /** CSS pixels per drawing unit: 1 in the lab; between 1 and MAX_PROJECTOR_SCALE in projector mode. */
  scale: number;
  /** The drawing's size in drawing units. In the lab the height is the view's fixed height (no layout shift). */
  width: number;
  height: number;
  /** Projector mode: the plot box takes what is left of its view's height, and the drawing fills the box. */
  fill: boolean;
}

/**
 * How a chart fits its box. In the lab: at its own scale and fixed height, the box's width. In projector mode:
 * the box's whole size (the view is fitted to the screen), drawn as large as the box allows while the drawing
 * keeps at least its comfortable size in drawing units.
 */
export function plotFit(box: { width: number; height: number }, projector: boolean, fixedHeight: number, comfort: Comfort = CHART_COMFORT): PlotFit {
  if (!projector) return { scale: 1, width: box.width, height: fixedHeight, fill: false };
  const scale = box.width > 0 && box.height > 0 ? Math.min(MAX_PROJECTOR_SCALE, Math.max(1, Math.min(box.width / comfort.width, box.height / comfort.height))) : 1;
  return { scale, width: box.width / scale, height: box.height / scale, fill: true };
}

/** A plot box in projector mode: the rest of its view's height (the view and its body are flex columns there). */
export const FILL_BOX: CSSProperties = { flex: '1 1 0', minHeight: 0 };

/** The plot box's style: a fixed height in the lab; in projector mode the rest of its view (see classroom.css). */
export function plotBoxStyle(fit: PlotFit, labHeight: number): CSSProperties {
  return fit.fill ? FILL_BOX : { height: labHeight };
}

/** An <svg>'s size on the page for a drawing of `width` × `height` drawing units at `scale`, with the viewBox that scales it. */
export function svgSize(scale: number, width: number, height: number): { width: number; height: number; viewBox?: string } {
  if (scale === 1) return { width, height };
  return { width: width * scale, height: height * scale, viewBox: `0 0 ${width} ${height}` };
}

export interface PanelFit {
  columns: number;
  rows: number;
  /** CSS pixels per drawing unit. */
  scale: number;
  /** One panel's size in drawing units (its size on the page is this times `scale`). */
  width: number;
  height: number;
}

/**
 * Projector mode for a view of `count` small charts in a grid (internal covariate shift's three): the number of
 * columns whose panels come closest to their comfortable size, then drawn as large as that allows.
 */
export function fitPanels(box: { width: number; height: number }, count: number, gap: number, comfort: Comfort): PanelFit {
  let best: PanelFit | null = null;
  let bestScore = -Infinity;
  for (let columns = Math.max(1, count); columns >= 1; columns--) {
    const rows = Math.ceil(count / columns);
    const w = (box.width - gap * (columns - 1)) / columns;
    const h = (box.height - gap * (rows - 1)) / rows;
    const score = Math.min(w / comfort.width, h / comfort.height);
    if (score > bestScore) {
      bestScore = score;
      const scale = Math.min(MAX_PROJECTOR_SCALE, Math.max(1, score));
      best = { columns, rows, scale, width: Math.max(0, w / scale), height: Math.max(0, h / scale) };
    }
  }
  return best!;
}

/**
 * Projector mode for square panels (the decision boundary, one per arm): the columns that give the largest square,
 * when each panel also carries `chrome` pixels of text above and below its square. Sizes in CSS pixels.
 */
export function fitSquares(box: { width: number; height: number }, count: number, gap: { x: number; y: number }, chrome: number): { columns: number; side: number } {
  let best = { columns: 1, side: 0 };
  for (let columns = Math.max(1, count); columns >= 1; columns--) {
    const rows = Math.ceil(count / columns);
    const side = Math.floor(Math.min((box.width - gap.x * (columns - 1)) / columns, (box.height - gap.y * (rows - 1)) / rows - chrome));
    if (side > best.side) best = { columns, side };
  }
  return best;
}
