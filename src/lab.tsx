// The lab's views, loaded by the page's entry (main.tsx) once the session (labSession.ts) has sent the first run's
// configuration to the training worker.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LabContext, type Lab } from './store/context';
import { App } from './ui/App';
import './ui/styles.css';

export function renderLab(lab: Lab): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <LabContext.Provider value={lab}>
        <App />
      </LabContext.Provider>
    </StrictMode>,
  );
}
