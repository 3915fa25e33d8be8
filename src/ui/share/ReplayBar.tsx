import './share.css';
import { useEffect } from 'react';
import { useLab, useLabStore, useSend } from '../../store/context';

/**
 * Replays a shared link: once the engine is ready, trains from the seed to the linked step and pauses there, with
 * a progress bar and the time left. A new run (the user changed a setting) or a pause ends the replay.
 */
export function ReplayBar() {
  const store = useLabStore();
  const send = useSend();
  const runId = useLab((s) => s.run.runId);
  const status = useLab((s) => s.run.status);
  const step = useLab((s) => s.run.step);
  const playing = useLab((s) => s.run.playing);
  const rate = useLab((s) => s.run.stepsPerSecond);
  const replay = useLab((s) => s.replay);

  useEffect(() => {
    const s = store.getState();
    if (s.link.to > 0 && runId > 0 && status === 'ready' && s.replay === null && !startedOnce.has(store)) {
      startedOnce.add(store);
      store.setState({ replay: { target: s.link.to, runId, startedAt: performance.now(), startStep: s.run.step } });
      send({ type: 'runTo', step: s.link.to });
    }
  }, [store, send, runId, status]);

  useEffect(() => {
    if (!replay) return;
    const done = replay.runId !== runId || (step >= replay.target && !playing);
    // A pause before the target (the user pressed Pause) also ends it; the first progress event may still say
    // "not playing" before the run starts, so only after the run has moved.
    const paused = !playing && step > replay.startStep && step < replay.target;
    if (done || paused) store.setState({ replay: null });
  }, [store, replay, runId, step, playing]);

  if (!replay || replay.runId !== runId) return null;
  const total = Math.max(1, replay.target - replay.startStep);
  const done = Math.min(total, Math.max(0, step - replay.startStep));
  const left = rate > 0 ? (replay.target - step) / rate : null;
  return (
    <section className="replay-bar" aria-label="Replaying the linked run">
      <p>
        Replaying the linked run from its seed: step {step.toLocaleString('en-US')} of {replay.target.toLocaleString('en-US')}
        {left !== null && left > 0.5 ? ` · about ${formatSeconds(left)} left` : ''}. It pauses there, showing what the sender saw.
      </p>
      <progress max={total} value={done} aria-label="Replay progress" />
    </section>
  );
}

/** Stores whose link has been replayed: a link replays once, not again after every reset. */
const startedOnce = new WeakSet<object>();

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}
