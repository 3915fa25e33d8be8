import { useLab, useSend } from '../store/context';

const SPEEDS: readonly [string, number | null][] = [
  ['max', null],
  ['60 steps/s', 60],
  ['20 steps/s', 20],
  ['5 steps/s', 5],
  ['1 step/s', 1],
];

/** Play/Pause, Step, Reset, speed and the step counter. */
export function Transport({ speed, onSpeed }: { speed: number | null; onSpeed: (v: number | null) => void }) {
  const send = useSend();
  const playing = useLab((s) => s.run.playing);
  const step = useLab((s) => s.run.step);
  const rate = useLab((s) => s.run.stepsPerSecond);
  const status = useLab((s) => s.run.status);
  // Which run the counter counts (the session numbers every run it builds): tests count builds by it.
  const runId = useLab((s) => s.run.runId);
  const ready = status === 'ready';
  return (
    <div className="transport" role="group" aria-label="Training">
      <button type="button" className="primary play" disabled={!ready} onClick={() => send({ type: playing ? 'pause' : 'play' })} aria-keyshortcuts="Space">
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" disabled={!ready || playing} onClick={() => send({ type: 'step' })} aria-keyshortcuts="ArrowRight">
        Step
      </button>
      <button type="button" disabled={status === 'starting'} onClick={() => send({ type: 'reset' })} aria-keyshortcuts="R">
        Reset
      </button>
      <label className="speed">
        <span className="visually-hidden">Speed</span>
        <select value={speed === null ? 'max' : String(speed)} onChange={(e) => onSpeed(e.target.value === 'max' ? null : Number(e.target.value))} aria-label="Speed">
          {SPEEDS.map(([label, v]) => (
            <option key={label} value={v === null ? 'max' : String(v)}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <output className="step-counter" role="status" aria-label="Step" aria-live="off">
        step <span data-testid="step" data-run={runId}>{step.toLocaleString('en-US')}</span>
        <span className="rate">{playing && rate > 0 ? ` · ${rate.toFixed(0)}/s` : ''}</span>
      </output>
    </div>
  );
}
