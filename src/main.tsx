// First: configures zod before any module below parses a schema (see the file for why).
import './platform/cspSafeZod';
// Second: cleans the address before any library reads it.
import { openedSearch } from './platform/safeLocation';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { decodeLink } from './config/link';
import { createLabStore } from './store/labStore';
import { sweepSetup } from './views/sweep/sweepSetup';
import { resolveLessonLink } from './ui/lessons/lessonLink';
import { LabContext, type Lab } from './store/context';
import { createSessionClient } from './worker/client';
import { App } from './ui/App';
import './ui/styles.css';

async function start(): Promise<void> {
  // The address is the experiment: a share link opens exactly the run and the picture its sender saw. A bad
  // parameter never stops the lab: it falls back to its default and the page names it.
  // A lesson link opens its step's configuration unless the link carries its own.
  const link = resolveLessonLink(decodeLink(openedSearch), openedSearch);
  const { config, view } = link;
  const store = createLabStore(config);
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
  const client = createSessionClient((e) => store.getState().receive(e), {
    forceMainThread: new URLSearchParams(openedSearch).has('mainthread'),
    // A worker that fails before its first run hands training to the main thread: the header must say so.
    onModeChange: (c) => store.setState({ executionMode: c.label }),
  });
  store.setState({ executionMode: client.label });
  const lab: Lab = { store, send: (cmd) => client.send(cmd) };
  // A link made on one backend replays on that backend where it can: cpu and wasm then give identical histories.
  client.send({ type: 'configure', config, backend: link.backend ?? 'auto' });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <LabContext.Provider value={lab}>
        <App />
      </LabContext.Provider>
    </StrictMode>,
  );
}

void start();
