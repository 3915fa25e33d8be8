import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExperimentConfig } from '../config/schema';
import { useLab, useLabStore, useSend } from '../store/context';
import { Controls } from './Controls';
import { Drawer, DrawerButton, useDrawer } from './Drawer';
import { HelpDialog } from './HelpDialog';
import { CopyLinkButton } from './share/CopyLinkButton';
import { LinkNotice } from './share/LinkNotice';
import { ReplayBar } from './share/ReplayBar';
import { useLinkSync } from './share/useLinkSync';
import type { ViewName } from '../config/link';
import { Summary } from './Summary';
import { Transport } from './Transport';
import { ExportMenu } from './ExportMenu';
import { useShortcuts } from './useShortcuts';
import { Staggered, StaggeredSync } from '../store/staggered';
import { ConvergenceView } from '../views/convergence/ConvergenceView';
import { DistributionsView } from '../views/distributions/DistributionsView';
import { IcsView } from '../views/ics/IcsView';
import { InspectorView } from '../views/inspector/InspectorView';
import { NetworkView } from '../views/network/NetworkView';
import { BoundaryView } from '../views/boundary/BoundaryView';

interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export function App() {
  const store = useLabStore();
  const send = useSend();
  const backend = useLab((s) => s.run.backend);
  const status = useLab((s) => s.run.status);
  const error = useLab((s) => s.run.error);
  const mode = useLab((s) => s.executionMode);
  const theme = useLab((s) => s.view.theme);
  const has2D = useLab((s) => s.run.points !== null);
  const [speed, setSpeed] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const settings = useDrawer();
  const [notice, setNotice] = useState<Notice | null>(null);
  const noticeId = useRef(0);
  const sync = useMemo(() => new StaggeredSync(store), [store]);
  useEffect(() => {
    sync.start();
    return () => sync.stop();
  }, [sync]);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useLinkSync(store);
  const views = useLab((s) => s.view.views);
  const shows = (name: ViewName) => views === null || views.includes(name);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), notice.kind === 'error' ? 8000 : 3500);
    return () => clearTimeout(t);
  }, [notice]);

  const say = useCallback((kind: Notice['kind'], text: string) => setNotice({ id: ++noticeId.current, kind, text }), []);
  const apply = useCallback(
    (config: ExperimentConfig, what: string) => {
      store.getState().setConfig(config);
      send({ type: 'configure', config, backend: 'auto' });
      say('info', `Run reset to step 0: ${what} changed.`);
    },
    [store, send, say],
  );
  /** A change from the current step on: the run goes on with it, and the change is part of the link. */
  const schedule = useCallback(
    (config: ExperimentConfig, what: string) => {
      store.getState().setConfig(config);
      send({ type: 'schedule', config });
      say('info', what);
    },
    [store, send, say],
  );
  const onCopied = useCallback((m: string) => say('info', m), [say]);
  const onSpeed = useCallback(
    (v: number | null) => {
      setSpeed(v);
      send({ type: 'setSpeed', stepsPerSecond: v });
    },
    [send],
  );
  const toggleTheme = useCallback(() => store.getState().setView({ theme: store.getState().view.theme === 'dark' ? 'light' : 'dark' }), [store]);
  const shortcuts = useMemo(
    () => ({
      Space: () => {
        const s = store.getState().run;
        if (s.status === 'ready') send({ type: s.playing ? 'pause' : 'play' });
      },
      ArrowRight: () => {
        const s = store.getState().run;
        if (s.status === 'ready' && !s.playing) send({ type: 'step' });
      },
      r: () => send({ type: 'reset' }),
      t: toggleTheme,
      '?': () => setHelp(true),
    }),
    [store, send, toggleTheme],
  );
  useShortcuts(shortcuts);

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          BatchNorm <span>Explorer</span>
        </h1>
        <Transport speed={speed} onSpeed={onSpeed} />
        <ExportMenu />
        <p className="backend" title={backend?.reason ?? ''}>
          {status === 'starting' ? 'starting the engine…' : backend ? <>backend <strong>{backend.name}</strong></> : null}
          {mode ? <span className="mode"> · {mode}</span> : null}
        </p>
        <CopyLinkButton onCopied={onCopied} />
        <DrawerButton drawer={settings} className="settings-button">
          Settings
        </DrawerButton>
        <button type="button" className="icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Theme (T)">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button type="button" className="icon" onClick={() => setHelp(true)} aria-label="Help and keyboard shortcuts" title="Help (?)">
          ?
        </button>
      </header>
      <Drawer drawer={settings} title="Settings" className="sidebar">
        <Controls apply={apply} schedule={schedule} onError={(m) => say('error', m)} />
      </Drawer>
      <main className="views">
        {error && (
          <p className="banner error" role="alert">
            {error} The settings are kept; press Reset to try again.
          </p>
        )}
        <LinkNotice />
        <ReplayBar />
        <Summary />
        <div className="view-grid">
          {shows('convergence') && (
            <Staggered sync={sync}>
              <ConvergenceView />
            </Staggered>
          )}
          {shows('distributions') && (
            <Staggered sync={sync}>
              <DistributionsView />
            </Staggered>
          )}
          {has2D && shows('boundary') && (
            <Staggered sync={sync}>
              <BoundaryView />
            </Staggered>
          )}
          {shows('network') && (
            <div className="span-all">
              <Staggered sync={sync}>
                <NetworkView />
              </Staggered>
            </div>
          )}
          {shows('ics') && (
            <Staggered sync={sync}>
              <IcsView />
            </Staggered>
          )}
          {shows('inspector') && (
            <Staggered sync={sync}>
              <InspectorView />
            </Staggered>
          )}
        </div>
      </main>
      {notice && (
        <div className={`toast ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : undefined}>
          {notice.text}
        </div>
      )}
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
