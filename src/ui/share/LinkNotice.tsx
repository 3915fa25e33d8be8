import './share.css';
import { useState } from 'react';
import { useLab } from '../../store/context';

/**
 * What the page could not take from its link: each ignored parameter and why, and a backend other than the
 * sender's. Plain text only: nothing from the address is ever inserted as HTML.
 */
export function LinkNotice() {
  const problems = useLab((s) => s.link.problems);
  const linked = useLab((s) => s.link.backend);
  const running = useLab((s) => s.run.backend?.name ?? null);
  const [dismissed, setDismissed] = useState(false);
  const [backendDismissed, setBackendDismissed] = useState(false);
  const otherBackend = linked !== null && running !== null && linked !== running;
  return (
    <>
      {problems.length > 0 && !dismissed && (
        <section className="banner warning link-notice" role="status" aria-label="Link problems">
          <div>
            <strong>
              {problems.length === 1 ? 'One setting in this link was' : `${problems.length} settings in this link were`} not used; the rest of
              the link was.
            </strong>
            <ul>
              {problems.slice(0, 12).map((p, i) => (
                <li key={i}>{p}</li>
              ))}
              {problems.length > 12 && <li>… and {problems.length - 12} more.</li>}
            </ul>
          </div>
          <button type="button" onClick={() => setDismissed(true)} aria-label="Dismiss the link problems">
            Dismiss
          </button>
        </section>
      )}
      {otherBackend && !backendDismissed && (
        <section className="banner warning" role="status" aria-label="Backend differs">
          <p>
            This link was made on the <strong>{linked}</strong> backend; here the engine runs on <strong>{running}</strong>, so the numbers may
            differ from the sender&rsquo;s in the last digits.
          </p>
          <button type="button" onClick={() => setBackendDismissed(true)} aria-label="Dismiss the backend note">
            Dismiss
          </button>
        </section>
      )}
    </>
  );
}
