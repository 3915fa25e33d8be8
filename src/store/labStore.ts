import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExperimentConfig } from '../config/schema';
import type { ConvergenceAxis, ViewName } from '../config/link';
import type { BackendChoice, BackendName } from '../engine/backend';
import { appendProbe, createHistory, landscapeSeries, type ArmHistory } from '../engine/history';
import type { BnMode, ProbeSnapshot } from '../engine/probes/types';
import type { RunDescription, SessionEvent, SessionPhase } from '../worker/protocol';

/** Beyond this many probes per arm, histories are thinned to every other point (first and last kept). */
export const MAX_HISTORY_POINTS = 1500;

export interface RunState extends RunDescription {
  runId: number;
  status: 'starting' | 'ready' | 'error';
  backend: BackendChoice | null;
  step: number;
  playing: boolean;
  stepsPerSecond: number;
  error: string | null;
  /** The page's clock (performance.now) when this run's first training step began, until it ends; else null. */
  warmup: number | null;
}

/** A phase before a run is ready: 'engine' is the page's own (the worker loading), the rest the session's. */
export type StartupPhase = { phase: 'engine' } | Exclude<SessionPhase, { phase: 'warmup' }>;

/** One phase the page waited through, with the page's clock when it began (worker clocks differ). */
export interface WaitPhase {
  phase: StartupPhase;
  at: number;
}

export interface ViewState {
  /** The hidden layer the views show (0-based); clicking a layer in the network view sets it everywhere. */
  layer: number;
  /** The unit (channel) of that layer picked in the views, or null for none picked (they show unit 1). */
  unit: number | null;
  /** Activation distributions: one unit (`unit`, else unit 1) or the whole layer pooled. */
  distScope: DistScope;
  /** Activation distributions: batch norm in training mode (batch statistics) or inference mode (running averages). */
  distMode: BnMode;
  theme: 'light' | 'dark';
  /** Convergence view: log-scale loss axis and exponential smoothing factor (0 = none). */
  logLoss: boolean;
  smoothing: number;
  /** Convergence's x axis: training steps, or each arm's own training seconds on this machine. */
  xAxis: ConvergenceAxis;
  /** The views shown (a link can pick some); null shows all. */
  views: ViewName[] | null;
  /** Projector mode (large type, thick lines, the chosen views fitted to the screen) and embed mode. */
  projector: boolean;
  embed: boolean;
  /** What a change of a schedulable setting does: restart from step 0, or hold from the current step on. */
  changeMode: 'restart' | 'continue';
  /** Whether a run that restarts because a setting changed goes on playing (if it was) or waits at step 0. */
  keepPlaying: boolean;
}

/** A shared link being replayed: train from the seed to the linked step, then pause there. */
export interface Replay {
  target: number;
  /** The run being replayed; a new run (the user changed a setting) ends the replay. */
  runId: number;
  startedAt: number;
  startStep: number;
}

/** The guided lesson on screen and its step (0-based); it is part of the link, so a teacher can hand it out. */
export interface LessonState {
  name: string;
  step: number;
}

export type DistScope = 'unit' | 'layer';

/**
 * What the distributions view shows on a fresh page: what Ioffe & Szegedy's Figure 1b–c plots. One unit: its caption
 * speaks of the input of a typical sigmoid: one unit, not the layer pooled. Inference mode: the paper
 * does not say in which mode it recorded the distributions, but its figure sits beside the test accuracy of Figure 1a,
 * which is the network evaluated with its running averages; and in training mode a BN unit before the nonlinearity has
 * mean β and standard deviation γ by construction, so a plot of it shows batch norm's definition rather than whether
 * the distribution holds still. The price: at step 0 the running averages are still mean 0 and variance 1 and
 * normalize nothing, which the caption says, measuring drift from the first probe after they have warmed up.
 */
export const DEFAULT_DIST_VIEW: { distScope: DistScope; distMode: BnMode } = { distScope: 'unit', distMode: 'inference' };

/** What the page was opened with: the link's problems (each a field that was ignored) and its backend. */
export interface LinkInfo {
  problems: string[];
  backend: BackendName | null;
  /** The step the link trains to (0: none). */
  to: number;
}

export interface LabState {
  config: ExperimentConfig;
  run: RunState;
  /** Per-arm scalar histories, appended in place; `revision` changes with every probe. */
  history: ArmHistory[];
  revision: number;
  /** The newest probe: histograms and per-unit values, which only the current picture needs. */
  latest: ProbeSnapshot | null;
  /** Per arm, per layer, per probe: the [units × 5] per-unit percentiles (index-aligned with history steps). */
  unitHistory: Float32Array[][][];
  /** The same with batch norm in inference mode; an arm without batch norm holds the very same arrays as above. */
  unitInferenceHistory: Float32Array[][][];
  view: ViewState;
  executionMode: string;
  replay: Replay | null;
  link: LinkInfo;
  /** The lesson being followed, or null in the free lab. */
  lesson: LessonState | null;
  /** The phases since the page began waiting for a run (the last one is under way); empty from its first probe on. */
  waiting: WaitPhase[];
  setConfig(config: ExperimentConfig): void;
  setLesson(lesson: LessonState | null): void;
  setView(patch: Partial<ViewState>): void;
  selectLayer(layer: number): void;
  receive(event: SessionEvent): void;
}

const emptyRun = (): RunState => ({
  runId: 0,
  status: 'starting',
  backend: null,
  stepPath: 'tfjs',
  arms: [],
  layers: [],
  inputShape: [],
  numClasses: 0,
  dataset: '',
  testScored: 0,
  numTest: 0,
  points: null,
  step: 0,
  playing: false,
  stepsPerSecond: 0,
  error: null,
  warmup: null,
});

/** Keeps every other entry of a series in place, and the last. */
export function thinSeries<T>(a: T[]): void {
  const out = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
  a.length = 0;
  a.push(...out);
}

function withoutType<T extends { type: string }>(e: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = e;
  return rest;
}

/** Thins every series of a history to every other point, keeping the first and the last. */
export function thinHistory(history: ArmHistory[]): void {
  const thin = thinSeries<number>;
  for (const arm of history) {
    [arm.steps, arm.trainLoss, arm.testLoss, arm.testAccuracy, arm.timing.msPerStep, arm.timing.trainingSeconds].forEach(thin);
    if (arm.landscape) landscapeSeries(arm.landscape).forEach((a) => thinSeries<unknown>(a));
    for (const l of arm.layers) {
      Object.values(l.percentiles).forEach(thin);
      [l.mean, l.std, l.inputMean, l.inputVariance, l.gradNorm, l.ics.l2, l.ics.cos].forEach(thin);
      if (l.inference) {
        Object.values(l.inference.percentiles).forEach(thin);
        [l.inference.mean, l.inference.std].forEach(thin);
      }
    }
  }
}

/** A selected unit survives a rebuild (a shared link names one) when the layer still has it. */
function keepUnit(unit: number | null, layers: readonly { units: number }[], layer: number): number | null {
  const l = layers[Math.min(layer, layers.length - 1)];
  return unit !== null && l && unit < l.units ? unit : null;
}

/** A fresh store (a factory, not a module singleton, so tests and a second lab get their own). */
export function createLabStore(
  config: ExperimentConfig,
  /** When the engine began loading on the page's clock: the entry starts the worker before the store exists. */
  engineSince = performance.now(),
): StoreApi<LabState> {
  return createStore<LabState>()((set, get) => ({
    config,
    run: emptyRun(),
    history: [],
    revision: 0,
    latest: null,
    unitHistory: [],
    unitInferenceHistory: [],
    view: { layer: Math.max(0, config.model.depth - 1), unit: null, ...DEFAULT_DIST_VIEW, theme: 'light', logLoss: false, smoothing: 0, xAxis: 'steps', views: null, projector: false, embed: false, changeMode: 'restart', keepPlaying: false },
    executionMode: '',
    replay: null,
    link: { problems: [], backend: null, to: 0 },
    lesson: null,
    // From the start the page waits for the engine: the worker's module loads before it can say anything.
    waiting: [{ phase: { phase: 'engine' }, at: engineSince }],
    setConfig: (next) => set({ config: next }),
    setLesson: (lesson) => set({ lesson }),
    setView: (patch) => set({ view: { ...get().view, ...patch } }),
    selectLayer: (layer) => set({ view: { ...get().view, layer, unit: null } }),
    receive: (e) => {
      const { run } = get();
      // Every event names its run. Events of an older run than the one on screen come from work that was already
      // under way when the run changed (a probe, a failure): they say nothing true about this run, so are ignored.
      // Status phases and errors may name the run being built next (a newer id).
      if (e.runId < run.runId) return;
      if (e.type === 'ready') {
        // A run is built once: the same id again cannot be a new run.
        if (e.runId === run.runId) return;
        set({
          run: { ...emptyRun(), ...withoutType(e), status: 'ready' },
          history: createHistory(e.arms, e.layers.map((l) => l.units)),
          unitHistory: e.arms.map(() => e.layers.map(() => [])),
          unitInferenceHistory: e.arms.map(() => e.layers.map(() => [])),
          latest: null,
          view: { ...get().view, layer: Math.min(get().view.layer, e.layers.length - 1), unit: keepUnit(get().view.unit, e.layers, get().view.layer) },
          revision: get().revision + 1,
        });
        return;
      }
      if (e.type === 'error') {
        set({ run: { ...run, status: 'error', playing: false, error: e.message, warmup: null }, waiting: [] });
        return;
      }
      if (e.type === 'status') {
        const { type: _type, runId, ...phase } = e;
        if (phase.phase === 'warmup') {
          if (runId === run.runId) set({ run: { ...run, warmup: performance.now() } });
        } else {
          // After an error, a phase means a new attempt (Reset, or a change of setting) is under way: the error
          // no longer holds, and the page waits again.
          const retry = run.status === 'error' ? { run: { ...run, status: 'starting' as const, error: null } } : {};
          set({ waiting: [...get().waiting, { phase, at: performance.now() }], ...retry });
        }
        return;
      }
      if (e.runId !== run.runId) return;
      if (e.type === 'progress') {
        const warmup = run.warmup !== null && e.step > 0 ? null : run.warmup;
        if (e.step !== run.step || e.playing !== run.playing || Math.abs(e.stepsPerSecond - run.stepsPerSecond) > 0.5 || warmup !== run.warmup) {
          set({ run: { ...run, step: e.step, playing: e.playing, stepsPerSecond: e.stepsPerSecond, warmup } });
        }
        return;
      }
      const { history, unitHistory, unitInferenceHistory } = get();
      appendProbe(history, e.snapshot);
      e.snapshot.arms.forEach((a, i) =>
        a.layers.forEach((l, j) => {
          unitHistory[i]?.[j]?.push(l.units.percentiles);
          unitInferenceHistory[i]?.[j]?.push((l.inference ?? l).units.percentiles);
        }),
      );
      if ((history[0]?.steps.length ?? 0) > MAX_HISTORY_POINTS) {
        thinHistory(history);
        for (const arm of [...unitHistory, ...unitInferenceHistory]) for (const layer of arm) thinSeries(layer);
      }
      // The run's first probe ends the wait: the views have their first picture, and commands are taken again.
      set({
        latest: e.snapshot,
        revision: get().revision + 1,
        run: { ...run, step: Math.max(run.step, e.snapshot.step), warmup: e.snapshot.step > 0 ? null : run.warmup },
        ...(get().waiting.length ? { waiting: [] } : {}),
      });
    },
  }));
}
