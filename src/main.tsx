// The page's entry, small on purpose: its first act is to start the training worker, which then downloads and
// compiles TensorFlow.js on one core while the lab's own code (labSession.ts, the schemas, preloaded by the page's
// <head>; then lab.tsx, React and the views, asked for just after the worker's script: see vite.config.ts) downloads
// and runs on the other. Started after the lab's code instead, the worker began about half a second later, and the
// first chart with it. Nothing here may import tfjs or the engine: the page's thread never loads them unless training
// falls back to it.
import { readGraphics } from './engine/backendPlan';
import type { WorkerLike } from './worker/client';
import { needsDigits } from './worker/headStart';
import { startTrainingWorker } from './worker/trainingWorker';

/**
 * What the session client calls to get its worker: this one, started now, and told whether the link's run trains on
 * the digits. `?mainthread` asks for no worker; where there is none, or it cannot start, the client finds out for
 * itself (and says why).
 */
function startEarly(): (() => WorkerLike) | undefined {
  if (typeof Worker === 'undefined' || new URLSearchParams(location.search).has('mainthread')) return undefined;
  try {
    const worker = startTrainingWorker({ digits: needsDigits(location.search) });
    return () => worker;
  } catch (e) {
    // The client's own attempt meets the same refusal and names it on the page.
    return () => {
      throw e;
    };
  }
}

// Start-up marks (named `startup:`), for a profile of the way to the first chart (a DevTools trace shows them).
performance.mark('startup:entry');
const engineSince = performance.now();
const startWorker = startEarly();
// This device's WebGL renderer, read now, before the page draws anything: from its first paint on, the GPU process
// draws the page, and a WebGL context made then waited 70–400 ms for it in a fresh visit (15 ms now), a wait the
// session's own reading put on the way to the first chart. (A light read: backendPlan.ts is free of tfjs.)
const graphics = readGraphics();
// The session, which sends the run's configuration to the worker as soon as its code has run (preloaded by the page's
// <head>), and the views (React, D3), whose code is requested only now, after the worker's script: preloaded by the
// <head> too, they held all six of the browser's connections to the server while the worker's script waited for one
// (vite.config.ts). Each module configures zod first, whichever runs first.
const views = import('./lab');
// Its failure is reported below, when the views are awaited (or not at all, if the session's code failed first).
views.catch(() => undefined);
import('./labSession')
  .then(async ({ startLabSession }) => {
    const lab = startLabSession({ startWorker, graphics, engineSince });
    const { renderLab } = await views;
    performance.mark('startup:views-loaded');
    renderLab(lab);
  })
  .catch((e: unknown) => {
    // Offline between the page and its code, say: a blank page would say nothing.
    document.getElementById('root')!.textContent = `The lab's code did not load (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`;
  });
