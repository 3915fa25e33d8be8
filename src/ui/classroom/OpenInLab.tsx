import { useEffect, useState } from 'react';
import { useLabStore } from '../../store/context';
import { fullLabHref } from './fullLabLink';

/** As often as the address bar itself is rewritten (useLinkSync): a drag of a slider is many changes. */
const SYNC_MS = 300;

/**
 * Embed mode's way out: the same experiment, at the same step, in the full lab in a new tab. The link follows
 * the run (a throttled subscription, not a render per probe).
 */
export function OpenInLab() {
  const store = useLabStore();
  const [href, setHref] = useState(() => fullLabHref(store.getState(), location));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const update = () => {
      timer = null;
      setHref(fullLabHref(store.getState(), location));
    };
    const unsubscribe = store.subscribe((s, prev) => {
      const relevant = s.config !== prev.config || s.view !== prev.view || s.run !== prev.run || s.replay !== prev.replay;
      if (relevant && timer === null) timer = setTimeout(update, SYNC_MS);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store]);
  return (
    <a className="open-in-lab" href={href} target="_blank" rel="noopener">
      Open in the full lab
      <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
        <path d="M5.5 2.5H2.5v9h9v-3M8 2.5h3.5V6M11.5 2.5 6.5 7.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}
