import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { line as d3line, scaleLinear, scaleLog } from 'd3';
import { NORMS, type ExperimentConfig, type NormKind } from '../../config/schema';
import {
  MAX_SWEEP_STEPS,
  MIN_SWEEP_STEPS,
  SWEEP_AXES,
  SWEEP_AXIS_INFO,
  SWEEP_METRICS,
  defaultSweep,
  readSweepValues,
  type SweepAxisName,
  type SweepMetric,
  type SweepSpec,
} from '../../config/sweepParam';
import { sweepCsv, sweepJson, type SweepPlan, type SweepRow } from '../../cli/sweepPlan';
import type { BackendChoice } from '../../engine/backend';
import { saveText } from '../../export/download';
import { exportFileName } from '../../export/fileNames';
import { useLab } from '../../store/context';
import type { SweepEvent, SweepStart } from '../../worker/sweepRunner';
import { ArmSwatch } from '../common/ArmSwatch';
import { PlotTooltip } from '../common/PlotTooltip';
import { ViewFigure } from '../common/ViewFigure';
import { formatInteger } from '../common/format';
import { armColor, armDash } from '../common/palette';
import { usePlotPointer } from '../common/usePlotPointer';
import { useSize } from '../common/useSize';
import { sweepSetup } from './sweepSetup';
import {
  METRIC_INFO,
  axisLabelOf,
  NORM_NAMES,
  formatMetric,
  formatSetting,
  metricValue,
  normIndex,
  planSweep,
  runCount,
  runKey,
  sweepCaption,
  sweepSeries,
  xValues,
  yDomain,
  type SweepPoint,
  type SweepSeries,
} from './sweepModel';
import './sweep.css';

const TITLE = 'Sweep';

/** A sweep started by Run sweep: its plan, the runs finished so far, and where it stands. */
interface SweepRunState {
  plan: SweepPlan;
  /** The lab's configuration it was planned from: a later change of settings does not make its points another run's. */
  config: ExperimentConfig;
  rows: SweepRow[];
  status: 'running' | 'done' | 'cancelled' | 'failed';
  /** The run being trained. */
  current: number | null;
  backend: BackendChoice | null;
  error: string | null;
  startedAt: number;
  /** Wall-clock seconds from start to the last result (machine-dependent, for the JSON and the time left). */
  seconds: number;
}

const startWorker = () => new Worker(new URL('../../worker/sweep.worker.ts', import.meta.url), { type: 'module', name: 'sweep' });

/**
 * Many short runs of the lab's configuration, varying one setting and the normalization, drawn as they finish: Wu &
 * He's (2018) Figure 1 (accuracy against batch size, one line per normalization), or the same against the learning
 * rate or the initial scale. The runs are the CLI's (`npm run sweep`), trained one after another in a worker of the
 * view's own, started only by Run sweep and ended by Cancel or when the view closes.
 */
export function SweepView() {
  const config = useLab((s) => s.config);
  const theme = useLab((s) => s.view.theme);
  const stored = useStore(sweepSetup, (s) => s.spec);
  const spec = stored ?? defaultSweep();
  const [sweep, setSweep] = useState<SweepRunState | null>(null);
  const worker = useRef<Worker | null>(null);

  // The view writes its sweep into the link as soon as it opens, so a copied link holds what Run sweep would run.
  useEffect(() => {
    if (!sweepSetup.getState().spec) sweepSetup.setState({ spec: defaultSweep() });
  }, []);
  // Closing the view ends its sweep: nothing of it trains unseen.
  useEffect(() => () => worker.current?.terminate(), []);

  const setSpec = (patch: Partial<SweepSpec>) => sweepSetup.setState({ spec: { ...spec, ...patch } });
  const planned = useMemo(() => planSweep(config, spec), [config, spec]);
  const running = sweep?.status === 'running';

  const run = () => {
    if (!planned.plan || running) return;
    const plan = planned.plan;
    worker.current?.terminate();
    const w = startWorker();
    worker.current = w;
    const startedAt = performance.now();
    setSweep({ plan, config, rows: [], status: 'running', current: null, backend: null, error: null, startedAt, seconds: 0 });
    const update = (f: (s: SweepRunState) => SweepRunState) => setSweep((s) => (s && s.plan === plan ? f(s) : s));
    w.onmessage = (e: MessageEvent<SweepEvent>) => {
      const m = e.data;
      if (m.type === 'backend') update((s) => ({ ...s, backend: m.backend }));
      else if (m.type === 'started') update((s) => ({ ...s, current: m.run }));
      else if (m.type === 'result') {
        const spec = plan.runs[m.run - 1]!;
        const row: SweepRow = { run: m.run, settings: spec.settings, seed: spec.seed, ...m.outcome, seconds: m.seconds };
        update((s) => ({ ...s, rows: [...s.rows, row], seconds: (performance.now() - s.startedAt) / 1000 }));
      } else if (m.type === 'done') {
        update((s) => ({ ...s, status: 'done', current: null }));
        w.terminate();
      } else {
        const which = m.run === null ? 'starting the backend' : `run ${m.run}`;
        update((s) => ({ ...s, status: 'failed', current: null, error: `${which} failed: ${m.message}` }));
        w.terminate();
      }
    };
    w.onerror = (e) => {
      e.preventDefault();
      update((s) => ({ ...s, status: 'failed', current: null, error: `the sweep's worker failed: ${e.message || 'it did not load'}` }));
      w.terminate();
    };
    const start: SweepStart = { type: 'start', runs: plan.runs.map((r) => ({ run: r.run, config: r.config })), steps: plan.steps, backend: 'wasm' };
    w.postMessage(start);
  };

  const cancel = () => {
    worker.current?.terminate();
    worker.current = null;
    setSweep((s) => (s && s.status === 'running' ? { ...s, status: 'cancelled', current: null } : s));
  };

  const metric = spec.metric;
  const caption = sweep
    ? sweepCaption(sweep.plan, sweep.rows, metric)
    : `Press Run sweep: ${planned.plan ? `${planned.plan.runs.length} runs` : 'the runs'} of ${formatInteger(spec.steps)} steps will fill in the chart, one point per run.`;

  const save = (format: 'csv' | 'json') => {
    if (!sweep || !sweep.rows.length) return;
    const rows = [...sweep.rows].sort((a, b) => a.run - b.run);
    const backend = { name: sweep.backend?.name ?? 'wasm', reason: sweep.backend?.reason ?? 'wasm requested' };
    const text = format === 'csv' ? sweepCsv(sweep.plan, rows) : `${sweepJson({ plan: sweep.plan, backend, rows, seconds: sweep.seconds })}\n`;
    saveText(text, exportFileName('sweep', format), format === 'csv' ? 'text/csv' : 'application/json');
  };

  return (
    <ViewFigure
      title={TITLE}
      caption={caption}
      className="sweep-view"
      tools={
        <>
          <label className="sweep-field">
            plot{' '}
            <select value={metric} onChange={(e) => setSpec({ metric: e.target.value as SweepMetric })}>
              {SWEEP_METRICS.map((m) => (
                <option key={m} value={m}>
                  {METRIC_INFO[m].label}
                </option>
              ))}
            </select>
          </label>
          <span className="sweep-downloads">
            <button type="button" onClick={() => save('csv')} disabled={!sweep?.rows.length}>
              Runs as CSV
            </button>
            <button type="button" onClick={() => save('json')} disabled={!sweep?.rows.length}>
              Runs as JSON
            </button>
          </span>
        </>
      }
      legend={<NormLegend norms={sweep ? (sweep.plan.axes[1]!.raw as NormKind[]) : spec.norms} theme={theme} />}
    >
      <SweepSetup spec={spec} config={config} disabled={running} onChange={setSpec} />
      <div className="sweep-actions">
        {running ? (
          <button type="button" className="sweep-cancel" onClick={cancel}>
            Cancel
          </button>
        ) : (
          <button type="button" className="primary sweep-run" onClick={run} disabled={!planned.plan}>
            Run sweep
          </button>
        )}
        <SweepStatus sweep={sweep} planned={planned} spec={spec} />
      </div>
      {sweep && JSON.stringify(sweep.config) !== JSON.stringify(config) && (
        <p className="sweep-note">The lab’s settings have changed since this sweep started: its points are runs of the settings it started with. Run sweep again to sweep the new ones.</p>
      )}
      {sweep && <SweepChart plan={sweep.plan} rows={sweep.rows} metric={metric} theme={theme} />}
      {sweep && <SweepTables plan={sweep.plan} rows={sweep.rows} metric={metric} current={sweep.current} />}
    </ViewFigure>
  );
}

function NormLegend({ norms, theme }: { norms: readonly NormKind[]; theme: 'light' | 'dark' }) {
  return (
    <ul className="arm-legend" aria-label="Normalizations">
      {norms.map((n) => (
        <li key={n}>
          <ArmSwatch arm={normIndex(n)} theme={theme} length={26} />
          {NORM_NAMES[n]}
        </li>
      ))}
    </ul>
  );
}

/** What to vary and over which values, the normalizations and the steps: the sweep's own settings. */
function SweepSetup({ spec, config, disabled, onChange }: { spec: SweepSpec; config: ExperimentConfig; disabled: boolean; onChange(patch: Partial<SweepSpec>): void }) {
  const [text, setText] = useState(spec.values.join(', '));
  const [stepsText, setStepsText] = useState(String(spec.steps));
  const problemsId = useId();
  // A change from elsewhere (another axis picked) shows its values; what is being typed stays as typed. Adjusted
  // while rendering, as React advises for state that follows a prop, rather than in an effect.
  const [seen, setSeen] = useState({ values: spec.values.join(','), steps: spec.steps });
  if (seen.values !== spec.values.join(',') || seen.steps !== spec.steps) {
    setSeen({ values: spec.values.join(','), steps: spec.steps });
    if (readSweepValues(text, spec.axis, config).values.join(',') !== spec.values.join(',')) setText(spec.values.join(', '));
    if (stepsText.trim() !== String(spec.steps)) setStepsText(String(spec.steps));
  }
  const read = readSweepValues(text, spec.axis, config);
  const stepsValue = /^\d{1,7}$/.test(stepsText.trim()) ? Number(stepsText.trim()) : NaN;
  const stepsOk = stepsValue >= MIN_SWEEP_STEPS && stepsValue <= MAX_SWEEP_STEPS;
  const problems = [...read.problems, ...(read.values.length ? [] : ['give at least one value']), ...(stepsOk ? [] : [`steps: a whole number in ${MIN_SWEEP_STEPS} … ${formatInteger(MAX_SWEEP_STEPS)}`])];

  const onValues = (t: string) => {
    setText(t);
    const r = readSweepValues(t, spec.axis, config);
    if (r.values.length && r.problems.length === 0) onChange({ values: r.values });
  };
  const onAxis = (axis: SweepAxisName) => onChange({ axis, values: [...SWEEP_AXIS_INFO[axis].defaults] });
  const toggle = (n: NormKind, on: boolean) => onChange({ norms: NORMS.filter((m) => (m === n ? on : spec.norms.includes(m))) });

  return (
    <fieldset className="sweep-setup" disabled={disabled}>
      <legend className="sweep-hidden">The sweep’s settings</legend>
      <label className="sweep-field">
        vary{' '}
        <select value={spec.axis} onChange={(e) => onAxis(e.target.value as SweepAxisName)}>
          {SWEEP_AXES.map((a) => (
            <option key={a} value={a}>
              {SWEEP_AXIS_INFO[a].label}
            </option>
          ))}
        </select>
      </label>
      <label className="sweep-field sweep-values">
        values{' '}
        <input type="text" inputMode="decimal" value={text} onChange={(e) => onValues(e.target.value)} aria-invalid={read.problems.length > 0 || !read.values.length} aria-describedby={problems.length ? problemsId : undefined} spellCheck={false} />
      </label>
      <span className="sweep-norms" role="group" aria-label="Normalizations, one line each">
        {NORMS.map((n) => (
          <label key={n}>
            <input type="checkbox" checked={spec.norms.includes(n)} onChange={(e) => toggle(n, e.target.checked)} /> {NORM_NAMES[n]}
          </label>
        ))}
      </span>
      <label className="sweep-field">
        steps per run{' '}
        <input
          type="number"
          min={MIN_SWEEP_STEPS}
          max={MAX_SWEEP_STEPS}
          step={10}
          value={stepsText}
          aria-invalid={!stepsOk}
          onChange={(e) => {
            setStepsText(e.target.value);
            const v = /^\d{1,7}$/.test(e.target.value.trim()) ? Number(e.target.value.trim()) : NaN;
            if (v >= MIN_SWEEP_STEPS && v <= MAX_SWEEP_STEPS) onChange({ steps: v });
          }}
        />
      </label>
      {problems.length > 0 && (
        <p id={problemsId} className="sweep-problems" role="status">
          {problems.join('; ')}
        </p>
      )}
    </fieldset>
  );
}

/** The count of runs before, the progress during, and how it ended after. */
function SweepStatus({ sweep, planned, spec }: { sweep: SweepRunState | null; planned: ReturnType<typeof planSweep>; spec: SweepSpec }) {
  const n = runCount(spec);
  let text: string;
  if (sweep?.status === 'running') {
    const total = sweep.plan.runs.length;
    const done = sweep.rows.length;
    const now = sweep.current === null ? null : runKey(sweep.plan, sweep.current);
    const perRun = done ? sweep.rows.reduce((s, r) => s + r.seconds, 0) / done : null;
    const left = perRun === null ? '' : ` · about ${formatInteger(Math.max(1, perRun * (total - done)))} s left`;
    text = `${done} of ${total} runs${now ? ` · training ${axisLabelOf(sweep.plan)} ${formatSetting(now.x)}, ${NORM_NAMES[now.norm]}` : ' · starting'}${left}`;
  } else if (sweep?.status === 'done') {
    text = `${sweep.rows.length} of ${sweep.plan.runs.length} runs, in ${formatInteger(sweep.seconds)} s on ${sweep.backend?.name ?? 'wasm'}.`;
  } else if (sweep?.status === 'cancelled') {
    text = `Cancelled after ${sweep.rows.length} of ${sweep.plan.runs.length} runs.`;
  } else if (sweep?.status === 'failed') {
    text = `Stopped after ${sweep.rows.length} of ${sweep.plan.runs.length} runs: ${sweep.error ?? 'a run failed'}.`;
  } else if (planned.plan) {
    text = `${n} run${n === 1 ? '' : 's'} (${spec.values.length} × ${spec.norms.length}) of ${formatInteger(spec.steps)} steps, one after another on seed ${planned.plan.seeds[0]}; each run has one arm of its normalization.`;
  } else {
    text = `Cannot run: ${planned.problems.join('; ')}`;
  }
  return (
    <p className="sweep-status" role="status" aria-live="polite" data-testid="sweep-status">
      {text}
    </p>
  );
}

const CHART_HEIGHT = 260;
const MARGIN = { top: 12, right: 16, bottom: 42, left: 54 };

interface Hover {
  point: SweepPoint;
  norm: NormKind;
  px: number;
  py: number;
}

/** The chart: the plotted number against the varied setting (log axis), one line per normalization. */
function SweepChart({ plan, rows, metric, theme }: { plan: SweepPlan; rows: readonly SweepRow[]; metric: SweepMetric; theme: 'light' | 'dark' }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const [hover, setHover] = useState<Hover | null>(null);
  const series = useMemo(() => sweepSeries(plan, rows, metric), [plan, rows, metric]);
  const xs = xValues(plan);
  const axisLabel = axisLabelOf(plan);
  const width = size.width;
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const lo = xs[0]!;
  const hi = xs[xs.length - 1]!;
  // Log x: batch sizes, learning rates and scales are chosen by factors. Padded so the end points are not on the frame.
  const x = scaleLog()
    .domain(lo === hi ? [lo / 2, hi * 2] : [lo / 1.25, hi * 1.25])
    .range([0, innerW]);
  const yd = yDomain(series, metric);
  const y = scaleLinear().domain(yd).range([innerH, 0]).nice();
  const yTicks = y.ticks(5);
  const yFormat = (v: number) => (metric === 'loss' ? String(Number(v.toPrecision(3))) : `${Math.round(v * 100)}%`);
  const path = d3line<SweepPoint>()
    .x((p) => x(p.x))
    .y((p) => y(p.y));
  const allPoints = series.flatMap((s) => s.points.map((p) => ({ p, s })));

  const move = (e: React.PointerEvent<SVGRectElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const mx = e.clientX - box.left;
    const my = e.clientY - box.top;
    let best: { p: SweepPoint; s: SweepSeries; d: number } | null = null;
    for (const { p, s } of allPoints) {
      const d = Math.hypot(x(p.x) - mx, y(p.y) - my);
      if (!best || d < best.d) best = { p, s, d };
    }
    if (best && best.d < 40) setHover({ point: best.p, norm: best.s.norm, px: mx + MARGIN.left, py: my + MARGIN.top });
    else setHover(null);
  };
  const pointer = usePlotPointer(move, () => setHover(null));
  const summary = `${METRIC_INFO[metric].label} against ${axisLabel} (log scale), one line per normalization; ${rows.length} of ${plan.runs.length} runs drawn. The tables below give every number.`;

  return (
    <div ref={ref} className="sweep-chart" style={{ height: CHART_HEIGHT }}>
      {width > 0 && (
        <svg width={width} height={CHART_HEIGHT} role="img" aria-label={summary}>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            {yTicks.map((t) => (
              <g key={t} transform={`translate(0,${y(t)})`} className="sweep-tick">
                <line x1={0} x2={innerW} className="sweep-grid-line" />
                <text x={-6} dy="0.32em" textAnchor="end">
                  {yFormat(t)}
                </text>
              </g>
            ))}
            {xs.map((v) => (
              <g key={v} transform={`translate(${x(v)},${innerH})`} className="sweep-tick">
                <line y1={0} y2={5} className="sweep-axis-line" />
                <text y={18} textAnchor="middle">
                  {formatSetting(v)}
                </text>
              </g>
            ))}
            <line x1={0} x2={innerW} y1={innerH} y2={innerH} className="sweep-axis-line" />
            <line x1={0} x2={0} y1={0} y2={innerH} className="sweep-axis-line" />
            <text className="sweep-axis-title" x={innerW / 2} y={innerH + 36} textAnchor="middle">
              {axisLabel} (log scale)
            </text>
            <text className="sweep-axis-title" transform={`translate(${-MARGIN.left + 13},${innerH / 2}) rotate(-90)`} textAnchor="middle">
              {METRIC_INFO[metric].short}
            </text>
            {series.map((s) => (
              <g key={s.norm}>
                <path d={path(s.points) ?? ''} fill="none" stroke={armColor(s.index, theme)} strokeDasharray={armDash(s.index)} strokeWidth={2.2} />
                {s.points.map((p) => (
                  <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={hover?.point === p ? 6 : 4} fill={armColor(s.index, theme)} className="sweep-point" />
                ))}
              </g>
            ))}
            {rows.length === 0 && (
              <text className="sweep-empty" x={innerW / 2} y={innerH / 2} textAnchor="middle">
                waiting for the first run…
              </text>
            )}
            <rect className="sweep-overlay" width={innerW} height={innerH} {...pointer} />
          </g>
        </svg>
      )}
      {hover && (
        <PlotTooltip px={hover.px} py={hover.py} boxWidth={width} boxHeight={CHART_HEIGHT} className="sweep-tooltip">
          <RunReadout row={hover.point.row} norm={hover.norm} axisLabel={axisLabel} x={hover.point.x} theme={theme} />
        </PlotTooltip>
      )}
    </div>
  );
}

function RunReadout({ row, norm, axisLabel, x, theme }: { row: SweepRow; norm: NormKind; axisLabel: string; x: number; theme: 'light' | 'dark' }) {
  return (
    <>
      <div className="sweep-tooltip-head">
        <ArmSwatch arm={normIndex(norm)} theme={theme} /> {NORM_NAMES[norm]}, {axisLabel} {formatSetting(x)}
      </div>
      <table>
        <tbody>
          <tr>
            <th scope="row">final test accuracy</th>
            <td>{formatMetric(row.finalTestAccuracy, 'final')}</td>
          </tr>
          <tr>
            <th scope="row">mean over the run</th>
            <td>{formatMetric(row.meanTestAccuracy, 'mean')}</td>
          </tr>
          <tr>
            <th scope="row">final test loss</th>
            <td>{formatMetric(row.finalTestLoss, 'loss')}</td>
          </tr>
          {row.divergedAt !== null && (
            <tr>
              <th scope="row">diverged at step</th>
              <td>{formatInteger(row.divergedAt)}</td>
            </tr>
          )}
        </tbody>
      </table>
    </>
  );
}

/**
 * The numbers of the chart as a grid (setting × normalization, the plotted number) and every run's numbers: the
 * figure's data for a screen reader, and for anyone who wants the digits.
 */
function SweepTables({ plan, rows, metric, current }: { plan: SweepPlan; rows: readonly SweepRow[]; metric: SweepMetric; current: number | null }) {
  const norms = plan.axes[1]!.raw as NormKind[];
  const xs = plan.axes[0]!.values as number[];
  const axisLabel = axisLabelOf(plan);
  const byRun = new Map(rows.map((r) => [r.run, r]));
  const cell = (xi: number, ni: number) => plan.runs.find((r) => r.cell[0] === xi && r.cell[1] === ni)!;
  const sorted = [...rows].sort((a, b) => a.run - b.run);
  return (
    <div className="sweep-tables">
      <table className="sweep-grid" data-testid="sweep-grid">
        <caption>
          {METRIC_INFO[metric].label} after {formatInteger(plan.steps)} steps (seed {plan.seeds[0]}){rows.some((r) => r.divergedAt !== null) ? '; † diverged' : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">{axisLabel}</th>
            {norms.map((n) => (
              <th key={n} scope="col">
                {NORM_NAMES[n]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xs.map((v, xi) => (
            <tr key={v}>
              <th scope="row">{formatSetting(v)}</th>
              {norms.map((n, ni) => {
                const spec = cell(xi, ni);
                const row = byRun.get(spec.run);
                return <td key={n}>{row ? `${formatMetric(metricValue(row, metric), metric)}${row.divergedAt !== null ? '†' : ''}` : spec.run === current ? 'training…' : ''}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <details className="sweep-runs-details">
        <summary>Every run’s numbers ({rows.length} of {plan.runs.length})</summary>
        <table className="sweep-runs" data-testid="sweep-runs">
          <thead>
            <tr>
              <th scope="col">run</th>
              <th scope="col">{axisLabel}</th>
              <th scope="col">normalization</th>
              <th scope="col">final test acc</th>
              <th scope="col">mean test acc</th>
              <th scope="col">final test loss</th>
              <th scope="col">final train loss</th>
              <th scope="col">diverged at</th>
              <th scope="col">seconds</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => {
              const k = runKey(plan, r.run);
              return (
                <tr key={r.run}>
                  <td>{r.run}</td>
                  <td>{formatSetting(k.x)}</td>
                  <td>{NORM_NAMES[k.norm]}</td>
                  <td>{formatMetric(r.finalTestAccuracy, 'final')}</td>
                  <td>{formatMetric(r.meanTestAccuracy, 'mean')}</td>
                  <td>{formatMetric(r.finalTestLoss, 'loss')}</td>
                  <td>{formatMetric(r.finalTrainLoss, 'loss')}</td>
                  <td>{r.divergedAt === null ? '–' : formatInteger(r.divergedAt)}</td>
                  <td>{r.seconds.toFixed(1)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </div>
  );
}
