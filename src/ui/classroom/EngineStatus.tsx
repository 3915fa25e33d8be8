import { useEffect, useState } from 'react';
import { useLab } from '../../store/context';
import { REBUILD_NOTE_AFTER_MS, WARMUP_NOTE_AFTER_MS, formatElapsed, startupLine } from './startupPhases';

/** The page's clock, ticking every `ms` while `active` (only this small line re-renders). */
function useNow(active: boolean, ms = 100): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(performance.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}

/**
 * Feedback while waiting: the start-up phases (the engine loading, the digits, the backend starting, the
 * networks being built), each with its time, until the run is ready; later, a rebuild that takes a while; and a
 * note while a new network's first step, the slowest, is under way. The phase is announced once (a polite live
 * region); the ticking seconds are not.
 */
export function EngineStatus() {
  const waiting = useLab((s) => s.waiting);
  // The page's own start (it begins with the engine loading), not a rebuild after a change of settings.
  const starting = waiting[0]?.phase.phase === 'engine';
  const warmup = useLab((s) => s.run.warmup);
  const now = useNow(waiting.length > 0 || warmup !== null);

  const line = startupLine(waiting, now);
  if (line && (starting || line.totalMs >= REBUILD_NOTE_AFTER_MS)) {
    return (
      <div className="engine-status" data-testid="engine-status">
        <span className="engine-spinner" aria-hidden="true" />
        <span className="engine-phase" role="status">
          {starting ? 'Getting the lab ready' : 'Preparing the new run'}: {line.current.label}…
        </span>
        <span className="engine-elapsed">{formatElapsed(line.current.ms)}</span>
        {line.done.length > 0 && (
          <span className="engine-done">
            {line.done.map((d, i) => (
              <span key={i}>
                {d.label} {formatElapsed(d.ms)}
              </span>
            ))}
            <span className="engine-total">{formatElapsed(line.totalMs)} in all</span>
          </span>
        )}
      </div>
    );
  }
  if (!line && warmup !== null && now - warmup >= WARMUP_NOTE_AFTER_MS) {
    return (
      <div className="engine-status warmup" data-testid="warmup-note">
        <span className="engine-spinner" aria-hidden="true" />
        <span className="engine-phase" role="status">
          Warming up: the first step of a new network takes longer than the ones after it…
        </span>
        <span className="engine-elapsed">{formatElapsed(now - warmup)}</span>
      </div>
    );
  }
  return null;
}
