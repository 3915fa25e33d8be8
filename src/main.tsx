import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { presetConfig } from './config/presets';
import { createLabStore } from './store/labStore';
import { LabContext, type Lab } from './store/context';
import { createSessionClient } from './worker/client';
import { App } from './ui/App';
import './ui/styles.css';

async function start(): Promise<void> {
  const config = presetConfig('ioffe-mnist');
  const store = createLabStore(config);
  store.getState().setView({ theme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light' });
  const client = await createSessionClient((e) => store.getState().receive(e), {
    forceMainThread: new URLSearchParams(location.search).has('mainthread'),
  });
  store.setState({ executionMode: client.mode === 'worker' ? 'in a Web Worker' : 'on the main thread' });
  const lab: Lab = { store, send: (cmd) => client.send(cmd) };
  client.send({ type: 'configure', config, backend: 'auto' });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <LabContext.Provider value={lab}>
        <App />
      </LabContext.Provider>
    </StrictMode>,
  );
}

void start();
