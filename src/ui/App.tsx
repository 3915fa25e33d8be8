import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExperimentConfig } from '../config/schema';
import { useLab, useLabStore, useSend } from '../store/context';
import { Controls } from './Controls';
import { Drawer, DrawerButton, useDrawer } from './Drawer';
import { HelpDialog } from './HelpDialog';
import { CopyLinkButton } from './share/CopyLinkButton';
import { LinkNotice } from './share/LinkNotice';
import { BackendNotice } from './BackendNotice';
import { ReplayBar } from './share/ReplayBar';
import { useLinkSync } from './share/useLinkSync';
import { VIEW_NAMES, viewsShown, type ViewName } from '../config/link';
import { Summary } from './Summary';
import { Transport } from './Transport';
import { ExportMenu } from './ExportMenu';
import { useShortcuts } from './useShortcuts';
import { Staggered, StaggeredSync } from '../store/staggered';
import { ConvergenceView } from '../views/convergence/ConvergenceView';
import { DistributionsView } from '../views/distributions/DistributionsView';
import { IcsView } from '../views/ics/IcsView';
import { InspectorView } from '../views/inspector/InspectorView';
import { LandscapeView } from '../views/landscape/LandscapeView';
import { NetworkView } from '../views/network/NetworkView';
import { BoundaryView } from '../views/boundary/BoundaryView';
import { SweepView } from '../views/sweep/SweepView';
import { RnnView } from '../views/rnn/RnnView';
import { GanView } from '../views/gan/GanView';
import { EngineStatus } from './classroom/EngineStatus';
import { phaseLabel } from './classroom/startupPhases';
import { OpenInLab } from './classroom/OpenInLab';
import { ProjectorButton } from './classroom/ProjectorButton';
import { MAX_PROJECTED_VIEWS, projectorGrid } from './classroom/projectorLayout';
import { useClassroomMode, useProjectorToggle } from './classroom/useClassroom';
import { ViewCell } from './classroom/ViewCell';
import { ViewPicker } from './classroom/ViewPicker';
import './classroom/classroom.css';
import { LessonPanel } from './lessons/LessonPanel';
import { LessonsMenu } from './lessons/LessonsMenu';

/** An engine error ("could not load … : Failed to fetch") as a sentence, to stand before the banner's next one. */
function asSentence(message: string): string {
  const s = message.trim();
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.!?]$/.test(s) ? '' : '.'}`;
}

interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/**
 * What the engine is doing while the page waits (the progress card says more, with times). A component of its own: a
 * phase subscribed to by App re-rendered the whole lab, every view, at each phase, on the page's thread while the
 * worker started (20–75 ms each, measured on a busy machine).
 */
function StartingPhase() {
  const label = useLab((s) => phaseLabel(s.waiting[s.waiting.length - 1]?.phase ?? { phase: 'engine' }));
  return <>{label}…</>;
}

export function App() {
  const store = useLabStore();
  const send = useSend();
  const backend = useLab((s) => s.run.backend);
  const stepPath = useLab((s) => s.run.stepPath);
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
  const shows = (name: ViewName) => viewsShown(views).includes(name);
  // Projector mode: large type, the chosen views fitted to the screen. Embed mode: the transport and the views.
  const projector = useLab((s) => s.view.projector);
  const embed = useLab((s) => s.view.embed);
  const lab = !projector && !embed;
  const toggleProjector = useProjectorToggle(store);
  const grid = useMemo(() => (projector ? projectorGrid(VIEW_NAMES.filter((v) => viewsShown(views).includes(v) && (v !== 'boundary' || has2D))) : null), [projector, views, has2D]);
  useClassroomMode(store, projector, embed, grid?.cells.length ?? 0);
  const place = (name: ViewName) => grid?.cells.find((c) => c.view === name);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice((n) => (n?.id === notice.id ? null : n)), notice.kind === 'error' ? 8000 : 3500);
    return () => clearTimeout(t);
  }, [notice]);

  const say = useCallback((kind: Notice['kind'], text: string) => setNotice({ id: ++noticeId.current, kind, text }), []);
  const apply = useCallback(
    (config: ExperimentConfig, what: string) => {
      const { run, view } = store.getState();
      // Commands run in order: a play after the configure resumes the new run from step 0.
      const resume = view.keepPlaying && run.playing;
      store.getState().setConfig(config);
      send({ type: 'configure', config, backend: 'auto' });
      if (resume) send({ type: 'play' });
      say('info', `Run ${resume ? 'restarted' : 'reset to step 0'}: ${what} changed.`);
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
      p: toggleProjector,
      '?': () => setHelp(true),
    }),
    [store, send, toggleTheme, toggleProjector],
  );
  useShortcuts(shortcuts);

  return (
    <div className={`app${projector ? ' projector' : ''}${embed ? ' embed' : ''}`}>
      <header className="app-header">
        {!embed && (
          <h1>
            BatchNorm <span>Explorer</span>
          </h1>
        )}
        <Transport speed={speed} onSpeed={onSpeed} />
        {lab && <ExportMenu />}
        {lab && (
          <p className="backend" title={backend?.reason ?? ''}>
            {status === 'starting' ? (
              <StartingPhase />
            ) : backend ? (
              <>
                {/* On the CPU backends the training step runs on the lab's own kernels; the backend measures the probes. */}
                backend <strong title={stepPath === 'fast' ? `${backend.name}: training steps run on WebAssembly SIMD kernels written for this lab (checked against TensorFlow.js, which measures the probes on ${backend.name})` : undefined}>{backend.name}</strong>
              </>
            ) : null}
            {/* Before any backend (a failed start), the mode stands alone. */}
            {mode ? <span className="mode">{status === 'starting' || backend ? ' · ' : ''}{mode}</span> : null}
          </p>
        )}
        {/* The header is full at 1280 px: there the lessons' entry sits atop the sidebar instead. */}
        {lab && settings.narrow && <LessonsMenu />}
        {lab && (
          // The article is a page of its own beside the lab (article.html), relative so any sub-path works.
          <a className="header-link" href="./article.html" title="Read the article: what batch normalization computes, and what it does">
            Article
          </a>
        )}
        {lab && <CopyLinkButton onCopied={onCopied} />}
        {lab && (
          <DrawerButton drawer={settings} className="settings-button">
            Settings
          </DrawerButton>
        )}
        {projector && !embed && <ViewPicker max={MAX_PROJECTED_VIEWS} />}
        {!embed && <ProjectorButton on={projector} onToggle={toggleProjector} />}
        {!embed && (
          <button type="button" className="icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Theme (T)">
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        )}
        {!embed && (
          <button type="button" className="icon" onClick={() => setHelp(true)} aria-label="Help and keyboard shortcuts" title="Help (?)">
            ?
          </button>
        )}
        {embed && <OpenInLab />}
      </header>
      {lab && (
        <Drawer drawer={settings} title="Settings" className="sidebar">
          {!settings.narrow && <LessonsMenu placement="sidebar" />}
          <Controls apply={apply} schedule={schedule} onError={(m) => say('error', m)} />
        </Drawer>
      )}
      <main className="views">
        <EngineStatus />
        {error && (
          <p className="banner error" role="alert">
            {asSentence(error)} The settings are kept; press Reset to try again.
          </p>
        )}
        {/* Embed mode shows no notices but errors: the replay still runs (this bar starts it), unseen. */}
        {!embed && <LinkNotice />}
        {!embed && <BackendNotice />}
        <ReplayBar />
        {lab && <LessonPanel />}
        {lab && (
          <div className="summary-row">
            <Summary />
            <ViewPicker />
          </div>
        )}
        <div className="view-grid" style={grid ? { gridTemplateColumns: grid.columns, gridTemplateRows: grid.rows } : undefined}>
          {shows('convergence') && (
            <ViewCell place={place('convergence')}>
              <Staggered sync={sync}>
                <ConvergenceView />
              </Staggered>
            </ViewCell>
          )}
          {shows('distributions') && (
            <ViewCell place={place('distributions')}>
              <Staggered sync={sync}>
                <DistributionsView />
              </Staggered>
            </ViewCell>
          )}
          {has2D && shows('boundary') && (
            <ViewCell place={place('boundary')}>
              <Staggered sync={sync}>
                <BoundaryView />
              </Staggered>
            </ViewCell>
          )}
          {shows('network') && (
            <ViewCell place={place('network')}>
              <div className="span-all">
                <Staggered sync={sync}>
                  <NetworkView />
                </Staggered>
              </div>
            </ViewCell>
          )}
          {shows('ics') && (
            <ViewCell place={place('ics')}>
              <Staggered sync={sync}>
                <IcsView />
              </Staggered>
            </ViewCell>
          )}
          {shows('inspector') && (
            <ViewCell place={place('inspector')}>
              <Staggered sync={sync}>
                <InspectorView />
              </Staggered>
            </ViewCell>
          )}
          {shows('landscape') && (
            <ViewCell place={place('landscape')}>
              {/* The full width: its three charts side by side, as Santurkar et al.'s Figure 4 sets its panels. */}
              <div className="span-all">
                <Staggered sync={sync}>
                  <LandscapeView apply={apply} />
                </Staggered>
              </div>
            </ViewCell>
          )}
          {shows('sweep') && (
            <ViewCell place={place('sweep')}>
              <div className="span-all">
                <SweepView />
              </div>
            </ViewCell>
          )}
          {shows('rnn') && (
            <ViewCell place={place('rnn')}>
              <div className="span-all">
                <RnnView />
              </div>
            </ViewCell>
          )}
          {shows('gan') && (
            <ViewCell place={place('gan')}>
              <div className="span-all">
                <GanView />
              </div>
            </ViewCell>
          )}
        </div>
      </main>
      {/* Embed mode: errors only (info notices say what a setting did, and the embed has no settings). */}
      {notice && (!embed || notice.kind === 'error') && (
        <div className={`toast ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : undefined}>
          {notice.text}
        </div>
      )}
      <HelpDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
