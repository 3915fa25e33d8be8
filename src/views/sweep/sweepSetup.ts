import { createStore } from 'zustand/vanilla';
import type { SweepSpec } from '../../config/sweepParam';

/**
 * The sweep the sweep view will run: the page's one, like the address it is written into (`sweep=` in the link, by
 * src/ui/share/linkState.ts). Kept apart from the lab's store, which belongs to the lab's own run; the sweep's runs
 * and results live in the view. null until a link names a sweep or the view opens (it then writes the defaults).
 */
export const sweepSetup = createStore<{ spec: SweepSpec | null }>(() => ({ spec: null }));
