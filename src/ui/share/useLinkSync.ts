import { useEffect } from 'react';
import type { StoreApi } from 'zustand';
import { encodeLink } from '../../config/link';
import type { LabState } from '../../store/labStore';
import { sweepSetup } from '../../views/sweep/sweepSetup';
import { linkStateOf } from './linkState';

/** At most one address update per this many ms: browsers throttle history calls, and a slider drag is many. */
const SYNC_MS = 300;

/**
 * Keeps the address bar equal to the link of what is on screen, with history.replaceState (never one history
 * entry per slider tick). While training plays the step is not written; it is when the run pauses.
 */
export function useLinkSync(store: StoreApi<LabState>): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = '';
    const write = () => {
      timer = null;
      const s = store.getState();
      if (s.run.status !== 'ready') return;
      const query = encodeLink(linkStateOf(s));
      if (query === last) return;
      last = query;
      // Other parameters of the page itself (?mainthread) are kept.
      const keep = new URLSearchParams(location.search).has('mainthread') ? '&mainthread' : '';
      history.replaceState(history.state, '', `${location.pathname}?${query}${keep}${location.hash}`);
    };
    const unsubscribe = store.subscribe((s, prev) => {
      const relevant = s.config !== prev.config || s.view !== prev.view || s.lesson !== prev.lesson || s.run.runId !== prev.run.runId || s.run.backend !== prev.run.backend || s.replay !== prev.replay || (!s.run.playing && s.run.step !== prev.run.step) || s.run.playing !== prev.run.playing;
      if (relevant && timer === null) timer = setTimeout(write, SYNC_MS);
    });
    // The sweep view's settings live beside the lab's store; a change of them is a change of the link too.
    const unsubscribeSweep = sweepSetup.subscribe(() => {
      if (timer === null) timer = setTimeout(write, SYNC_MS);
    });
    return () => {
      unsubscribe();
      unsubscribeSweep();
      if (timer !== null) clearTimeout(timer);
    };
  }, [store]);
}
