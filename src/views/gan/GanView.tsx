import { useEffect, useMemo, useRef, useState } from 'react';
import { line as d3line, scaleLinear } from 'd3';
import { DEFAULT_GAN_CONFIG, GAN_ARMS, type GanProbe } from '../../engine/gan/config';
import { DEFAULT_COVERAGE, sampleRing } from '../../engine/gan/ring';
import { createRng } from '../../engine/random';
import { useLab } from '../../store/context';
import type { GanCommand, GanEvent } from '../../worker/ganRunner';
import { ArmSwatch } from '../common/ArmSwatch';
import { ViewFigure } from '../common/ViewFigure';
import { formatInteger } from '../common/format';
import { armColor, armTextColor } from '../common/palette';
import { useSize } from '../common/useSize';
import { ganCaption, planeExtent, summarize, type GanSummary } from './ganModel';
import './gan.css';

const TITLE = 'GAN on a ring';
/** Steps a Train runs to; Pause and Train again go on from where it stopped. */
const RUN_STEPS = 5000;
/** Probe (losses, coverage, samples) every this many steps: the same steps on every machine. */
const PROBE_EVERY = 20;
/** The canvases redraw on their own clock, at most this often, whatever the pace of training (GAN Lab's way). */
const FRAME_MS = 1000 / 30;
/** A new probe's samples glide from the previous probe's positions (the same noise, point for point) over this long. */
const GLIDE_MS = 300;
const NAMES = GAN_ARMS.map((a) => a.name);
const RING = { modes: DEFAULT_GAN_CONFIG.modes, radius: DEFAULT_GAN_CONFIG.radius, std: DEFAULT_GAN_CONFIG.std };
const EXTENT = planeExtent(RING.radius);

type Status = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'failed';

/** The samples each panel draws: where a glide started, where it ends, and when it began. */
interface Glide {
  from: Float32Array | null;
  to: Float32Array;
  t0: number;
}

/** Each panel's next glide: from where its points are drawn at `now` (mid-glide included, so nothing jumps) to the probe's. */
function nextGlides(current: readonly (Glide | null)[], p: GanProbe, now: number): Glide[] {
  return p.arms.map((a, i) => {
    const prev = current[i];
    let from: Float32Array | null = null;
    if (prev) {
      const f = prev.from ? Math.min(1, (now - prev.t0) / GLIDE_MS) : 1;
      from = f < 1 && prev.from ? prev.to.map((v, k) => prev.from![k]! + (v - prev.from![k]!) * f) : prev.to;
    }
    return { from, to: a.samples, t0: now };
  });
}

const startWorker = () => new Worker(new URL('../../worker/gan.worker.ts', import.meta.url), { type: 'module', name: 'gan' });

/**
 * Batch norm in a GAN's generator (as DCGAN uses it): two generators, without and with batch norm, learn a ring of
 * Gaussians from the same initial weights on the same batches and noise, in a worker of the view's own started by
 * Train and ended when the view closes. Each panel draws the real data (grey) and the generator's samples from fixed
 * noise (the arm's colour) on its own clock, gliding between probes; the losses are small curves beneath.
 */
export function GanView() {
  const theme = useLab((s) => s.view.theme);
  const seed = useLab((s) => s.config.seed);
  const [history, setHistory] = useState<GanSummary[]>([]);
  const [status, setStatus] = useState<Status>('idle');
  const [error, setError] = useState<string | null>(null);
  const worker = useRef<Worker | null>(null);
  const glides = useRef<(Glide | null)[]>(GAN_ARMS.map(() => null));
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const [gridRef, size] = useSize<HTMLDivElement>();
  // Nothing of this view trains unseen: closing it ends its worker.
  useEffect(() => () => worker.current?.terminate(), []);

  // The real data drawn in grey: a fixed sample of the ring, from the seed.
  const real = useMemo(() => sampleRing(RING, 512, createRng(seed, 'gan-display')), [seed]);
  const side = Math.max(120, Math.min(340, Math.floor(size.width >= 560 ? (size.width - 24) / 2 : size.width)));

  // The drawing clock: one requestAnimationFrame loop while the view is open, throttled to FRAME_MS, that reads the
  // newest samples from a ref. Training never waits for it, and it never waits for training.
  useEffect(() => {
    let raf = 0;
    let last = -Infinity;
    const dpr = Math.min(2, window.devicePixelRatio || 1);
    const grey = theme === 'dark' ? 'rgba(200, 200, 200, 0.55)' : 'rgba(90, 90, 90, 0.45)';
    const draw = (now: number) => {
      raf = requestAnimationFrame(draw);
      if (now - last < FRAME_MS) return;
      last = now;
      GAN_ARMS.forEach((_, i) => {
        const canvas = canvases.current[i];
        if (!canvas) return;
        const ctx = canvas.getContext('2d');
        if (!ctx) return;
        const px = Math.round(side * dpr);
        if (canvas.width !== px) {
          canvas.width = px;
          canvas.height = px;
        }
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, side, side);
        const s = side / (2 * EXTENT);
        const X = (x: number) => (x + EXTENT) * s;
        const Y = (y: number) => (EXTENT - y) * s;
        ctx.fillStyle = grey;
        for (let k = 0; k < real.length; k += 2) ctx.fillRect(X(real[k]!) - 1.2, Y(real[k + 1]!) - 1.2, 2.4, 2.4);
        const g = glides.current[i];
        if (!g) return;
        const f = g.from && g.from.length === g.to.length ? Math.min(1, (now - g.t0) / GLIDE_MS) : 1;
        ctx.fillStyle = armColor(i, theme);
        ctx.globalAlpha = 0.75;
        for (let k = 0; k < g.to.length; k += 2) {
          const x = f < 1 ? g.from![k]! + (g.to[k]! - g.from![k]!) * f : g.to[k]!;
          const y = f < 1 ? g.from![k + 1]! + (g.to[k + 1]! - g.from![k + 1]!) * f : g.to[k + 1]!;
          if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
          ctx.beginPath();
          ctx.arc(X(x), Y(y), 1.8, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.globalAlpha = 1;
      });
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [side, theme, real]);

  const send = (c: GanCommand) => worker.current?.postMessage(c);
  const start = () => {
    worker.current?.terminate();
    const w = startWorker();
    worker.current = w;
    glides.current = GAN_ARMS.map(() => null);
    setHistory([]);
    setError(null);
    setStatus('starting');
    w.onmessage = (e: MessageEvent<GanEvent>) => {
      const m = e.data;
      if (m.type === 'probe') {
        // The event's time is on the same clock as requestAnimationFrame's.
        glides.current = nextGlides(glides.current, m.probe, e.timeStamp);
        setHistory((h) => [...h, summarize(m.probe)]);
      }
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
      setError(`the GAN's worker failed: ${e.message || 'it did not load'}`);
      w.terminate();
    };
    send({ type: 'start', config: { seed }, steps: RUN_STEPS, probeEvery: PROBE_EVERY });
  };
  const reset = () => {
    worker.current?.terminate();
    worker.current = null;
    glides.current = GAN_ARMS.map(() => null);
    setHistory([]);
    setStatus('idle');
    setError(null);
  };

  const latest = history[history.length - 1];
  const button =
    status === 'running' || status === 'starting'
      ? { label: 'Pause', act: () => send({ type: 'pause' }), disabled: status === 'starting' }
      : status === 'paused'
        ? { label: 'Train', act: () => send({ type: 'resume' }), disabled: false }
        : { label: 'Train', act: start, disabled: status === 'done' };
  const statusText =
    status === 'starting'
      ? 'starting the backend…'
      : status === 'failed'
        ? `failed: ${error ?? ''}`
        : latest
          ? `step ${formatInteger(latest.step)} of ${formatInteger(RUN_STEPS)}${status === 'paused' ? ', paused' : status === 'done' ? ', done' : ''} · seed ${seed}`
          : `seed ${seed} · ${formatInteger(RUN_STEPS)} steps`;

  return (
    <ViewFigure
      title={TITLE}
      caption={ganCaption(history, NAMES, RING.modes)}
      className="gan-view"
      tools={
        <>
          <button type="button" className="primary gan-train" onClick={button.act} disabled={button.disabled}>
            {button.label}
          </button>
          <button type="button" onClick={reset} disabled={status === 'idle'}>
            Reset
          </button>
          <span className="gan-status" role="status">
            {statusText}
          </span>
        </>
      }
      legend={
        <ul className="gan-legend">
          <li>
            <span className="gan-dot gan-real" aria-hidden="true" /> real data
          </li>
          {GAN_ARMS.map((a, i) => (
            <li key={a.kind}>
              <ArmSwatch arm={i} theme={theme} /> {a.name}: generated
            </li>
          ))}
          <li className="gan-note">
            curves: D loss solid, G loss dashed · a mode is covered when ≥ 1/{Math.round(1 / DEFAULT_COVERAGE.minShare)} of {DEFAULT_GAN_CONFIG.probeSamples} samples lie within{' '}
            {DEFAULT_COVERAGE.sigmas} std of it
          </li>
        </ul>
      }
    >
      <div ref={gridRef} className="gan-panels">
        {GAN_ARMS.map((a, i) => {
          const arm = latest?.arms[i];
          return (
            <section key={a.kind} className="gan-panel" style={{ width: side }}>
              <h3 className="gan-panel-title" style={{ color: armTextColor(i, theme) }}>
                {a.name}
                <span className="gan-panel-modes">{arm && latest!.step > 0 ? `${arm.modesCovered}/${RING.modes} modes` : ''}</span>
              </h3>
              <canvas
                ref={(el) => {
                  canvases.current[i] = el;
                }}
                className="gan-canvas"
                style={{ width: side, height: side }}
                role="img"
                aria-label={
                  arm
                    ? `${a.name} at step ${latest!.step}: ${arm.modesCovered} of ${RING.modes} modes covered, ${Math.round(arm.highQuality * 100)}% of samples near a mode`
                    : `${a.name}: the real ring of ${RING.modes} Gaussians; not trained yet`
                }
              />
              <LossCurves history={history} arm={i} width={side} theme={theme} />
            </section>
          );
        })}
      </div>
      <table className="gan-table">
        <caption>{latest ? `At step ${formatInteger(latest.step)}` : 'Not trained yet'}</caption>
        <thead>
          <tr>
            <th scope="col">generator</th>
            <th scope="col">modes covered</th>
            <th scope="col">near a mode</th>
            <th scope="col">D loss</th>
            <th scope="col">G loss</th>
          </tr>
        </thead>
        <tbody>
          {GAN_ARMS.map((a, i) => {
            const arm = latest?.arms[i];
            const trained = arm && latest!.step > 0;
            return (
              <tr key={a.kind} data-arm={a.kind}>
                <th scope="row">
                  <ArmSwatch arm={i} theme={theme} /> {a.name}
                </th>
                <td className="gan-modes">{arm ? `${arm.modesCovered}/${RING.modes}` : '–'}</td>
                <td>{arm ? `${Math.round(arm.highQuality * 100)}%` : '–'}</td>
                <td>{trained && Number.isFinite(arm.dLoss) ? arm.dLoss.toFixed(2) : '–'}</td>
                <td>{trained && Number.isFinite(arm.gLoss) ? arm.gLoss.toFixed(2) : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ViewFigure>
  );
}

const CURVE_HEIGHT = 64;
const CURVE_MARGIN = { top: 6, right: 4, bottom: 16, left: 30 };

/** An arm's D and G losses against steps, on a fixed 0–3 axis shared by both panels so they compare at a glance. */
function LossCurves({ history, arm, width, theme }: { history: readonly GanSummary[]; arm: number; width: number; theme: 'light' | 'dark' }) {
  const innerW = Math.max(20, width - CURVE_MARGIN.left - CURVE_MARGIN.right);
  const innerH = CURVE_HEIGHT - CURVE_MARGIN.top - CURVE_MARGIN.bottom;
  const trained = history.filter((p) => p.step > 0);
  const x = scaleLinear().domain([0, Math.max(RUN_STEPS / 10, trained[trained.length - 1]?.step ?? 1)]).range([0, innerW]);
  const y = scaleLinear().domain([0, 3]).range([innerH, 0]).clamp(true);
  const path = (key: 'dLoss' | 'gLoss') =>
    d3line<GanSummary>()
      .defined((p) => Number.isFinite(p.arms[arm]![key]))
      .x((p) => x(p.step))
      .y((p) => y(p.arms[arm]![key]))(trained) ?? '';
  const color = armColor(arm, theme);
  return (
    <svg className="gan-curves" width={width} height={CURVE_HEIGHT} aria-hidden="true">
      <g transform={`translate(${CURVE_MARGIN.left},${CURVE_MARGIN.top})`}>
        {[0, 1.5, 3].map((v) => (
          <g key={v} transform={`translate(0,${y(v)})`}>
            <line x2={innerW} className="gan-grid-line" />
            <text x={-4} dy="0.32em" textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        <path d={path('dLoss')} fill="none" stroke={color} strokeWidth={1.6} />
        <path d={path('gLoss')} fill="none" stroke={color} strokeWidth={1.6} strokeDasharray="4 3" />
        <text x={innerW} y={innerH + 13} textAnchor="end">
          step {formatInteger(x.domain()[1]!)}
        </text>
        <text x={0} y={innerH + 13}>
          0
        </text>
      </g>
    </svg>
  );
}
