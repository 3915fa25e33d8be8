import { useLab, useSend } from '../store/context';

/** Play/Pause, Step, Reset and the step counter. */
export function Transport() {
  const send = useSend();
  const playing = useLab((s) => s.run.playing);
  const step = useLab((s) => s.run.step);
  const ready = useLab((s) => s.run.status === 'ready');
  return (
    <div className="transport" role="group" aria-label="Training">
      <button type="button" className="primary" disabled={!ready} onClick={() => send({ type: playing ? 'pause' : 'play' })}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" disabled={!ready} onClick={() => send({ type: 'step' })}>
        Step
      </button>
      <button type="button" disabled={!ready} onClick={() => send({ type: 'reset' })}>
        Reset
      </button>
      <output className="step-counter" role="status" aria-label="Step" aria-live="off">
        step <span data-testid="step">{step}</span>
      </output>
    </div>
  );
}
