// The lab's views, loaded by the page's entry (main.tsx) beside the session (labSession.ts), and rendered once the
// session has sent the first run's configuration to the training worker.
// First, whichever of the two modules runs first: zod's configuration, before any module parses a schema, and the
// address cleaned, before any library reads it (see both files for why).
import './platform/cspSafeZod';
import './platform/safeLocation';
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
