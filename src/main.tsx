// The page's entry, small on purpose: its first act is to start the training worker, which then downloads and
// compiles TensorFlow.js on one core while the lab's own code (labSession.ts, then lab.tsx: the schemas, React, the
// views; preloaded by the page's <head>, see vite.config.ts) downloads and runs on the other. Started after the lab's
// code instead, the worker began about half a second later, and the first chart with it. Nothing here may import
// tfjs or the engine: the page's thread never loads them unless training falls back to it.
import { readGraphics } from './engine/backendPlan';
import type { WorkerLike } from './worker/client';
import { startTrainingWorker } from './worker/trainingWorker';

/**
 * What the session client calls to get its worker: this one, started now. `?mainthread` asks for no worker; where
 * there is none, or it cannot start, the client finds out for itself (and says why).
 */
function startEarly(): (() => WorkerLike) | undefined {
  if (typeof Worker === 'undefined' || new URLSearchParams(location.search).has('mainthread')) return undefined;
  try {
    const worker = startTrainingWorker();
    return () => worker;
  } catch (e) {
    // The client's own attempt meets the same refusal and names it on the page.
    return () => {
      throw e;
    };
  }
}

const engineSince = performance.now();
const startWorker = startEarly();
// This device's WebGL renderer, read now, before the page draws anything: from its first paint on, the GPU process
// draws the page, and a WebGL context made then waited 70–400 ms for it in a fresh visit (15 ms now), a wait the
// session's own reading put on the way to the first chart. (A light read: backendPlan.ts is free of tfjs.)
const graphics = readGraphics();
// zod's configuration first, before any module parses a schema (see the file for why); then the session, which sends
// the run's configuration to the worker as soon as its code has run; then the views, whose code has been downloading
// meanwhile (preloaded).
import('./platform/cspSafeZod')
  .then(async () => {
    const { startLabSession } = await import('./labSession');
    const lab = startLabSession({ startWorker, graphics, engineSince });
    const { renderLab } = await import('./lab');
    renderLab(lab);
  })
  .catch((e: unknown) => {
    // Offline between the page and its code, say: a blank page would say nothing.
    document.getElementById('root')!.textContent = `The lab's code did not load (${e instanceof Error ? e.message : String(e)}). Reload the page to try again.`;
  });
