import { useMemo, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { usePlotPointer } from '../common/usePlotPointer';
import { svgSize } from '../common/plotFit';
import { PlotTooltip } from '../common/PlotTooltip';
import { dotsPath } from './dots';
import { formatNumber, nearestPoint, scatterScales, type Margins, type ScatterPoint } from './inspectorMath';

const MARGIN: Margins = { top: 8, right: 10, bottom: 30, left: 50 };
const HIT_RADIUS = 12;
const DOT_RADIUS = 2.6;

export interface StatScatterProps {
  /** For the read-out: "mean" or "variance". */
  stat: string;
  /** The read-out's names of the two values, e.g. "batch μ_B" and "running mean". */
  batchName: ReactNode;
  runningName: string;
  xLabel: ReactNode;
  yLabel: ReactNode;
  points: ScatterPoint[];
  domain: [number, number];
  /** In drawing units; `scale` CSS pixels each (above 1 on a projector, where the scatter is drawn larger). */
  width: number;
  height: number;
  scale?: number;
  color: string;
  /** The unit whose detail is shown (ringed). */
  selected: number;
  /** The unit under the pointer in either scatter (ringed in both). */
  hovered: number | null;
  units: number;
  onHover(unit: number | null): void;
  onSelect(unit: number): void;
}

/** One statistic of a batch-norm layer, one dot per unit: the mini-batch value (y) against the running one (x). */
export function StatScatter({ stat, batchName, runningName, xLabel, yLabel, points, domain, width, height, scale = 1, color, selected, hovered, units, onHover, onSelect }: StatScatterProps) {
  const s = useMemo(() => scatterScales(domain, width, height, MARGIN), [domain, width, height]);
  // d3 may return more ticks than asked for ([0, 0.2] in 3 gives 5): keep every k-th so labels never touch.
  const xTicks = spacedTicks(s.x.ticks(width > 240 ? 4 : 3), s.x.tickFormat(width > 240 ? 4 : 3), width - MARGIN.left - MARGIN.right);
  const yTicks = s.y.ticks(3);
  const fmtX = s.x.tickFormat(width > 240 ? 4 : 3);
  const fmtY = s.y.tickFormat(3);
  const [x0, x1] = s.x.range() as [number, number];
  const [y0, y1] = s.y.range() as [number, number];
  const [tip, setTip] = useState<ScatterPoint | null>(null);
  // One path for all the dots (dots.ts says why), rebuilt only when the probe or the size changes, not on hover.
  const dots = useMemo(() => dotsPath(points, s.x, s.y, DOT_RADIUS), [points, s]);

  const pick = (e: MouseEvent<SVGRectElement>) => {
    const r = e.currentTarget.ownerSVGElement!.getBoundingClientRect();
    return nearestPoint(points, s, (e.clientX - r.left) / scale, (e.clientY - r.top) / scale, HIT_RADIUS);
  };
  const onMove = (e: MouseEvent<SVGRectElement>) => {
    const p = pick(e);
    setTip(p);
    onHover(p ? p.unit : null);
  };
  const onLeave = () => {
    setTip(null);
    onHover(null);
  };
  // A tap shows the unit's read-out as hovering does (and chooses the unit, as a click does).
  const pointer = usePlotPointer(onMove, onLeave);
  const onKey = (e: KeyboardEvent<SVGSVGElement>) => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : 0;
    if (!step || units <= 0) return;
    e.preventDefault();
    onSelect((selected + step + units) % units);
  };

  const sel = points.find((p) => p.unit === selected);
  const hov = hovered !== null && hovered !== selected ? points.find((p) => p.unit === hovered) : undefined;
  // The read-out stays inside the scatter's column: centred over the point, above it when there is room.

  return (
    <div className="inspector-scatter" style={{ width: width * scale, height: height * scale }}>
      <svg
        {...svgSize(scale, width, height)}
        tabIndex={0}
        role="img"
        aria-label={`Batch ${stat} against running ${stat}, one dot per unit; arrow keys choose a unit`}
        onKeyDown={onKey}
      >
        <g className="inspector-axis">
          {xTicks.map((t) => (
            <g key={`x${t}`} transform={`translate(${s.x(t)},${y0})`}>
              <line y2={4} />
              <text y={15} textAnchor="middle">
                {fmtX(t)}
              </text>
            </g>
          ))}
          {yTicks.map((t) => (
            <g key={`y${t}`} transform={`translate(${x0},${s.y(t)})`}>
              <line x2={-4} />
              <text x={-6} dy="0.32em" textAnchor="end">
                {fmtY(t)}
              </text>
            </g>
          ))}
          <line className="inspector-frame" x1={x0} x2={x1} y1={y0} y2={y0} />
          <line className="inspector-frame" x1={x0} x2={x0} y1={y0} y2={y1} />
          <text className="inspector-axis-label" x={(x0 + x1) / 2} y={height - 2} textAnchor="middle">
            {xLabel}
          </text>
          <text className="inspector-axis-label" transform={`translate(11,${(y0 + y1) / 2}) rotate(-90)`} textAnchor="middle">
            {yLabel}
          </text>
        </g>
        {/* y = x: where the mini-batch's statistic equals the running estimate. */}
        <line className="inspector-diagonal" x1={x0} y1={y0} x2={x1} y2={y1} />
        {/* Its key sits in the empty lower-right corner, away from the points along the diagonal. */}
        <g className="inspector-diagonal-key" transform={`translate(${x1 - 4},${y0 - 6})`}>
          <line className="inspector-diagonal" x1={-58} x2={-42} />
          <text className="inspector-diagonal-label" textAnchor="end" dy="0.32em">
            y = x
          </text>
        </g>
        {points.length === 0 && (
          <text className="inspector-no-data" x={(x0 + x1) / 2} y={(y0 + y1) / 2} dy="0.32em" textAnchor="middle">
            no finite values
          </text>
        )}
        <path className="inspector-dots" d={dots} fill={color} fillOpacity={0.7} />
        {hov && <circle className="inspector-hover-ring" cx={s.x(hov.x)} cy={s.y(hov.y)} r={5.5} />}
        {sel && <circle className="inspector-selected-ring" cx={s.x(sel.x)} cy={s.y(sel.y)} r={5.5} />}
        <rect
          className="inspector-overlay"
          x={x0}
          y={y1}
          width={Math.max(0, x1 - x0)}
          height={Math.max(0, y0 - y1)}
          {...pointer}
          onClick={(e) => {
            const p = pick(e);
            if (p) onSelect(p.unit);
          }}
        />
      </svg>
      {tip && (
        <PlotTooltip px={s.x(tip.x) * scale} py={s.y(tip.y) * scale} boxWidth={width * scale} boxHeight={height * scale} className="inspector-tooltip">
          <strong>unit {tip.unit + 1}</strong>
          <br />
          {batchName} {formatNumber(tip.y)}
          <br />
          {runningName} {formatNumber(tip.x)}
        </PlotTooltip>
      )}
    </div>
  );
}

/** Every k-th tick, the smallest k at which labels of about 7 px a character have a gap of at least 8 px. */
function spacedTicks(ticks: number[], format: (v: number) => string, pixels: number): number[] {
  if (ticks.length < 3) return ticks;
  const label = Math.max(...ticks.map((t) => format(t).length)) * 7 + 8;
  const every = Math.max(1, Math.ceil((label * (ticks.length - 1)) / Math.max(1, pixels)));
  return ticks.filter((_, i) => i % every === 0);
}
