import { useMemo, useState, type PointerEvent } from 'react';
import type { ExperimentConfig } from '../../config/schema';
import { LANDSCAPE_MULTIPLIERS } from '../../engine/probes/landscapeSteps';
import { useLab, useLabStore } from '../../store/context';
import { ArmLegend } from '../common/ArmLegend';
import { ArmSwatch } from '../common/ArmSwatch';
import { formatStep } from '../common/format';
import { armColor, armDash } from '../common/palette';
import { FILL_BOX, fitPanels, svgSize } from '../common/plotFit';
import { PlotTooltip } from '../common/PlotTooltip';
import { ScheduleMarks } from '../common/ScheduleMarks';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { ViewFigure } from '../common/ViewFigure';
import { axisTicks, leftMargin, linePath, linearScale, logScale, type Scale } from '../ics/icsMath';
import { landscapeCaption } from './landscapeCaption';
import {
  edges,
  formatRange,
  formatValue,
  hasData,
  landscapeSeries,
  nearestIndex,
  rangePath,
  stepDomain,
  valuesAt,
  yDomain,
  type ChartKind,
  type LandscapeArmSeries,
} from './landscapeMath';
import './landscape.css';

const CHART_HEIGHT = 230;
/** On a projector each chart is drawn larger once it has at least this many drawing units. */
const PROJECTOR_COMFORT = { width: 240, height: 170 };
const GAP = 14;
const MIN_CHART_WIDTH = 200;
const MARGIN = { top: 10, right: 12, bottom: 38 };

const LABELS: Record<ChartKind, string> = {
  loss: 'loss along −∇L (range)',
  gradient: '‖∇L(w) − ∇L(w − ηg)‖₂ (range)',
  beta: 'effective β-smoothness',
};

interface Hover {
  step: number;
  gx: number;
  gy: number;
}

export interface LandscapeViewProps {
  /** Applies a configuration that restarts the run (the lab's `apply`: it resets and says so). */
  apply(config: ExperimentConfig, what: string): void;
}

const multipliers = `${LANDSCAPE_MULTIPLIERS[0]}–${LANDSCAPE_MULTIPLIERS[LANDSCAPE_MULTIPLIERS.length - 1]}×`;

/**
 * The loss landscape along the gradient, as Santurkar et al. (2018, §3.1, Figure 4) draw it: per arm over training,
 * the band of the loss over the step sizes, the band of the gradient's change, and the effective β-smoothness.
 * Measured only when the configuration asks (`probe.landscape`): otherwise the view offers to turn it on.
 */
export function LandscapeView({ apply }: LandscapeViewProps) {
  const store = useLabStore();
  const revision = useLab((s) => s.revision);
  const history = useLab((s) => s.history);
  const measuring = useLab((s) => s.config.probe.landscape);
  const theme = useLab((s) => s.view.theme);
  const projector = useLab((s) => s.view.projector);
  const [log, setLog] = useState(false);

  // The history arrays grow in place; `revision` is what tells us they changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the change signal, not an input
  const series = useMemo(() => landscapeSeries(history), [history, revision]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the change signal, not an input
  const caption = useMemo(() => landscapeCaption(history, measuring), [history, measuring, revision]);

  const setMeasuring = (on: boolean) => {
    const config = store.getState().config;
    apply({ ...config, probe: { ...config.probe, landscape: on } }, on ? 'the loss-landscape measurement (now on)' : 'the loss-landscape measurement (now off)');
  };

  return (
    <ViewFigure
      title="Loss landscape"
      caption={caption}
      className="landscape-view"
      tools={
        measuring ? (
          <>
            <label className="landscape-toggle">
              <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale (‖Δ∇L‖, β)
            </label>
            <button type="button" className="landscape-stop" onClick={() => setMeasuring(false)} title="Probes go back to their usual cost">
              Stop measuring (restarts the run)
            </button>
          </>
        ) : undefined
      }
      legend={measuring ? <ArmLegend /> : undefined}
    >
      {measuring ? (
        <>
          <p className="landscape-note" data-testid="landscape-note">
            At every probe each arm steps from its weights w along −g, g = ∇L(w) on the probe step’s mini-batch, by η = {multipliers} its
            learning rate; a band spans its {LANDSCAPE_MULTIPLIERS.length} step sizes (the loss band also L(w)).
          </p>
          <LandscapeCharts series={series} theme={theme} projector={projector} log={log} />
        </>
      ) : (
        <div className="landscape-off">
          <p>
            Each probe would walk every arm along its gradient by {multipliers} its learning rate and record the loss and the gradient
            there (Santurkar et al. 2018, §3.1): {LANDSCAPE_MULTIPLIERS.length} more forward and backward passes per arm, so it is off unless asked for.
          </p>
          <button type="button" className="primary" onClick={() => setMeasuring(true)}>
            Measure the landscape (restarts the run)
          </button>
        </div>
      )}
    </ViewFigure>
  );
}

/**
 * The three charts and their read-out: a component of its own, mounted when the measurement is on, so that its size
 * is measured from the moment its grid exists.
 */
function LandscapeCharts({ series, theme, projector, log }: { series: LandscapeArmSeries[]; theme: 'light' | 'dark'; projector: boolean; log: boolean }) {
  const [hover, setHover] = useState<Hover | null>(null);
  const [ref, size] = useSize<HTMLDivElement>();
  const empty = !hasData(series);
  const domains = useMemo(
    () => ({ x: stepDomain(series), loss: yDomain(series, 'loss'), gradient: yDomain(series, 'gradient', log), beta: yDomain(series, 'beta', log) }),
    [series, log],
  );
  // In the lab: as many columns of fixed-height charts as fit. On a projector: the three charts fill the box, in the
  // arrangement closest to their comfortable size, drawn larger (their drawing units scaled up).
  const width = size.width;
  const panels = projector && width > 0 && size.height > 0 ? fitPanels(size, 3, GAP, PROJECTOR_COMFORT) : null;
  const columns = panels ? panels.columns : Math.max(1, Math.min(3, Math.floor((width + GAP) / (MIN_CHART_WIDTH + GAP))));
  const chartWidth = panels ? panels.width : width > 0 ? Math.floor((width - GAP * (columns - 1)) / columns) : 0;
  const chart = panels ? { height: panels.height, scale: panels.scale } : { height: CHART_HEIGHT, scale: 1 };
  const common = { width: chartWidth, ...chart, xDomain: domains.x, series, theme, hover, onHover: setHover, empty };
  return (
    <div ref={ref} className="landscape-grid" style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, ...(projector ? FILL_BOX : {}) }}>
      {chartWidth > 0 && (
        <>
          <LandscapeChart {...common} kind="loss" yDomain={domains.loss} />
          <LandscapeChart {...common} kind="gradient" yDomain={domains.gradient} log={log} />
          <LandscapeChart {...common} kind="beta" yDomain={domains.beta} log={log} />
        </>
      )}
      {hover && !empty && (
        <PlotTooltip px={hover.gx} py={hover.gy} boxWidth={width} boxHeight={size.height} className="landscape-tooltip">
          <LandscapeTooltip series={series} step={hover.step} theme={theme} />
        </PlotTooltip>
      )}
    </div>
  );
}

interface LandscapeChartProps {
  kind: ChartKind;
  width: number;
  height: number;
  scale: number;
  xDomain: [number, number];
  yDomain: [number, number];
  log?: boolean;
  series: LandscapeArmSeries[];
  theme: 'light' | 'dark';
  hover: Hover | null;
  onHover(h: Hover | null): void;
  empty: boolean;
}

function LandscapeChart({ kind, width, height, scale, xDomain, yDomain, log = false, series, theme, hover, onHover, empty }: LandscapeChartProps) {
  const innerH = height - MARGIN.top - MARGIN.bottom;
  const yScale = (log ? logScale : linearScale)(yDomain, [innerH, 0]);
  const yTicks = axisTicks(yScale, 5, log);
  const left = leftMargin(yTicks);
  const innerW = Math.max(10, width - left - MARGIN.right);
  const x: Scale = linearScale(xDomain, [0, innerW]);
  const y: Scale = yScale;
  const xTicks = axisTicks(x, Math.max(2, Math.floor(innerW / 80)));
  const yLabel = LABELS[kind];

  const schedule = useLab((s) => s.config.schedule);
  const hoverIndex = hover && series[0] ? nearestIndex(series[0].steps, hover.step) : -1;
  const hoverStep = hoverIndex >= 0 ? series[0]!.steps[hoverIndex]! : null;

  const move = (e: PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const gridBox = e.currentTarget.closest('.landscape-grid')?.getBoundingClientRect() ?? box;
    const steps = series[0]?.steps ?? [];
    const i = nearestIndex(steps, x.invert((e.clientX - box.left) / scale));
    if (i < 0) return;
    onHover({ step: steps[i]!, gx: e.clientX - gridBox.left, gy: e.clientY - gridBox.top });
  };
  const pointer = usePlotPointer(move, () => onHover(null));
  const ok = (v: number) => Number.isFinite(v) && (!log || v > 0);

  return (
    <div className="landscape-chart" style={{ height: height * scale }}>
      <svg {...svgSize(scale, width, height)} role="img" aria-label={`${yLabel} over training steps`}>
        <g transform={`translate(${left},${MARGIN.top})`}>
          {yTicks.map((t) => (
            <g key={t.value} transform={`translate(0,${y(t.value)})`} className="landscape-tick">
              <line x1={0} x2={innerW} className="landscape-grid-line" />
              <text x={-6} dy="0.32em" textAnchor="end">
                {t.label}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <g key={t.value} transform={`translate(${x(t.value)},${innerH})`} className="landscape-tick">
              <line y1={0} y2={5} className="landscape-axis-line" />
              <text y={18} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          <ScheduleMarks events={schedule} x={x} domain={[xDomain[0], xDomain[1]]} top={0} bottom={innerH} label={false} />
          <line x1={0} x2={innerW} y1={innerH} y2={innerH} className="landscape-axis-line" />
          <line x1={0} x2={0} y1={0} y2={innerH} className="landscape-axis-line" />
          <text className="landscape-axis-title" x={innerW / 2} y={innerH + 33} textAnchor="middle">
            training step
          </text>
          <text className="landscape-axis-title" transform={`translate(${-left + 14},${innerH / 2}) rotate(-90)`} textAnchor="middle">
            {yLabel}
          </text>

          {!empty &&
            series.map((s) => {
              const [lo, hi] = edges(s, kind);
              const color = armColor(s.arm, theme);
              // A band: its fill, and its two edges in the arm's stroke (the dash tells the arms apart without colour).
              return (
                <g key={s.arm}>
                  {kind !== 'beta' && <path d={rangePath(s.steps, lo, hi, x, y, log)} fill={color} className="landscape-band" />}
                  {(kind === 'beta' ? [hi] : [lo, hi]).map((edge, e) => (
                    <path key={e} d={linePath(s.steps, edge, x, y, log)} fill="none" stroke={color} strokeDasharray={armDash(s.arm)} strokeWidth={kind === 'beta' ? 2 : 1.5} />
                  ))}
                </g>
              );
            })}
          {empty && (
            <text className="landscape-empty" x={innerW / 2} y={innerH / 2} textAnchor="middle">
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
            <g className="landscape-hover" pointerEvents="none">
              <line x1={x(hoverStep)} x2={x(hoverStep)} y1={0} y2={innerH} />
              {series.flatMap((s) => {
                const i = nearestIndex(s.steps, hoverStep);
                const [lo, hi] = edges(s, kind);
                return (kind === 'beta' ? [hi] : [lo, hi]).map((edge, e) => {
                  const v = i >= 0 ? edge[i]! : NaN;
                  return ok(v) ? <circle key={`${s.arm}-${e}`} cx={x(s.steps[i]!)} cy={y(v)} r={3.5} fill={armColor(s.arm, theme)} /> : null;
                });
              })}
            </g>
          )}
          <rect className="landscape-overlay" width={innerW} height={innerH} {...pointer} />
        </g>
      </svg>
    </div>
  );
}

/** Every arm's numbers at the hovered probe, written as the caption writes them. */
function LandscapeTooltip({ series, step, theme }: { series: LandscapeArmSeries[]; step: number; theme: 'light' | 'dark' }) {
  return (
    <>
      <div className="landscape-tooltip-step">step {formatStep(step)}</div>
      <table>
        <thead>
          <tr>
            <th scope="col">arm</th>
            <th scope="col">loss range</th>
            <th scope="col">‖Δ∇L‖ range</th>
            <th scope="col">β</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => {
            const v = valuesAt(s, nearestIndex(s.steps, step));
            return (
              <tr key={s.arm}>
                <th scope="row">
                  <ArmSwatch arm={s.arm} theme={theme} length={18} /> {s.name}
                </th>
                <td>{v ? formatRange(v.lossMin, v.lossMax) : '–'}</td>
                <td>{v ? formatRange(v.gradientChangeMin, v.gradientChangeMax) : '–'}</td>
                <td>{v ? formatValue(v.betaSmoothness) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
