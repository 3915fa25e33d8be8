import './share.css';
import { useCallback, useState } from 'react';
import { linkUrl } from '../../config/link';
import { useLabStore } from '../../store/context';
import { linkStateOf } from './linkState';

/**
 * Copies the link of what is on screen. The clipboard API needs a secure context and permission; where it is
 * refused, the link is shown selected in a field so it can be copied by hand.
 */
export function CopyLinkButton({ onCopied }: { onCopied: (message: string) => void }) {
  const store = useLabStore();
  const [manual, setManual] = useState<string | null>(null);
  const copy = useCallback(async () => {
    const url = linkUrl(linkStateOf(store.getState()), location);
    try {
      await navigator.clipboard.writeText(url);
      setManual(null);
      onCopied(`Link copied (${url.length.toLocaleString('en-US')} characters): it opens this run at step ${(store.getState().run.step).toLocaleString('en-US')}.`);
    } catch {
      setManual(url);
    }
  }, [store, onCopied]);
  return (
    <>
      <button type="button" className="copy-link" onClick={() => void copy()} title="Copy a link that reopens this experiment at this step">
        Copy link
      </button>
      {manual && (
        <div className="manual-link" role="dialog" aria-label="Copy this link">
          <label>
            The browser did not allow copying: select and copy this link.
            <input readOnly value={manual} ref={(el) => el?.select()} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <button type="button" onClick={() => setManual(null)}>
            Done
          </button>
        </div>
      )}
    </>
  );
}
