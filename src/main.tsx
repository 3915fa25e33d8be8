// First: configures zod before any module below parses a schema (see the file for why).
import './platform/cspSafeZod';
// Second: cleans the address before any library reads it.
import { openedSearch } from './platform/safeLocation';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { decodeLink } from './config/link';
import { createLabStore } from './store/labStore';
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
    ...(view.logLoss !== undefined ? { logLoss: view.logLoss } : {}),
    ...(view.smoothing !== undefined ? { smoothing: view.smoothing } : {}),
    views: view.views ?? null,
    projector: view.projector ?? false,
    embed: view.embed ?? false,
  });
  store.setState({ link: { problems: link.problems, backend: link.backend ?? null, to: link.to ?? 0 }, lesson: link.lesson ?? null });
  const client = await createSessionClient((e) => store.getState().receive(e), {
    forceMainThread: new URLSearchParams(openedSearch).has('mainthread'),
  });
  store.setState({ executionMode: client.mode === 'worker' ? 'in a Web Worker' : 'on the main thread' });
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
