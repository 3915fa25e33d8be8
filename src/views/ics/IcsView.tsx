import { useMemo, useState, type PointerEvent } from 'react';
import { ScheduleMarks } from '../common/ScheduleMarks';
import { PlotTooltip } from '../common/PlotTooltip';
import { ArmSwatch } from '../common/ArmSwatch';
import { useLab } from '../../store/context';
import { ViewFigure } from '../common/ViewFigure';
import { icsCaption } from './icsCaption';
import { ArmLegend } from '../common/ArmLegend';
import { armColor, armDash } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { FILL_BOX, fitPanels, svgSize } from '../common/plotFit';
import {
  axisTicks,
  bandPath,
  cosDomain,
  formatValue,
  hasData,
  icsSeries,
  inputDomain,
  l2Domain,
  layerNote,
  leftMargin,
  linePath,
  linearScale,
  logScale,
  nearestIndex,
  stepDomain,
  type IcsArmSeries,
  type Scale,
} from './icsMath';
import './ics.css';
import { formatStep } from '../common/format';

const CHART_HEIGHT = 230;
/** On a projector each chart is drawn larger once it has at least this many drawing units. */
const PROJECTOR_COMFORT = { width: 240, height: 170 };
const GAP = 14;
const MIN_CHART_WIDTH = 200;
const MARGIN = { top: 10, right: 12, bottom: 38 };

type ChartKind = 'l2' | 'cos' | 'input';

interface Hover {
  /** The probe step under the pointer (snapped to the nearest probe). */
  step: number;
  /** Pointer position within the grid of charts, for the tooltip. */
  gx: number;
  gy: number;
}

/**
 * Internal covariate shift as Santurkar et al. (2018) measure it, for the selected layer: how far the layer's
 * gradient moves (‖G − G′‖₂, cos(G, G′)) when the layers before it take their step, and how its input drifts.
 */
export function IcsView() {
  const revision = useLab((s) => s.revision);
  const history = useLab((s) => s.history);
  const layer = useLab((s) => s.view.layer);
  const theme = useLab((s) => s.view.theme);
  const [log, setLog] = useState(false);
  const [hover, setHover] = useState<Hover | null>(null);
  const [ref, size] = useSize<HTMLDivElement>();
  const projector = useLab((s) => s.view.projector);

  // The history arrays grow in place; `revision` is what tells us they changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the change signal, not an input
  const series = useMemo(() => icsSeries(history, layer), [history, layer, revision]);
  const empty = !hasData(series);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the change signal, not an input
  const caption = useMemo(() => icsCaption(history, layer), [history, layer, revision]);
  const domains = useMemo(
    () => ({ x: stepDomain(series), l2: l2Domain(series, log), cos: cosDomain(series), input: inputDomain(series) }),
    [series, log],
  );

  const width = size.width;
  // In the lab: as many columns of fixed-height charts as fit. On a projector: the three charts fill the box,
  // in the arrangement closest to their comfortable size, drawn larger (their drawing units scaled up).
  const panels = projector && width > 0 && size.height > 0 ? fitPanels(size, 3, GAP, PROJECTOR_COMFORT) : null;
  const columns = panels ? panels.columns : Math.max(1, Math.min(3, Math.floor((width + GAP) / (MIN_CHART_WIDTH + GAP))));
  const chartWidth = panels ? panels.width : width > 0 ? Math.floor((width - GAP * (columns - 1)) / columns) : 0;
  const chart = panels ? { height: panels.height, scale: panels.scale } : { height: CHART_HEIGHT, scale: 1 };

  const common = { width: chartWidth, ...chart, xDomain: domains.x, series, theme, hover, onHover: setHover, empty };

  return (
    <ViewFigure
      title="Internal covariate shift"
      caption={caption}
      className="ics-view"
      tools={
        <label className="ics-toggle">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale (‖G − G′‖₂)
        </label>
      }
      legend={<ArmLegend />}
    >
      <p className="ics-note" data-testid="ics-note">
        {layerNote(layer)}
      </p>
      <div ref={ref} className="ics-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, ...(projector ? FILL_BOX : {}) }}>
        {chartWidth > 0 && (
          <>
            <IcsChart {...common} kind="l2" yLabel="‖G − G′‖₂" yDomain={domains.l2} log={log} />
            <IcsChart {...common} kind="cos" yLabel="cos(G, G′)" yDomain={domains.cos} />
            <IcsChart {...common} kind="input" yLabel="layer input mean ± std" yDomain={domains.input} />
          </>
        )}
        {hover && !empty && (
          <PlotTooltip px={hover.gx} py={hover.gy} boxWidth={width} boxHeight={size.height} className="ics-tooltip">
            <IcsTooltip series={series} step={hover.step} theme={theme} />
          </PlotTooltip>
        )}
      </div>
    </ViewFigure>
  );
}

interface IcsChartProps {
  kind: ChartKind;
  /** The chart's size in drawing units, and CSS pixels per drawing unit (above 1 on a projector). */
  width: number;
  height: number;
  scale: number;
  yLabel: string;
  xDomain: [number, number];
  yDomain: [number, number];
  log?: boolean;
  series: IcsArmSeries[];
  theme: 'light' | 'dark';
  hover: Hover | null;
  onHover(h: Hover | null): void;
  empty: boolean;
}

function valuesOf(s: IcsArmSeries, kind: ChartKind): readonly number[] {
  return kind === 'l2' ? s.l2 : kind === 'cos' ? s.cos : s.inputMean;
}

function IcsChart({ kind, width, height, scale, yLabel, xDomain, yDomain, log = false, series, theme, hover, onHover, empty }: IcsChartProps) {
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const yTicksProbe = axisTicks((log ? logScale : linearScale)(yDomain, [innerH, 0]), 5, log);
  const left = leftMargin(yTicksProbe);
  const innerW = Math.max(10, width - left - MARGIN.right);
  const x: Scale = linearScale(xDomain, [0, innerW]);
  const y: Scale = (log ? logScale : linearScale)(yDomain, [innerH, 0]);
  const xTicks = axisTicks(x, Math.max(2, Math.floor(innerW / 80)));
  const yTicks = yTicksProbe;

  const schedule = useLab((s) => s.config.schedule);
  const hoverIndex = hover && series[0] ? nearestIndex(series[0].steps, hover.step) : -1;
  const hoverStep = hoverIndex >= 0 ? series[0]!.steps[hoverIndex]! : null;

  const move = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const gridBox = e.currentTarget.closest('.ics-grid')?.getBoundingClientRect() ?? box;
    const steps = series[0]?.steps ?? [];
    const i = nearestIndex(steps, x.invert((e.clientX - box.left) / scale));
    if (i < 0) return;
    onHover({ step: steps[i]!, gx: e.clientX - gridBox.left, gy: e.clientY - gridBox.top });
  };
  const pointer = usePlotPointer(move, () => onHover(null));

  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);

  return (
    <div className="ics-chart" style={{ height: height * scale }}>
      <svg {...svgSize(scale, width, height)} role="img" aria-label={`${yLabel} over training steps`}>
        <g transform={`translate(${left},${MARGIN.top})`}>
          {yTicks.map((t) => (
            <g key={t.value} transform={`translate(0,${y(t.value)})`} className="ics-tick">
              <line x1={0} x2={innerW} className="ics-grid-line" />
              <text x={-6} dy="0.32em" textAnchor="end">
                {t.label}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={t.value} transform={`translate(${x(t.value)},${innerH})`} className="ics-tick">
              <line y1={0} y2={5} className="ics-axis-line" />
              <text y={18} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          <ScheduleMarks events={schedule} x={x} domain={[xDomain[0], xDomain[1]]} top={0} bottom={innerH} label={false} />
          <line x1={0} x2={innerW} y1={innerH} y2={innerH} className="ics-axis-line" />
          <line x1={0} x2={0} y1={0} y2={innerH} className="ics-axis-line" />
          <text className="ics-axis-title" x={innerW / 2} y={innerH + 33} textAnchor="middle">
            training step
          </text>
          <text className="ics-axis-title" transform={`translate(${-left + 14},${innerH / 2}) rotate(-90)`} textAnchor="middle">
            {yLabel}
          </text>

          {!empty && (
            <g>
              {kind === 'input' &&
                series.map((s) => (
                  <path key={`band-${s.arm}`} d={bandPath(s.steps, s.inputMean, s.inputStd, x, y)} fill={armColor(s.arm, theme)} className="ics-band" />
                ))}
              {series.map((s) => (
                <path
                  key={s.arm}
                  d={linePath(s.steps, valuesOf(s, kind), x, y, log)}
                  fill="none"
                  stroke={armColor(s.arm, theme)}
                  strokeDasharray={armDash(s.arm)}
                  strokeWidth={2}
                />
              ))}
            </g>
          )}
          {empty && (
            <text className="ics-empty" x={innerW / 2} y={innerH / 2} textAnchor="middle">
              {innerW >= 190 ? (
                'waiting for the first probe…'
              ) : (
                <>
                  <tspan x={innerW / 2} dy="-0.2em">
                    waiting for
                  </tspan>
                  <tspan x={innerW / 2} dy="1.3em">
                    the first probe…
                  </tspan>
                </>
              )}
            </text>
          )}

          {hoverStep !== null && (
            <g className="ics-hover" pointerEvents="none">
              <line x1={x(hoverStep)} x2={x(hoverStep)} y1={0} y2={innerH} />
              {series.map((s) => {
                const i = nearestIndex(s.steps, hoverStep);
                const v = i >= 0 ? valuesOf(s, kind)[i]! : NaN;
                return ok(v) ? <circle key={s.arm} cx={x(s.steps[i]!)} cy={y(v)} r={4} fill={armColor(s.arm, theme)} /> : null;
              })}
            </g>
          )}
          <rect className="ics-overlay" width={innerW} height={innerH} {...pointer} />
        </g>
      </svg>
    </div>
  );
}

/** Exact values of every arm at the hovered probe. */
function IcsTooltip({ series, step, theme }: { series: IcsArmSeries[]; step: number; theme: 'light' | 'dark' }) {
  return (
    <>
      <div className="ics-tooltip-step">step {formatStep(step)}</div>
      <table>
        <thead>
          <tr>
            <th scope="col">arm</th>
            <th scope="col">‖G − G′‖₂</th>
            <th scope="col">cos</th>
            <th scope="col">input mean ± std</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const i = nearestIndex(s.steps, step);
            return (
              <tr key={s.arm}>
                <th scope="row">
                  <ArmSwatch arm={s.arm} theme={theme} length={18} />{' '}
                  {s.name}
                </th>
                <td>{formatValue(s.l2[i])}</td>
                <td>{formatValue(s.cos[i])}</td>
                <td>
                  {formatValue(s.inputMean[i])} ± {formatValue(s.inputStd[i])}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
