import { useId, useMemo, useState, type PointerEvent } from 'react';
import { scaleLinear, scaleLog } from 'd3';
import { ScheduleMarks } from '../common/ScheduleMarks';
import { describeChange } from '../../config/schedule';
import type { ConvergenceAxis } from '../../config/link';
import type { ScheduleEvent } from '../../config/schema';
import { convergenceCaption } from './convergenceCaption';
import { useLab } from '../../store/context';
import { ArmLegend } from '../common/ArmLegend';
import { PlotTooltip } from '../common/PlotTooltip';
import { ArmSwatch } from '../common/ArmSwatch';
import { ViewFigure } from '../common/ViewFigure';
import { armColor, armDash } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { plotBoxStyle, plotFit, svgSize } from '../common/plotFit';
import {
  MAX_SMOOTHING,
  STACK_BELOW,
  convergenceLayout,
  convergenceSeries,
  formatAccuracy,
  formatAccuracyTick,
  formatLoss,
  formatMs,
  formatSeconds,
  lossDefined,
  lossDomain,
  lossTicks,
  nearestIndex,
  secondsAtStep,
  seriesPath,
  xDomain,
  xTicks as axisTicks,
  xValues,
  type ConvergenceSeries,
} from './convergenceMath';
import './convergence.css';
import { formatStep } from '../common/format';

/** Fixed height of a chart (twice that when a narrow view stacks them): no layout shift while data streams. */
const HEIGHT = 260;
/** Projector mode: the drawing size at which the two charts are comfortable one above the other. */
const STACKED_COMFORT = { width: 260, height: 340 };


/**
 * The x axis's title: on the seconds axis each arm runs on its own clock, and the title says so where the chart is
 * wide enough to hold it (the caption and the read-out say it too).
 */
const xLabel = (axis: ConvergenceAxis, width: number) => (axis === 'steps' ? 'training step' : width >= 210 ? 'training seconds (each arm’s own)' : 'training seconds');

interface Hover {
  /** The x the read-out is at: a probe's step on the steps axis, the pointer's time on the seconds axis. */
  x: number;
  /** Pointer position within the plot box, for the tooltip. */
  px: number;
  py: number;
}

type Key = 'trainLoss' | 'testLoss' | 'testAccuracy';

/** The drawn value of a series: smoothed when smoothing is on, else raw. */
const drawn = (s: ConvergenceSeries, key: Key) => (s.smooth ? s.smooth[key] : s[key]);

/**
 * Training loss, test loss and test accuracy of every arm over training steps (Ioffe & Szegedy's Figure 1a),
 * with a log-scale loss axis and TensorBoard-style smoothing.
 */
export function ConvergenceView() {
  const revision = useLab((s) => s.revision);
  const history = useLab((s) => s.history);
  const arms = useLab((s) => s.run.arms);
  const numClasses = useLab((s) => s.run.numClasses);
  const testScored = useLab((s) => s.run.testScored);
  const numTest = useLab((s) => s.run.numTest);
  const theme = useLab((s) => s.view.theme);
  const logLoss = useLab((s) => s.view.logLoss);
  const smoothing = useLab((s) => s.view.smoothing);
  const xAxis = useLab((s) => s.view.xAxis);
  const schedule = useLab((s) => s.config.schedule);
  const setView = useLab((s) => s.setView);
  const projector = useLab((s) => s.view.projector);
  const [ref, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<Hover | null>(null);
  const uid = useId().replace(/[^a-zA-Z0-9_-]/g, '');
  const clipId = `conv-clip${uid}`;

  // History arrays grow in place: `revision` is what says they changed.
  const series = useMemo(() => (revision >= 0 ? convergenceSeries(history, smoothing) : []), [revision, history, smoothing]);
  const [xLo, xHi] = useMemo(() => xDomain(series, xAxis), [series, xAxis]);
  // Computed from the probes on screen: names whichever arm the numbers favour (on the two spirals, the plain net).
  const caption = useMemo(() => (revision >= 0 ? convergenceCaption(history, numClasses, xAxis) : ''), [revision, history, numClasses, xAxis]);
  const [lLo, lHi] = useMemo(() => lossDomain(series, logLoss), [series, logLoss]);
  // Laid out in drawing units; on a projector the box's whole height, shared by the two charts when they stack,
  // which they do there when a tall, narrow box lets stacked charts be drawn clearly larger than side by side.
  const beside = plotFit(size, projector, HEIGHT);
  const stacked = projector ? plotFit(size, true, HEIGHT, STACKED_COMFORT) : null;
  const fit = stacked && stacked.scale > 1.1 * beside.scale && stacked.width < STACK_BELOW ? stacked : beside;
  const wide = convergenceLayout(fit.width, fit.height);
  const layout = fit.fill && wide.stacked ? convergenceLayout(fit.width, fit.height / 2) : wide;
  const { margin, innerHeight, chartWidth, lossX, accX, lossY, accY, totalHeight } = layout;
  const top = margin.top;
  const bottom = top + innerHeight;
  const empty = series.every((s) => s.steps.length === 0);
  // All arms train in lockstep; the longest step list is the reference for the crosshair.
  const refSteps = series.reduce<readonly number[]>((a, s) => (s.steps.length > a.length ? s.steps : a), []);

  const scales = useMemo(() => {
    const x = scaleLinear().domain([xLo, xHi]).range([0, chartWidth]);
    const yRange = [top + innerHeight, top];
    const yLoss = logLoss ? scaleLog().domain([lLo, lHi]).range(yRange) : scaleLinear().domain([lLo, lHi]).range(yRange);
    const yAcc = scaleLinear().domain([0, 1]).range(yRange);
    return { x, yLoss, yAcc };
  }, [xLo, xHi, chartWidth, top, innerHeight, logLoss, lLo, lHi]);
  const { x, yLoss, yAcc } = scales;

  const paths = useMemo(() => {
    const def = lossDefined(logLoss);
    return series.map((s) => {
      const xs = xValues(s, xAxis);
      return {
        raw: s.smooth
          ? {
              trainLoss: seriesPath(xs, s.trainLoss, x, yLoss, def),
              testLoss: seriesPath(xs, s.testLoss, x, yLoss, def),
              testAccuracy: seriesPath(xs, s.testAccuracy, x, yAcc),
            }
          : null,
        trainLoss: seriesPath(xs, drawn(s, 'trainLoss'), x, yLoss, def),
        testLoss: seriesPath(xs, drawn(s, 'testLoss'), x, yLoss, def),
        testAccuracy: seriesPath(xs, drawn(s, 'testAccuracy'), x, yAcc),
      };
    });
  }, [series, x, yLoss, yAcc, logLoss, xAxis]);

  const xTicks = empty ? [] : axisTicks([xLo, xHi], xAxis, chartWidth);
  const onSeconds = xAxis === 'seconds';
  /** Where an arm's step falls on the x axis (on the seconds axis, at that arm's own training time). */
  const xOfStep = (s: ConvergenceSeries, step: number) => (onSeconds ? secondsAtStep(s.steps, s.seconds, step) : step);
  const lTicks = lossTicks([lLo, lHi], logLoss, innerHeight);
  const aTicks = yAcc.ticks(Math.max(2, Math.floor(innerHeight / 38)));
  const chance = numClasses > 1 ? 1 / numClasses : null;
  const colors = series.map((_, i) => armColor(i, theme));

  const onPoint = (e: PointerEvent<SVGRectElement>) => {
    const r = e.currentTarget.ownerSVGElement!.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    // The overlay spans its chart's plot area: the pointer's offset in it is the x scale's input.
    const local = (e.clientX - e.currentTarget.getBoundingClientRect().left) / fit.scale;
    const at = x.invert(Math.max(0, Math.min(chartWidth, local)));
    // Steps: snap to the probe under the pointer (all arms share it). Seconds: each arm has its own clock, so the
    // read-out is at the pointer's time and each arm shows its probe nearest to it.
    if (onSeconds) {
      setHover(empty ? null : { x: at, px, py });
      return;
    }
    const t = nearestIndex(refSteps, at);
    setHover(t < 0 ? null : { x: refSteps[t]!, px, py });
  };
  const pointer = usePlotPointer(onPoint, () => setHover(null));
  const hoverIdx = hover ? series.map((s) => nearestIndex(xValues(s, xAxis), hover.x)) : [];

  const tools = (
    <div className="conv-tools">
      <fieldset className="conv-axis">
        <legend>x axis</legend>
        {(['steps', 'seconds'] as const).map((a) => (
          <label key={a}>
            <input type="radio" name={`conv-x${uid}`} value={a} checked={xAxis === a} onChange={() => setView({ xAxis: a })} /> {a}
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" checked={logLoss} onChange={(e) => setView({ logLoss: e.target.checked })} /> log scale
      </label>
      <label className="conv-smoothing">
        smoothing
        <input
          type="range"
          min={0}
          max={MAX_SMOOTHING}
          step={0.05}
          value={smoothing}
          onChange={(e) => setView({ smoothing: Number(e.target.value) })}
          aria-valuetext={smoothing > 0 ? `exponential moving average, weight ${smoothing.toFixed(2)}` : 'off'}
        />
        <output className="conv-smoothing-value">{smoothing > 0 ? smoothing.toFixed(2) : 'off'}</output>
      </label>
    </div>
  );

  const legend = (
    <div className="conv-legend">
      <ArmLegend />
      <ul className="conv-key" aria-label="Line styles">
        <li>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" x2="25" y1="5" y2="5" className="conv-key-train" />
          </svg>
          train loss (thin)
        </li>
        <li>
          <svg width="26" height="10" aria-hidden="true">
            <line x1="1" x2="25" y1="5" y2="5" className="conv-key-test" />
          </svg>
          {testScored < numTest ? `test loss, accuracy (thick): the first ${testScored.toLocaleString('en-US')} of ${numTest.toLocaleString('en-US')} test examples` : 'test loss, accuracy (thick)'}
        </li>
        {smoothing > 0 && (
          <li>
            <svg width="26" height="10" aria-hidden="true">
              <line x1="1" x2="25" y1="5" y2="5" className="conv-key-raw" />
            </svg>
            raw (faint)
          </li>
        )}
      </ul>
    </div>
  );

  const chart = (kind: 'loss' | 'acc', left: number, offsetY: number) => {
    const isLoss = kind === 'loss';
    const y = isLoss ? yLoss : yAcc;
    const ticks = isLoss ? lTicks : aTicks.map((v) => ({ value: v, label: formatAccuracyTick(v) }));
    return (
      <g transform={`translate(${left},${offsetY})`}>
        <text className="conv-chart-title" x={0} y={margin.top - 8}>
          {isLoss ? 'loss' : 'test accuracy'}
        </text>
        <rect className="conv-frame" x={0} y={margin.top} width={chartWidth} height={innerHeight} />
        {ticks.map((t) => (
          <g key={t.value} transform={`translate(0,${y(t.value)})`}>
            {t.label !== '' && <line className="conv-grid" x2={chartWidth} />}
            <line className="conv-tick-mark" x1={-4} x2={0} />
            {t.label !== '' && (
              <text className="conv-tick" x={-7} dy="0.32em" textAnchor="end">
                {t.label}
              </text>
            )}
          </g>
        ))}
        {xTicks.map((t) => (
          <g key={t.value} transform={`translate(${x(t.value)},${bottom})`}>
            <line className="conv-tick-mark" y2={5} />
            <text className="conv-tick" y={18} textAnchor={x(t.value) > chartWidth - 14 ? 'end' : 'middle'}>
              {t.label}
            </text>
          </g>
        ))}
        <text className="conv-axis-label" transform={`translate(${-margin.left + 13},${margin.top + innerHeight / 2}) rotate(-90)`} textAnchor="middle">
          {isLoss ? `cross-entropy${logLoss ? ' (log)' : ''}` : 'accuracy (%)'}
        </text>
        <text className="conv-axis-label conv-x-label" x={chartWidth / 2} y={layout.height - 5} textAnchor="middle">
          {xLabel(xAxis, chartWidth)}
        </text>
        {!isLoss && chance !== null && (
          <g className="conv-chance">
            <line x1={0} x2={chartWidth} y1={yAcc(chance)} y2={yAcc(chance)} />
            <text x={chartWidth - 4} y={yAcc(chance) - 4} textAnchor="end">
              chance
            </text>
          </g>
        )}
        <g clipPath={`url(#${clipId})`}>
          {paths.map((p, i) => (
            <g key={i} stroke={colors[i]} strokeDasharray={armDash(i)} fill="none">
              {p.raw &&
                (isLoss ? (
                  <>
                    <path d={p.raw.trainLoss} className="conv-line conv-train conv-raw" />
                    <path d={p.raw.testLoss} className="conv-line conv-test conv-raw" />
                  </>
                ) : (
                  <path d={p.raw.testAccuracy} className="conv-line conv-test conv-raw" />
                ))}
              {isLoss ? (
                <>
                  <path d={p.trainLoss} className="conv-line conv-train" />
                  <path d={p.testLoss} className="conv-line conv-test" />
                </>
              ) : (
                <path d={p.testAccuracy} className="conv-line conv-test" />
              )}
            </g>
          ))}
        </g>
        {onSeconds ? (
          <ArmScheduleMarks events={schedule} series={series} colors={colors} x={(s, step) => x(secondsAtStep(s.steps, s.seconds, step))} top={margin.top} bottom={bottom} />
        ) : (
          <ScheduleMarks events={schedule} x={x} domain={[xLo, xHi]} top={margin.top} bottom={bottom} />
        )}
        {isLoss &&
          series.map((s, i) => {
            const at = s.divergedAt === null ? NaN : xOfStep(s, s.divergedAt);
            return s.divergedAt !== null && at >= xLo && at <= xHi ? (
              <g key={i} className="conv-diverged" transform={`translate(${x(at)},0)`}>
                <title>{`${s.name} diverged at step ${formatStep(s.divergedAt)}`}</title>
                <line y1={margin.top} y2={bottom} stroke={colors[i]} />
                <text y={margin.top + 12} textAnchor="middle" style={{ fill: colors[i] }}>
                  ✕
                </text>
              </g>
            ) : null;
          })}
        {hover && (
          <g className="conv-crosshair" pointerEvents="none">
            <line x1={x(hover.x)} x2={x(hover.x)} y1={margin.top} y2={bottom} />
            {series.flatMap((s, i) => {
              const t = hoverIdx[i]!;
              const keys: Key[] = isLoss ? ['trainLoss', 'testLoss'] : ['testAccuracy'];
              return keys.map((k) => {
                const v = drawn(s, k)[t];
                const ok = v !== undefined && (isLoss ? lossDefined(logLoss)(v) : Number.isFinite(v));
                if (!ok || t < 0) return null;
                const cy = y(v);
                if (cy < margin.top || cy > bottom) return null;
                return <circle key={`${s.name}-${k}`} cx={x(xValues(s, xAxis)[t]!)} cy={cy} r={k === 'trainLoss' ? 2.5 : 3.5} fill={colors[i]} />;
              });
            })}
          </g>
        )}
        {empty && (
          <text className="conv-empty" x={chartWidth / 2} y={margin.top + innerHeight / 2} textAnchor="middle">
            {chartWidth < 200 ? (
              <>
                <tspan x={chartWidth / 2} dy="-0.6em">
                  waiting for{' '}
                </tspan>
                <tspan x={chartWidth / 2} dy="1.3em">
                  the first probe…
                </tspan>
              </>
            ) : (
              'waiting for the first probe…'
            )}
          </text>
        )}
        {!empty && (
          <rect className="conv-overlay" x={0} y={margin.top} width={chartWidth} height={innerHeight} {...pointer} />
        )}
      </g>
    );
  };

  return (
    <ViewFigure
      title="Convergence"
      caption={caption}
      tools={tools}
      legend={legend}
      className="view-convergence"
    >
      <div ref={ref} className="conv-plot" style={plotBoxStyle(fit, totalHeight)}>
        {size.width > 0 && (
          <svg
            {...svgSize(fit.scale, fit.width, totalHeight)}
            role="img"
            aria-label={`Training loss, test loss and test accuracy of each arm over ${onSeconds ? 'its own training seconds on this machine' : 'training steps'}`}
          >
            <defs>
              <clipPath id={clipId}>
                <rect x={0} y={margin.top} width={chartWidth} height={innerHeight} />
              </clipPath>
            </defs>
            {chart('loss', lossX, lossY)}
            {chart('acc', accX, accY)}
          </svg>
        )}
        {hover && (
          <PlotTooltip px={hover.px} py={hover.py} boxWidth={size.width} boxHeight={totalHeight * fit.scale} className="conv-tooltip">
            <div className="conv-tooltip-head">
              {onSeconds ? `${formatSeconds(hover.x)} of training` : `step ${formatStep(hover.x)}`}
              {smoothing > 0 && <span className="conv-tooltip-note"> · exact (smoothed)</span>}
            </div>
            <table>
              <thead>
                <tr>
                  <th scope="col" />
                  {onSeconds && (
                    <>
                      <th scope="col">step</th>
                      <th scope="col">time</th>
                      <th scope="col">ms / step</th>
                    </>
                  )}
                  <th scope="col">train loss</th>
                  <th scope="col">test loss</th>
                  <th scope="col">test acc.</th>
                </tr>
              </thead>
              <tbody>
                {series.map((s, i) => {
                  const t = hoverIdx[i]!;
                  const cell = (k: Key, fmt: (v: number | undefined) => string) => (
                    <td>
                      {fmt(s[k][t])}
                      {s.smooth && <span className="conv-smoothed"> ({fmt(s.smooth[k][t])})</span>}
                    </td>
                  );
                  return (
                    <tr key={i}>
                      <th scope="row">
                        <ArmSwatch arm={i} theme={theme} length={18} />
                        {arms[i]?.name ?? s.name}
                        {s.divergedAt !== null && (s.steps[t] ?? -Infinity) >= s.divergedAt && <span className="conv-diverged-note"> diverged at {formatStep(s.divergedAt)}</span>}
                      </th>
                      {onSeconds && (
                        <>
                          <td>{t >= 0 ? formatStep(s.steps[t]!) : '–'}</td>
                          <td>{formatSeconds(s.seconds[t])}</td>
                          <td>{formatMs(s.msPerStep[t])}</td>
                        </>
                      )}
                      {cell('trainLoss', formatLoss)}
                      {cell('testLoss', formatLoss)}
                      {cell('testAccuracy', formatAccuracy)}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </PlotTooltip>
        )}
      </div>
    </ViewFigure>
  );
}

/**
 * The schedule's changes on the seconds axis. A change happens at one step for every arm, but each arm reaches that
 * step at its own training time, so each arm gets its own mark, in its colour, where its curve passes the step. An
 * arm not yet probed past the step has no known time for it: no mark.
 */
function ArmScheduleMarks({ events, series, colors, x, top, bottom }: {
  events: readonly ScheduleEvent[];
  series: readonly ConvergenceSeries[];
  colors: readonly string[];
  x: (s: ConvergenceSeries, step: number) => number;
  top: number;
  bottom: number;
}) {
  const marks = series.flatMap((s, i) =>
    events.map((e) => ({ s, i, e, at: x(s, e.step) })).filter((m) => Number.isFinite(m.at)),
  );
  if (marks.length === 0) return null;
  return (
    <g className="schedule-marks conv-arm-marks" pointerEvents="none">
      {marks.map(({ s, i, e, at }) => (
        <g key={`${i}-${e.step}`} transform={`translate(${at},0)`} data-step={e.step} data-arm={i}>
          <title>{`${s.name}, step ${formatStep(e.step)} (${formatSeconds(secondsAtStep(s.steps, s.seconds, e.step))} of its training): ${describeChange(e.set)}`}</title>
          <line y1={top} y2={bottom} style={{ stroke: colors[i] }} />
          <text y={top - 3} textAnchor="middle" style={{ fill: colors[i] }}>
            ▾
          </text>
        </g>
      ))}
    </g>
  );
}
