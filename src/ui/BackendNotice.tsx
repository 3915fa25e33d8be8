import './backendNotice.css';
import { useState } from 'react';
import { useLab } from '../store/context';

/**
 * Says so when a run starts on another backend than the run before it ("Switched to WebGL: your GPU measured 3.1×
 * faster than WebAssembly …"): the numbers of a run are its backend's, so a learner comparing runs should know.
 * The session sends the sentence only with the run the change began; the header keeps the reason after it.
 */
export function BackendNotice() {
  const change = useLab((s) => s.run.backend?.change ?? null);
  const runId = useLab((s) => s.run.runId);
  const [dismissed, setDismissed] = useState<number | null>(null);
  if (change === null || dismissed === runId) return null;
  return (
    <section className="banner backend-notice" role="status" aria-label="Backend changed">
      <p>{change}</p>
      <button type="button" onClick={() => setDismissed(runId)} aria-label="Dismiss the note on the backend">
        Dismiss
      </button>
    </section>
  );
}
