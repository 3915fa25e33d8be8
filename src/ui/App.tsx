import { useLab } from '../store/context';
import { Transport } from './Transport';
import { Summary } from './Summary';

export function App() {
  const backend = useLab((s) => s.run.backend);
  const status = useLab((s) => s.run.status);
  const error = useLab((s) => s.run.error);
  const mode = useLab((s) => s.executionMode);
  return (
    <div className="app">
      <header className="app-header">
        <h1>BatchNorm Explorer</h1>
        <Transport />
        <p className="backend" title={backend?.reason ?? ''}>
          {status === 'starting' ? 'starting…' : backend ? `backend: ${backend.name}` : ''}
          {mode ? ` · ${mode}` : ''}
        </p>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <main>
        <Summary />
      </main>
    </div>
  );
}
