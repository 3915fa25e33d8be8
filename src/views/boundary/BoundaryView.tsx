import { memo, useEffect, useMemo, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import type { BoundaryGrid } from '../../engine/probes/types';
import { useLab } from '../../store/context';
import { ViewFigure } from '../common/ViewFigure';
import { armColor, armDash, armTextColor } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { FILL_BOX, MAX_PROJECTOR_SCALE, fitSquares, svgSize } from '../common/plotFit';
import {
  boundaryPixels,
  classColor,
  classCount,
  formatCoord,
  gridIsDiverged,
  panelGrid,
  planeScales,
  pointPositions,
  pointsExtent,
  probsAt,
} from './boundaryMath';
import './boundary.css';
import { formatFraction, formatStep } from '../common/format';

const GAP = 16;
const MARGIN = { top: 6, right: 10, bottom: 36, left: 44 };
/** On a projector a panel is drawn larger once its square is this many drawing units. */
const PROJECTOR_SIDE = 260;
/** A panel's text on a projector, in rem: its title (1.5) and its read-out (2.6) around the square (boundary.css). */
const PANEL_TEXT_REM = 4.1;

type Extent = [number, number, number, number];

interface Hover {
  /** Input coordinates under the pointer. */
  x: number;
  y: number;
}

/**
 * Each arm's prediction over the 2-D input plane (a canvas heat map: colour = predicted class, opacity =
 * confidence) with SVG axes and the test points over it. Renders nothing for datasets that are not 2-D.
 */
export function BoundaryView() {
  const points = useLab((s) => s.run.points);
  const arms = useLab((s) => s.run.arms);
  const numClasses = useLab((s) => s.run.numClasses);
  const latest = useLab((s) => s.latest);
  const theme = useLab((s) => s.view.theme);
  const [ref, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<Hover | null>(null);
  const projector = useLab((s) => s.view.projector);

  const armCount = Math.max(1, arms.length);
  // In the lab the width decides; on a projector the panels fill the view's box, as large squares as fit, and
  // are drawn larger (`scale` CSS pixels per drawing unit).
  const rem = projector ? parseFloat(getComputedStyle(document.documentElement).fontSize) || 16 : 16;
  const fitted = projector && size.width > 0 && size.height > 0 ? fitSquares(size, armCount, { x: GAP, y: 10 }, Math.ceil(PANEL_TEXT_REM * rem)) : null;
  const { columns, side: sidePx } = fitted ?? panelGrid(size.width, armCount, GAP);
  const scale = fitted ? Math.min(MAX_PROJECTOR_SCALE, Math.max(1, sidePx / PROJECTOR_SIDE)) : 1;
  const side = sidePx / scale;
  const plot = Math.max(40, side - MARGIN.left - MARGIN.right);

  // The plane the engine sampled (the same for every arm and probe of a run), as a string so it stays stable.
  const extentKey = useLab((s) => s.latest?.arms.find((a) => a.boundary)?.boundary?.extent.join(',') ?? null);
  const firstGrid = latest?.arms.find((a) => a.boundary)?.boundary ?? null;
  const extent: Extent = useMemo(
    () => (extentKey ? (extentKey.split(',').map(Number) as Extent) : points ? pointsExtent(points.xy) : [-1, 1, -1, 1]),
    [extentKey, points],
  );
  const k = numClasses > 0 ? numClasses : firstGrid ? classCount(firstGrid, 0) : 2;

  // The test points never change during a run: lay them out once per size, share the marks between panels.
  const pointMarks = useMemo(() => {
    if (!points) return null;
    return (
      <g className="bnd-points" pointerEvents="none">
        {pointPositions(points.xy, points.labels, extent, plot).map((p, i) => (
          <circle key={i} cx={p.cx} cy={p.cy} r={plot > 220 ? 3.2 : 2.6} style={{ fill: classColor(p.label) }} />
        ))}
      </g>
    );
  }, [points, extent, plot]);

  if (!points) return null;

  return (
    <ViewFigure
      title="Decision boundary"
      caption="Each arm's prediction over the input plane, with the test points: watch the boundary form as training proceeds."
      className="boundary-view"
      legend={<ClassLegend count={k} />}
    >
      <div ref={ref} className="bnd-grid" style={{ gridTemplateColumns: `repeat(${columns}, ${sidePx}px)`, ...(projector ? FILL_BOX : {}) }}>
        {side > 0 &&
          (arms.length ? arms : [{ name: '' }]).map((arm, i) => {
            const probe = latest?.arms[i];
            return (
              <BoundaryPanel
                key={i}
                name={arm.name}
                color={armColor(i, theme)}
                nameColor={armTextColor(i, theme)}
                dash={armDash(i)}
                side={side}
                scale={scale}
                plot={plot}
                extent={extent}
                grid={probe?.boundary ?? null}
                numClasses={k}
                accuracy={probe?.testAccuracy}
                divergedAt={probe?.divergedAt ?? null}
                waiting={!probe?.boundary}
                points={pointMarks}
                hover={hover}
                onHover={setHover}
              />
            );
          })}
      </div>
    </ViewFigure>
  );
}

interface PanelProps {
  name: string;
  color: string;
  /** The arm's name in text: its colour at 4.5:1 on the panel (palette.ts). */
  nameColor: string;
  dash: string;
  /** The panel's width and its plot's side in drawing units, and CSS pixels per drawing unit. */
  side: number;
  scale: number;
  plot: number;
  extent: Extent;
  grid: BoundaryGrid | null;
  numClasses: number;
  accuracy: number | undefined;
  divergedAt: number | null;
  waiting: boolean;
  points: ReactNode;
  hover: Hover | null;
  onHover(h: Hover | null): void;
}

const BoundaryPanel = memo(function BoundaryPanel({
  name,
  color,
  nameColor,
  dash,
  side,
  scale,
  plot,
  extent,
  grid,
  numClasses,
  accuracy,
  divergedAt,
  waiting,
  points,
  hover,
  onHover,
}: PanelProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const diverged = divergedAt !== null || (grid !== null && gridIsDiverged(grid));
  const pixels = useMemo(() => (grid && !diverged ? boundaryPixels(grid, numClasses) : null), [grid, diverged, numClasses]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || !grid) return;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (pixels) ctx.putImageData(new ImageData(pixels, grid.size, grid.size), 0, 0);
  }, [pixels, grid]);

  const { x, y } = planeScales(extent, plot);
  const ticks = (scale: typeof x) => scale.ticks(plot > 200 ? 5 : 4);
  const height = MARGIN.top + plot + MARGIN.bottom;
  const probs = hover && grid && !diverged ? probsAt(grid, numClasses, hover.x, hover.y) : null;
  const inside = hover && hover.x >= extent[0] && hover.x <= extent[1] && hover.y >= extent[2] && hover.y <= extent[3];

  const move = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    onHover({ x: x.invert((e.clientX - box.left) / scale), y: y.invert((e.clientY - box.top) / scale) });
  };
  const pointer = usePlotPointer(move, () => onHover(null));

  return (
    <div className="bnd-panel" style={{ width: side * scale }}>
      <div className="bnd-title">
        <svg width="22" height="10" aria-hidden="true">
          <line x1="1" x2="21" y1="5" y2="5" stroke={color} strokeWidth="3" strokeDasharray={dash} />
        </svg>
        <span className="bnd-name" style={{ color: nameColor }}>
          {name}
        </span>
        <span className="bnd-acc">{diverged ? 'diverged' : accuracy !== undefined ? `test accuracy ${formatFraction(accuracy)}` : ''}</span>
      </div>
      <div className="bnd-plot" style={{ height: height * scale }}>
        {grid && !diverged && (
          <canvas
            ref={canvasRef}
            width={grid.size}
            height={grid.size}
            className="bnd-canvas"
            style={{ left: MARGIN.left * scale, top: MARGIN.top * scale, width: plot * scale, height: plot * scale }}
            aria-hidden="true"
          />
        )}
        <svg {...svgSize(scale, side, height)} role="img" aria-label={`${name}: predicted class over the input plane, with the test points`}>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <rect className={`bnd-frame${diverged ? ' diverged' : ''}`} width={plot} height={plot} />
            {ticks(x).map((t) => (
              <g key={`x${t}`} transform={`translate(${x(t)},${plot})`} className="bnd-tick">
                <line y2={5} />
                <text y={18} textAnchor="middle">
                  {formatTick(t)}
                </text>
              </g>
            ))}
            {ticks(y).map((t) => (
              <g key={`y${t}`} transform={`translate(0,${y(t)})`} className="bnd-tick">
                <line x2={-5} />
                <text x={-8} dy="0.32em" textAnchor="end">
                  {formatTick(t)}
                </text>
              </g>
            ))}
            <text className="bnd-axis-title" x={plot / 2} y={plot + 32} textAnchor="middle">
              x₁
            </text>
            <text className="bnd-axis-title" transform={`translate(${-MARGIN.left + 12},${plot / 2}) rotate(-90)`} textAnchor="middle">
              x₂
            </text>
            <g className={diverged ? 'bnd-dim' : undefined}>{points}</g>
            {diverged && (
              <text className="bnd-status diverged" x={plot / 2} y={plot / 2} textAnchor="middle">
                diverged{divergedAt !== null ? ` at step ${formatStep(divergedAt)}` : ''}
              </text>
            )}
            {!diverged && waiting && (
              <text className="bnd-status" x={plot / 2} y={plot / 2} textAnchor="middle">
                waiting for the first probe…
              </text>
            )}
            {hover && inside && (
              <g className="bnd-cross" pointerEvents="none">
                <line x1={x(hover.x)} x2={x(hover.x)} y1={0} y2={plot} />
                <line x1={0} x2={plot} y1={y(hover.y)} y2={y(hover.y)} />
                <circle cx={x(hover.x)} cy={y(hover.y)} r={4} />
              </g>
            )}
            <rect className="bnd-overlay" width={plot} height={plot} {...pointer} />
          </g>
        </svg>
      </div>
      <div className="bnd-readout" aria-live="off">
        {hover && inside ? (
          <>
            <div>
              x₁ = {formatCoord(hover.x)}, x₂ = {formatCoord(hover.y)}
            </div>
            <div className="bnd-probs">
              {probs
                ? probs.map((p, c) => (
                    <span key={c} className="bnd-prob">
                      <span className="bnd-swatch" style={{ background: classColor(c) }} aria-hidden="true" />
                      <span className="visually-hidden">class {c}: </span>
                      {formatFraction(p)}
                    </span>
                  ))
                : diverged
                  ? 'no prediction: diverged'
                  : 'no prediction yet'}
            </div>
          </>
        ) : (
          <div className="bnd-hint">hover or tap: class probabilities</div>
        )}
      </div>
    </div>
  );
});

function formatTick(v: number): string {
  return String(Math.round(v * 100) / 100).replace('-', '−');
}

function ClassLegend({ count }: { count: number }) {
  return (
    <ul className="bnd-legend" aria-label="Classes">
      {Array.from({ length: count }, (_, c) => (
        <li key={c}>
          <span className="bnd-swatch" style={{ background: classColor(c) }} aria-hidden="true" />
          class {c}
        </li>
      ))}
      <li>
        <svg width="12" height="12" aria-hidden="true">
          <circle cx="6" cy="6" r="4" className="bnd-legend-point" />
        </svg>
        test point (coloured by its true class)
      </li>
      <li className="bnd-legend-note">pale = unsure, strong = confident</li>
    </ul>
  );
}
