import { useEffect, useMemo, useRef, useState } from 'react';
import { line as d3line, scaleLinear } from 'd3';
import { rnnConfigSchema, type RnnNorm } from '../../engine/rnn/config';
import { appendRnnProbe, createRnnHistory, type RnnArmHistory } from '../../engine/rnn/history';
import type { RnnProbe } from '../../engine/rnn/lockstep';
import { useLab } from '../../store/context';
import type { RnnCommand, RnnEvent } from '../../worker/rnnRunner';
import { ArmSwatch } from '../common/ArmSwatch';
import { ViewFigure } from '../common/ViewFigure';
import { formatInteger } from '../common/format';
import { armColor, armDash } from '../common/palette';
import { useSize } from '../common/useSize';
import { rnnCaption } from './rnnCaption';
import './rnn.css';

const TITLE = 'Recurrent net';
/** Steps a Train runs to; Pause and Train again go on from where it stopped. */
const RUN_STEPS = 2000;
const BATCH_SIZES = [4, 8, 16, 32, 64] as const;
const NORMS: readonly RnnNorm[] = ['none', 'layer', 'batch'];
const CHART_HEIGHT = 220;
const MARGIN = { top: 10, right: 12, bottom: 40, left: 48 };

type Metric = 'testAccuracy' | 'testLoss' | 'trainLoss';
const METRICS: Record<Metric, { label: string; percent: boolean }> = {
  testAccuracy: { label: 'test accuracy', percent: true },
  testLoss: { label: 'test loss', percent: false },
  trainLoss: { label: 'training loss', percent: false },
};
type Signal = 'pre' | 'into';
const SIGNALS: Record<Signal, string> = { pre: 'a_t, before normalization', into: 'tanh input, after it' };

type Status = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'failed';

const startWorker = () => new Worker(new URL('../../worker/rnn.worker.ts', import.meta.url), { type: 'module', name: 'rnn' });

/**
 * Batch norm beyond feed-forward nets: a tanh RNN reads each MNIST digit row by row (28 steps of 28 pixels) with no
 * normalization, layer norm, or batch norm with statistics per time step (Cooijmans et al. 2016), trained in lockstep
 * in a worker of the view's own, started by Train and ended when the view closes. Beside the curves, the spread of
 * the pre-activation at every time step: what per-step statistics have to follow.
 */
export function RnnView() {
  const theme = useLab((s) => s.view.theme);
  const seed = useLab((s) => s.config.seed);
  const [batchSize, setBatchSize] = useState(32);
  const [probes, setProbes] = useState<RnnProbe[]>([]);
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const [metric, setMetric] = useState<Metric>('testAccuracy');
  const [signal, setSignal] = useState<Signal>('pre');
  const worker = useRef<Worker | null>(null);
  // Nothing of this view trains unseen: closing it ends its worker.
  useEffect(() => () => worker.current?.terminate(), []);

  const history = useMemo(() => probes.reduce(appendRnnProbe, createRnnHistory(NORMS)), [probes]);
  const config = useMemo(() => rnnConfigSchema.parse({ seed, batchSize }), [seed, batchSize]);

  const send = (c: RnnCommand) => worker.current?.postMessage(c);
  const start = () => {
    worker.current?.terminate();
    const w = startWorker();
    worker.current = w;
    setProbes([]);
    setError(null);
    setStatus('starting');
    w.onmessage = (e: MessageEvent<RnnEvent>) => {
      const m = e.data;
      if (m.type === 'probe') setProbes((p) => [...p, m.probe]);
      else if (m.type === 'state') setStatus(m.state);
      else if (m.type === 'failed') {
        setStatus('failed');
        setError(m.message);
        w.terminate();
      }
    };
    w.onerror = (e) => {
      e.preventDefault();
      setStatus('failed');
      setError(`the RNN's worker failed: ${e.message || 'it did not load'}`);
      w.terminate();
    };
    send({ type: 'start', config, steps: RUN_STEPS });
  };
  const reset = () => {
    worker.current?.terminate();
    worker.current = null;
    setProbes([]);
    setStatus('idle');
    setError(null);
  };

  const lastStep = probes[probes.length - 1]?.step ?? 0;
  const button =
    status === 'running' || status === 'starting'
      ? { label: 'Pause', act: () => send({ type: 'pause' }), disabled: status === 'starting' }
      : status === 'paused'
        ? { label: 'Train', act: () => send({ type: 'resume' }), disabled: false }
        : { label: 'Train', act: start, disabled: status === 'done' };
  const statusText =
    status === 'starting'
      ? 'loading the digits and the backend…'
      : status === 'failed'
        ? `failed: ${error ?? ''}`
        : probes.length
          ? `step ${formatInteger(lastStep)} of ${formatInteger(RUN_STEPS)}${status === 'paused' ? ', paused' : status === 'done' ? ', done' : ''} · batch ${batchSize} · seed ${seed}`
          : `batch ${batchSize} · seed ${seed} · ${formatInteger(RUN_STEPS)} steps`;

  return (
    <ViewFigure
      title={TITLE}
      caption={rnnCaption(history)}
      className="rnn-view"
      tools={
        <>
          <button type="button" className="primary rnn-train" onClick={button.act} disabled={button.disabled}>
            {button.label}
          </button>
          <button type="button" onClick={reset} disabled={status === 'idle'}>
            Reset
          </button>
          <label className="rnn-field">
            batch{' '}
            <select value={batchSize} onChange={(e) => setBatchSize(Number(e.target.value))} disabled={status !== 'idle'}>
              {BATCH_SIZES.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </label>
          <span className="rnn-status" role="status">
            {statusText}
          </span>
        </>
      }
      legend={
        <ul className="rnn-legend">
          {history.map((a, i) => (
            <li key={a.norm}>
              <ArmSwatch arm={i} theme={theme} /> {a.label}
            </li>
          ))}
        </ul>
      }
    >
      <div className="rnn-panels">
        <section className="rnn-panel">
          <label className="rnn-field">
            plot{' '}
            <select value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
              {(Object.keys(METRICS) as Metric[]).map((m) => (
                <option key={m} value={m}>
                  {METRICS[m].label}
                </option>
              ))}
            </select>
          </label>
          <CurveChart history={history} metric={metric} theme={theme} />
        </section>
        <section className="rnn-panel">
          <label className="rnn-field">
            std per time step of{' '}
            <select value={signal} onChange={(e) => setSignal(e.target.value as Signal)}>
              {(Object.keys(SIGNALS) as Signal[]).map((s) => (
                <option key={s} value={s}>
                  {SIGNALS[s]}
                </option>
              ))}
            </select>
          </label>
          <RowChart history={history} signal={signal} theme={theme} />
        </section>
      </div>
      <LatestTable history={history} theme={theme} />
    </ViewFigure>
  );
}

function Axes({ innerW, innerH, yTicks, yFormat, xTicks, xLabel, yLabel }: { innerW: number; innerH: number; yTicks: { v: number; y: number }[]; yFormat: (v: number) => string; xTicks: { v: number; x: number; label: string }[]; xLabel: string; yLabel: string }) {
  return (
    <>
      {yTicks.map((t) => (
        <g key={t.v} transform={`translate(0,${t.y})`} className="rnn-tick">
          <line x1={0} x2={innerW} className="rnn-grid-line" />
          <text x={-6} dy="0.32em" textAnchor="end">
            {yFormat(t.v)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <g key={t.v} transform={`translate(${t.x},${innerH})`} className="rnn-tick">
          <line y1={0} y2={5} className="rnn-axis-line" />
          <text y={18} textAnchor="middle">
            {t.label}
          </text>
        </g>
      ))}
      <line x1={0} x2={innerW} y1={innerH} y2={innerH} className="rnn-axis-line" />
      <line x1={0} x2={0} y1={0} y2={innerH} className="rnn-axis-line" />
      <text className="rnn-axis-title" x={innerW / 2} y={innerH + 34} textAnchor="middle">
        {xLabel}
      </text>
      <text className="rnn-axis-title" transform={`translate(${-MARGIN.left + 12},${innerH / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </>
  );
}

/** The three arms' convergence: the chosen measure against steps. */
function CurveChart({ history, metric, theme }: { history: readonly RnnArmHistory[]; metric: Metric; theme: 'light' | 'dark' }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const width = size.width;
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const steps = history[0]?.steps ?? [];
  const maxStep = Math.max(100, steps[steps.length - 1] ?? 0);
  const x = scaleLinear().domain([0, maxStep]).range([0, innerW]).nice();
  const values = history.flatMap((a) => a[metric]).filter(Number.isFinite);
  const { percent, label } = METRICS[metric];
  const y = scaleLinear()
    .domain(percent ? [0, 1] : [0, Math.max(0.5, ...values)])
    .range([innerH, 0])
    .nice();
  const path = d3line<number>()
    .x((_, i) => x(steps[i]!))
    .y((v) => y(v))
    .defined(Number.isFinite);
  const fmt = (v: number) => (percent ? `${Math.round(v * 100)}%` : String(Number(v.toPrecision(3))));
  const summary = `${label} against training steps, one line per arm; ${steps.length} probes drawn.`;
  return (
    <div ref={ref} className="rnn-chart" style={{ height: CHART_HEIGHT }}>
      {width > 0 && (
        <svg width={width} height={CHART_HEIGHT} role="img" aria-label={summary}>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <Axes
              innerW={innerW}
              innerH={innerH}
              yTicks={y.ticks(5).map((v) => ({ v, y: y(v) }))}
              yFormat={fmt}
              xTicks={x.ticks(4).map((v) => ({ v, x: x(v), label: formatInteger(v) }))}
              xLabel="step"
              yLabel={label}
            />
            {history.map((a, i) => (
              <path key={a.norm} d={path(a[metric]) ?? ''} fill="none" stroke={armColor(i, theme)} strokeDasharray={armDash(i)} strokeWidth={2.2} />
            ))}
          </g>
        </svg>
      )}
    </div>
  );
}

/** Per time step (row 1 … 28), each arm's std of a_t or of the tanh input at the latest probe. */
function RowChart({ history, signal, theme }: { history: readonly RnnArmHistory[]; signal: Signal; theme: 'light' | 'dark' }) {
  const [ref, size] = useSize<HTMLDivElement>();
  const width = size.width;
  const innerW = Math.max(10, width - MARGIN.left - MARGIN.right);
  const innerH = CHART_HEIGHT - MARGIN.top - MARGIN.bottom;
  const rows = history.map((a) => (signal === 'pre' ? a.preStd : a.inStd)[a.steps.length - 1] ?? []);
  const T = rows[0]?.length || 28;
  const x = scaleLinear().domain([1, T]).range([0, innerW]);
  const y = scaleLinear()
    .domain([0, Math.max(0.5, ...rows.flat().filter(Number.isFinite))])
    .range([innerH, 0])
    .nice();
  const path = d3line<number>()
    .x((_, t) => x(t + 1))
    .y((v) => y(v));
  const step = history[0]?.steps[history[0].steps.length - 1];
  const summary = `Standard deviation of the ${SIGNALS[signal]} at each of the ${T} time steps${step === undefined ? '' : ` at step ${formatInteger(step)}`}, over the test digits and hidden units, one line per arm.`;
  return (
    <div ref={ref} className="rnn-chart" style={{ height: CHART_HEIGHT }}>
      {width > 0 && (
        <svg width={width} height={CHART_HEIGHT} role="img" aria-label={summary}>
          <g transform={`translate(${MARGIN.left},${MARGIN.top})`}>
            <Axes
              innerW={innerW}
              innerH={innerH}
              yTicks={y.ticks(4).map((v) => ({ v, y: y(v) }))}
              yFormat={(v) => String(Number(v.toPrecision(3)))}
              xTicks={[1, 7, 14, 21, 28].filter((v) => v <= T).map((v) => ({ v, x: x(v), label: String(v) }))}
              xLabel="time step (row of the digit)"
              yLabel="std"
            />
            {rows.map((r, i) => (r.length ? <path key={history[i]!.norm} d={path(r) ?? ''} fill="none" stroke={armColor(i, theme)} strokeDasharray={armDash(i)} strokeWidth={2.2} /> : null))}
          </g>
        </svg>
      )}
    </div>
  );
}

/** The latest probe's numbers: what the curves end at, for reading (and for the tests). */
function LatestTable({ history, theme }: { history: readonly RnnArmHistory[]; theme: 'light' | 'dark' }) {
  const n = history[0]?.steps.length ?? 0;
  if (n === 0) return null;
  return (
    <table className="rnn-table">
      <caption>At step {formatInteger(history[0]!.steps[n - 1]!)} (batch norm on the test digits with its running averages)</caption>
      <thead>
        <tr>
          <th scope="col">arm</th>
          <th scope="col">test accuracy</th>
          <th scope="col">test loss</th>
          <th scope="col">training loss</th>
        </tr>
      </thead>
      <tbody>
        {history.map((a, i) => (
          <tr key={a.norm} data-norm={a.norm}>
            <th scope="row">
              <ArmSwatch arm={i} theme={theme} /> {a.label}
            </th>
            <td>{(a.testAccuracy[n - 1]! * 100).toFixed(1)}%</td>
            <td>{a.testLoss[n - 1]!.toFixed(3)}</td>
            <td>{a.trainLoss[n - 1]!.toFixed(3)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
