import { useId, useMemo, useState, type PointerEvent } from 'react';
import { format, scaleLinear } from 'd3';
import { ScheduleMarks } from '../common/ScheduleMarks';
import { useLab } from '../../store/context';
import { ArmLegend } from '../common/ArmLegend';
import { PlotTooltip } from '../common/PlotTooltip';
import { ArmSwatch } from '../common/ArmSwatch';
import { ViewFigure } from '../common/ViewFigure';
import { distributionsCaption } from './distributionsCaption';
import { armColor, armDash, armTextColor } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { plotBoxStyle, plotFit, svgSize } from '../common/plotFit';
import {
  BAND_KEYS,
  bandDomain,
  bandPath,
  binEdges,
  binIndex,
  contextValues,
  distributionsLayout,
  fitLabel,
  histogramOutline,
  histogramShares,
  maxShare,
  nearestIndex,
  percentilePath,
  percentilesAt,
  pooledBand,
  pooledHistogramRow,
  saturationRegions,
  shownUnit,
  stepDomain,
  thinTicks,
  tickCount,
  unitBand,
  unitHistogramRow,
  visibleRegions,
  type HistogramShares,
  type PercentileBand,
} from './distributionsMath';
import { distributionsIn, type BnMode } from '../../engine/probes/types';
import type { DistScope } from '../../store/labStore';
import { warmStep } from '../../config/schedule';
import './distributions.css';
import { formatInteger, formatStep } from '../common/format';

/** Fixed height: no layout shift while data streams. */
const HEIGHT = 270;

const fmtValue = format('.2f');
const fmtEdge = format('.3~f');
const fmtStepTick = format('~s');
const fmtShare = format('.1%');
/** Tick labels at a panel's edges lean inwards, so that neighbouring panels' labels never touch. */
const edgeAnchor = (px: number, width: number) => (px < 10 ? 'start' : px > width - 14 ? 'end' : 'middle');
const value = (v: number) => (Number.isFinite(v) ? fmtValue(v) : '–');

type Hover = { kind: 'step'; step: number; px: number; py: number } | { kind: 'value'; value: number; px: number; py: number } | null;

/**
 * Ioffe & Szegedy's Figure 1b–c, live: for the selected layer (or one of its units), each arm's 5th–95th and
 * 15th–85th percentile bands and median of the nonlinearity's input over training, on one shared value axis,
 * with the activation's saturating region shaded, and the current histogram of every arm beside them.
 */
export function DistributionsView() {
  const schedule = useLab((s) => s.config.schedule);
  const revision = useLab((s) => s.revision);
  const history = useLab((s) => s.history);
  const unitHistory = useLab((s) => s.unitHistory);
  const unitInferenceHistory = useLab((s) => s.unitInferenceHistory);
  const scope = useLab((s) => s.view.distScope);
  const mode = useLab((s) => s.view.distMode);
  const latest = useLab((s) => s.latest);
  const arms = useLab((s) => s.run.arms);
  const layers = useLab((s) => s.run.layers);
  const layer = useLab((s) => s.view.layer);
  const requestedUnit = useLab((s) => s.view.unit);
  const theme = useLab((s) => s.view.theme);
  const activation = useLab((s) => s.config.activation);
  const range = useLab((s) => s.config.probe.range);
  const config = useLab((s) => s.config);
  const setView = useLab((s) => s.setView);
  const projector = useLab((s) => s.view.projector);
  const [ref, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<Hover>(null);
  // useId's characters are not all valid in url(#…): keep letters, digits, _ and -.
  const clipId = `dist-clip${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;

  const layerInfo = layers[layer];
  const units = layerInfo?.units ?? 0;
  // One unit (the picked one, else unit 1) or the whole layer; null draws the layer pooled.
  const unit = shownUnit(scope, requestedUnit, units);
  const unitWord = layerInfo?.kind === 'conv' ? 'channel' : 'unit';
  const inputLabel = `${activation} input`;
  // The mode matters only where an arm has batch norm; without one both modes are the same numbers.
  const hasBatchNorm = arms.some((a) => a.norm === 'batch');

  // History arrays grow in place: `revision` is what says they changed.
  const bands = useMemo(() => {
    if (revision < 0) return [];
    const perUnit = mode === 'inference' ? unitInferenceHistory : unitHistory;
    return history.map((h, i) => (unit === null ? pooledBand(h, layer, mode) : unitBand(h.steps, perUnit[i]?.[layer], unit)));
  }, [revision, history, unitHistory, unitInferenceHistory, layer, unit, mode]);
  const hists = useMemo(
    () =>
      arms.map((_, i) => {
        const l = latest?.arms[i]?.layers[layer];
        const d = l ? distributionsIn(l, mode) : undefined;
        return histogramShares(unit === null ? pooledHistogramRow(d?.pooled) : unitHistogramRow(d?.units.histogram, units, unit));
      }),
    [latest, arms, layer, unit, units, mode],
  );

  const steps = useMemo(() => history[0]?.steps ?? [], [history]);
  const empty = steps.length === 0;
  const [yLo, yHi] = useMemo(() => bandDomain(bands, range, contextValues(activation)), [bands, range, activation]);
  const [xLo, xHi] = useMemo(() => (revision >= 0 ? stepDomain(steps) : [0, 1]), [revision, steps]);
  // Laid out in drawing units: the lab's fixed height, or on a projector the box's whole height, drawn larger.
  const fit = plotFit(size, projector, HEIGHT);
  const height = fit.height;
  const layout = distributionsLayout(fit.width, height, arms.length);
  const { margin, innerHeight, panelX, panelWidth, histX, histWidth } = layout;
  const top = margin.top;
  const bins = hists.find((h) => h)?.counts.length ?? 0;
  const shareMax = maxShare(hists);

  const scales = useMemo(() => {
    const y = scaleLinear().domain([yLo, yHi]).range([top + innerHeight, top]);
    const x = scaleLinear().domain([xLo, xHi]).range([0, panelWidth]);
    const hx = scaleLinear().domain([0, shareMax]).nice(3).range([0, histWidth]);
    return { x, y, hx };
  }, [yLo, yHi, xLo, xHi, top, innerHeight, panelWidth, histWidth, shareMax]);
  const { x, y, hx } = scales;

  const paths = useMemo(
    () =>
      bands.map((b) =>
        b
          ? {
              outer: bandPath(b.steps, b.p5, b.p95, x, y),
              inner: bandPath(b.steps, b.p15, b.p85, x, y),
              median: percentilePath(b.steps, b.p50, x, y),
            }
          : null,
      ),
    [bands, x, y],
  );
  const histPaths = useMemo(() => hists.map((h) => (h ? histogramOutline(h.shares, range, hx, y) : '')), [hists, range, hx, y]);

  const regions = visibleRegions(saturationRegions(activation), [yLo, yHi]);
  const yTicks = y.ticks(tickCount(innerHeight, 38));
  // Steps are whole numbers: no ticks at 0.5 while the axis is still [0, 1].
  const xTicks = empty ? [] : x.ticks(tickCount(panelWidth, 64)).filter(Number.isInteger);
  // d3 may return more ticks than asked for; thin them so labels never touch in the narrow histogram.
  const hTicks = bins === 0 ? [] : thinTicks(hx.ticks(tickCount(histWidth, 48)), tickCount(histWidth, 48));
  const hTickFormat = hx.tickFormat(tickCount(histWidth, 48), '~%');
  const panelsRight = (panelX[panelX.length - 1] ?? margin.left) + panelWidth;
  const bottom = margin.top + innerHeight;

  const onPanelsMove = (e: PointerEvent<SVGRectElement>) => {
    const r = e.currentTarget.ownerSVGElement!.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    // The panel under the pointer (or the nearest one, in a gap); every panel shares the step axis.
    const dx = px / fit.scale;
    let i = 0;
    while (i < panelX.length - 1 && dx > panelX[i]! + panelWidth + 6) i++;
    const local = Math.max(0, Math.min(panelWidth, dx - panelX[i]!));
    const t = nearestIndex(steps, x.invert(local));
    if (t < 0) return setHover(null);
    setHover({ kind: 'step', step: steps[t]!, px, py });
  };
  const onHistMove = (e: PointerEvent<SVGRectElement>) => {
    const r = e.currentTarget.ownerSVGElement!.getBoundingClientRect();
    const px = e.clientX - r.left;
    const py = e.clientY - r.top;
    setHover({ kind: 'value', value: y.invert(Math.max(margin.top, Math.min(bottom, py / fit.scale))), px, py });
  };
  const panelsPointer = usePlotPointer(onPanelsMove, () => setHover(null));
  const histPointer = usePlotPointer(onHistMove, () => setHover(null));

  // The unit the picker names: the one drawn, or (whole layer) the one "One unit" would draw.
  const pickerUnit = unit ?? shownUnit('unit', requestedUnit, units)!;
  const scopes: { value: DistScope; label: string; title: string }[] = [
    { value: 'unit', label: `One ${unitWord}`, title: `One ${unitWord}’s input, as Ioffe & Szegedy’s Figure 1b–c plots a typical sigmoid` },
    { value: 'layer', label: 'Whole layer', title: `All ${units || 'the'} ${unitWord}s of the layer pooled: steadier than one ${unitWord}` },
  ];
  const modes: { value: BnMode; label: string; title: string }[] = [
    { value: 'train', label: 'training mode', title: 'Batch norm normalizes with the probe batch’s own mean and variance, as in a training step' },
    { value: 'inference', label: 'inference mode', title: 'Batch norm uses its running averages, as when the test set is evaluated' },
  ];
  const tools = (
    <div className="dist-tools">
      <span className="dist-layer">{layers.length ? `layer ${layer + 1} of ${layers.length}` : 'layer –'}</span>
      <div className="dist-choice" role="group" aria-label="Show">
        {scopes.map((c) => (
          <button key={c.value} type="button" aria-pressed={scope === c.value} title={c.title} onClick={() => setView({ distScope: c.value })}>
            {c.label}
          </button>
        ))}
      </div>
      <label>
        <span className="visually-hidden">which {unitWord} </span>
        <select
          value={String(pickerUnit)}
          onChange={(e) => setView({ unit: Number(e.target.value), distScope: 'unit' })}
          disabled={units === 0 || unit === null}
          aria-label={`Which ${unitWord}`}
        >
          {Array.from({ length: units }, (_, k) => (
            <option key={k} value={k}>
              {unitWord} {k + 1} of {units}
            </option>
          ))}
        </select>
      </label>
      {/* Without batch norm in the run the two modes are the same numbers: nothing to choose. */}
      {hasBatchNorm && (
        <div className="dist-choice" role="group" aria-labelledby={`${clipId}-mode`}>
          <span id={`${clipId}-mode`} className="dist-choice-label">
            Batch norm:
          </span>
          {modes.map((c) => (
            <button key={c.value} type="button" aria-pressed={mode === c.value} title={c.title} onClick={() => setView({ distMode: c.value })}>
              {c.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );

  const legend = (
    <div className="dist-legend">
      <ArmLegend />
      <ul className="dist-key" aria-label="How to read the bands">
        <li>
          <svg width="18" height="12" aria-hidden="true">
            <rect x="1" y="1" width="16" height="10" className="dist-key-outer" />
          </svg>
          5th–95th percentile
        </li>
        <li>
          <svg width="18" height="12" aria-hidden="true">
            <rect x="1" y="1" width="16" height="10" className="dist-key-inner" />
          </svg>
          15th–85th
        </li>
        <li>
          <svg width="18" height="12" aria-hidden="true">
            <line x1="1" x2="17" y1="6" y2="6" className="dist-key-median" />
          </svg>
          median
        </li>
        {saturationRegions(activation).length > 0 && (
          <li>
            <svg width="18" height="12" aria-hidden="true">
              <rect x="1" y="1" width="16" height="10" className="dist-sat" />
            </svg>
            {activation === 'relu' ? 'zero gradient' : 'saturating'}
          </li>
        )}
      </ul>
    </div>
  );

  // When the running averages stop being mostly their starting values: inference-mode drift is measured from there.
  const lastStep = steps[steps.length - 1] ?? 0;
  const warmFrom = useMemo(() => warmStep(config, lastStep), [config, lastStep]);
  // Computed from the bands on screen (net drift between two probes), not a promise that batch norm keeps them still.
  const caption = useMemo(
    () => distributionsCaption({ arms, bands, activation, layer, unit, unitWord, mode, warmFrom }),
    [arms, bands, activation, layer, unit, unitWord, mode, warmFrom],
  );

  const hoverStep = hover?.kind === 'step' ? hover.step : null;
  // What the read-out's numbers are of, so that two read-outs are never mistaken for each other.
  const shownWhat = `${unit === null ? 'whole layer' : `${unitWord} ${unit + 1}`}${hasBatchNorm ? `, ${mode === 'train' ? 'training' : 'inference'} mode` : ''}`;
  // A narrow histogram's title would run off the view: it then ends at the view's edge and reaches left into the gap.
  const histTitle = latest ? `now (step ${formatStep(latest.step)})` : 'now';
  const histTitleEnd = histTitle.length * 7 > histWidth + margin.right;
  const hoverValue = hover?.kind === 'value' ? hover.value : null;

  return (
    <ViewFigure title="Activation distributions" caption={caption} tools={tools} legend={legend} className="view-distributions">
      <div ref={ref} className="dist-plot" style={plotBoxStyle(fit, HEIGHT)}>
        {size.width > 0 && (
          <svg
            {...svgSize(fit.scale, fit.width, height)}
            role="img"
            aria-label={`Percentiles of the ${inputLabel} of layer ${layer + 1}${unit === null ? `, all ${unitWord}s pooled` : `, ${unitWord} ${unit + 1}`}${hasBatchNorm ? `, batch norm in ${mode === 'train' ? 'training' : 'inference'} mode` : ''}, per arm over training steps, and the current histogram`}
          >
            <defs>
              <clipPath id={`${clipId}-p`}>
                <rect x={0} y={margin.top} width={panelWidth} height={innerHeight} />
              </clipPath>
              <clipPath id={`${clipId}-h`}>
                <rect x={0} y={margin.top} width={histWidth + 2} height={innerHeight} />
              </clipPath>
            </defs>

            {/* The shared value axis, on the left of the first panel. */}
            <g className="dist-axis">
              {yTicks.map((v) => (
                <text key={v} className="dist-tick" x={margin.left - 7} y={y(v)} dy="0.32em" textAnchor="end">
                  {format('~f')(v)}
                </text>
              ))}
              <text className="dist-axis-label" transform={`translate(14,${margin.top + innerHeight / 2}) rotate(-90)`} textAnchor="middle">
                {inputLabel}
              </text>
              <text className="dist-axis-label" x={(margin.left + panelsRight) / 2} y={height - 5} textAnchor="middle">
                training step
              </text>
            </g>

            {(arms.length ? arms : [null]).map((arm, i) => {
              const color = armColor(i, theme);
              const p = paths[i];
              const diverged = history[i]?.divergedAt ?? null;
              const t = hoverStep === null ? -1 : nearestIndex(history[i]?.steps ?? [], hoverStep);
              const med = t >= 0 ? bands[i]?.p50[t] : undefined;
              return (
                <g key={i} transform={`translate(${panelX[i]},0)`}>
                  {arm && (
                    <text className="dist-panel-title" x={0} y={margin.top - 8} style={{ fill: armTextColor(i, theme) }}>
                      <title>{diverged === null ? arm.name : `${arm.name}: diverged at step ${formatStep(diverged)}`}</title>
                      {fitLabel(arm.name, diverged === null ? panelWidth : panelWidth - (panelWidth > 170 ? 150 : 20))}
                      {diverged !== null && <tspan className="dist-diverged">{panelWidth > 170 ? ` · diverged at ${formatStep(diverged)}` : ' ✕'}</tspan>}
                    </text>
                  )}
                  <rect className="dist-frame" x={0} y={margin.top} width={panelWidth} height={innerHeight} />
                  {regions.map((r) => (
                    <rect key={r.from} className="dist-sat" x={0} width={panelWidth} y={y(r.to)} height={Math.max(0, y(r.from) - y(r.to))} />
                  ))}
                  {yTicks.map((v) => (
                    <line key={v} className={v === 0 ? 'dist-grid dist-zero' : 'dist-grid'} x1={0} x2={panelWidth} y1={y(v)} y2={y(v)} />
                  ))}
                  {i === 0 &&
                    regions.map((r) => {
                      const h = y(r.from) - y(r.to);
                      if (h < 16 || panelWidth < 70) return null;
                      const top = r.to >= yHi;
                      return (
                        <text key={`l${r.from}`} className="dist-sat-label" x={5} y={top ? y(r.to) + 13 : y(r.from) - 5}>
                          {r.label}
                        </text>
                      );
                    })}
                  <g clipPath={`url(#${clipId}-p)`}>
                    {p && (
                      <>
                        <path d={p.outer} fill={color} className="dist-band-outer" />
                        <path d={p.inner} fill={color} className="dist-band-inner" />
                        <path d={p.median} stroke={color} className="dist-median" />
                      </>
                    )}
                  </g>
                  <ScheduleMarks events={schedule} x={x} domain={[xLo, xHi]} top={margin.top} bottom={bottom} label={false} />
                  {xTicks.map((s) => (
                    <g key={s} transform={`translate(${x(s)},${bottom})`}>
                      <line className="dist-tick-mark" y2={5} />
                      <text className="dist-tick" y={18} textAnchor={edgeAnchor(x(s), panelWidth)}>
                        {fmtStepTick(s)}
                      </text>
                    </g>
                  ))}
                  {hoverStep !== null && (
                    <g className="dist-crosshair" pointerEvents="none">
                      <line x1={x(hoverStep)} x2={x(hoverStep)} y1={margin.top} y2={bottom} />
                      {med !== undefined && Number.isFinite(med) && med >= yLo && med <= yHi && <circle cx={x(hoverStep)} cy={y(med)} r={3.5} fill={color} />}
                    </g>
                  )}
                  {hoverValue !== null && <line className="dist-crosshair" x1={0} x2={panelWidth} y1={y(hoverValue)} y2={y(hoverValue)} pointerEvents="none" />}
                  {empty && i === 0 && (
                    <text className="dist-empty" x={(panelsRight - margin.left) / 2} y={margin.top + innerHeight / 2} textAnchor="middle">
                      waiting for the first probe…
                    </text>
                  )}
                </g>
              );
            })}

            {/* The current histogram, sideways on the same value axis. */}
            <g transform={`translate(${histX},0)`}>
              <text className="dist-panel-title dist-hist-title" x={histTitleEnd ? histWidth + margin.right : 0} y={margin.top - 8} textAnchor={histTitleEnd ? 'end' : 'start'}>
                {histTitle}
              </text>
              {regions.map((r) => (
                <rect key={r.from} className="dist-sat" x={0} width={histWidth} y={y(r.to)} height={Math.max(0, y(r.from) - y(r.to))} />
              ))}
              <line className="dist-baseline" x1={0} x2={0} y1={margin.top} y2={bottom} />
              <line className="dist-baseline" x1={0} x2={histWidth} y1={bottom} y2={bottom} />
              <g clipPath={`url(#${clipId}-h)`}>
                {histPaths.map((d, i) => (d ? <path key={i} d={d} className="dist-hist" stroke={armColor(i, theme)} fill={armColor(i, theme)} strokeDasharray={armDash(i)} /> : null))}
              </g>
              {hTicks.map((s) => (
                <g key={s} transform={`translate(${hx(s)},${bottom})`}>
                  <line className="dist-tick-mark" y2={5} />
                  <text className="dist-tick" y={18} textAnchor={s === 0 ? 'start' : 'middle'}>
                    {hTickFormat(s)}
                  </text>
                </g>
              ))}
              <text className="dist-axis-label" x={histWidth / 2} y={height - 5} textAnchor="middle">
                share of values
              </text>
              {hoverValue !== null && <line className="dist-crosshair" x1={0} x2={histWidth} y1={y(hoverValue)} y2={y(hoverValue)} pointerEvents="none" />}
              {bins === 0 && !empty && (
                <text className="dist-empty" x={histWidth / 2} y={margin.top + innerHeight / 2} textAnchor="middle">
                  no histogram
                </text>
              )}
            </g>

            {!empty && (
              <rect
                className="dist-overlay"
                x={margin.left}
                y={margin.top}
                width={Math.max(0, panelsRight - margin.left)}
                height={innerHeight}
                {...panelsPointer}
              />
            )}
            {bins > 0 && (
              <rect
                className="dist-overlay"
                x={histX}
                y={margin.top}
                width={histWidth}
                height={innerHeight}
                {...histPointer}
              />
            )}
          </svg>
        )}
        {hover && (
          <PlotTooltip px={hover.px} py={hover.py} boxWidth={size.width} boxHeight={height * fit.scale} className="dist-tooltip">
            {hover.kind === 'step' ? (
              <StepReadout step={hover.step} what={shownWhat} arms={arms.map((a) => a.name)} history={history} bands={bands} theme={theme} />
            ) : (
              <BinReadout value={hover.value} bins={bins} range={range} arms={arms.map((a) => a.name)} hists={hists} theme={theme} label={inputLabel} />
            )}
          </PlotTooltip>
        )}
      </div>
    </ViewFigure>
  );
}

function StepReadout(props: { step: number; what: string; arms: string[]; history: { steps: number[] }[]; bands: (PercentileBand | null)[]; theme: 'light' | 'dark' }) {
  const { step, what, arms, history, bands, theme } = props;
  return (
    <>
      <div className="dist-tooltip-head">
        step {formatStep(step)} · {what}
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col" />
            {BAND_KEYS.map((k) => (
              <th key={k} scope="col">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {arms.map((name, i) => {
            const t = nearestIndex(history[i]?.steps ?? [], step);
            return (
              <tr key={name}>
                <th scope="row">
                  <ArmSwatch arm={i} theme={theme} length={18} />
                  {name}
                </th>
                {percentilesAt(bands[i] ?? null, t).map((v, q) => (
                  <td key={q}>{value(v)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function BinReadout(props: { value: number; bins: number; range: number; arms: string[]; hists: (HistogramShares | null)[]; theme: 'light' | 'dark'; label: string }) {
  const { value: v, bins, range, arms, hists, theme, label } = props;
  const b = Math.max(0, Math.min(bins - 1, binIndex(v, bins, range)));
  const [lo, hi] = binEdges(b, bins, range);
  const cell = (share: number | undefined, count: number | undefined) => (share === undefined || count === undefined ? '–' : `${fmtShare(share)} (${formatInteger(count)})`);
  return (
    <>
      <div className="dist-tooltip-head">
        {label} in [{fmtEdge(lo)}, {fmtEdge(hi)})
      </div>
      <table>
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">this bin</th>
            <th scope="col">below {fmtEdge(-range)}</th>
            <th scope="col">≥ {fmtEdge(range)}</th>
          </tr>
        </thead>
        <tbody>
          {arms.map((name, i) => {
            const h = hists[i];
            return (
              <tr key={name}>
                <th scope="row">
                  <ArmSwatch arm={i} theme={theme} length={18} />
                  {name}
                </th>
                <td>{cell(h?.shares[b], h?.counts[b])}</td>
                <td>{cell(h?.underflowShare, h?.underflow)}</td>
                <td>{cell(h?.overflowShare, h?.overflow)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
