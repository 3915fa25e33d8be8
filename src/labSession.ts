// The lab's session, loaded by the page's entry (main.tsx) beside the lab's views (lab.tsx), whose code arrives later
// (the page's <head> preloads this module's, not theirs): it reads the link and sends the run's configuration to the
// training worker before React and the views have even been evaluated, so the worker builds the first run while the
// page builds its first picture.
// First: zod's configuration, before any module below parses a schema (platform/cspSafeZod.ts says why); then the
// address cleaned, before any library reads it.
import './platform/cspSafeZod';
import { openedSearch } from './platform/safeLocation';
import { decodeLink } from './config/link';
import { createLabStore } from './store/labStore';
import { sweepSetup } from './views/sweep/sweepSetup';
import { resolveLessonLink } from './ui/lessons/lessonLink';
import type { Graphics } from './engine/backendPlan';
import type { Lab } from './store/context';
import { createSessionClient, type SessionClientOptions } from './worker/client';
import { ProbeCoalescer } from './store/probeCoalescer';

/**
 * Reads the link, builds the store, hands the training worker and the WebGL renderer (both from the entry) to the
 * session client, and sends the run's configuration.
 */
export function startLabSession({
  startWorker,
  graphics,
  engineSince,
}: {
  startWorker: SessionClientOptions['startWorker'];
  graphics: Graphics;
  /** When the entry started the worker (the page's clock): the progress card times the engine's loading from there. */
  engineSince: number;
}): Lab {
  // The address is the experiment: a share link opens exactly the run and the picture its sender saw. A bad
  // parameter never stops the lab: it falls back to its default and the page names it.
  // A lesson link opens its step's configuration unless the link carries its own.
  const link = resolveLessonLink(decodeLink(openedSearch), openedSearch);
  const { config, view } = link;
  const store = createLabStore(config, engineSince);
  store.getState().setView({
    theme: view.theme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
    ...(view.layer !== undefined ? { layer: view.layer } : {}),
    ...(view.unit !== undefined ? { unit: view.unit } : {}),
    ...(view.distScope !== undefined ? { distScope: view.distScope } : {}),
    ...(view.distMode !== undefined ? { distMode: view.distMode } : {}),
    ...(view.logLoss !== undefined ? { logLoss: view.logLoss } : {}),
    ...(view.smoothing !== undefined ? { smoothing: view.smoothing } : {}),
    ...(view.xAxis !== undefined ? { xAxis: view.xAxis } : {}),
    views: view.views ?? null,
    projector: view.projector ?? false,
    embed: view.embed ?? false,
  });
  if (view.sweep) sweepSetup.setState({ spec: view.sweep });
  store.setState({ link: { problems: link.problems, backend: link.backend ?? null, to: link.to ?? 0 }, lesson: link.lesson ?? null });
  // While a run plays, its probes reach the store at most a few times a second (probeCoalescer.ts says why).
  const probes = new ProbeCoalescer((e) => store.getState().receive(e));
  const client = createSessionClient((e) => probes.push(e), {
    forceMainThread: new URLSearchParams(openedSearch).has('mainthread'),
    startWorker,
    graphics,
    // A worker that fails before its first run hands training to the main thread: the header must say so.
    onModeChange: (c) => store.setState({ executionMode: c.label }),
  });
  store.setState({ executionMode: client.label });
  // A link made on one backend replays on that backend where it can: cpu and wasm then give identical histories.
  client.send({ type: 'configure', config, backend: link.backend ?? 'auto' });
  return { store, send: (cmd) => client.send(cmd) };
}
