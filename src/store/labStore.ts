import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ExperimentConfig } from '../config/schema';
import type { BackendChoice } from '../engine/backend';
import { appendProbe, createHistory, type ArmHistory } from '../engine/history';
import type { ProbeSnapshot } from '../engine/probes/types';
import type { ArmInfo, LayerInfo, SessionEvent } from '../worker/protocol';

/** Beyond this many probes per arm, histories are thinned to every other point (first and last kept). */
export const MAX_HISTORY_POINTS = 1500;

export interface RunState {
  runId: number;
  status: 'starting' | 'ready' | 'error';
  backend: BackendChoice | null;
  arms: ArmInfo[];
  layers: LayerInfo[];
  inputShape: number[];
  numClasses: number;
  step: number;
  playing: boolean;
  stepsPerSecond: number;
  error: string | null;
}

export interface LabState {
  config: ExperimentConfig;
  run: RunState;
  /** Per-arm scalar histories, appended in place; `revision` changes with every probe. */
  history: ArmHistory[];
  revision: number;
  /** The newest probe: histograms and per-unit values, which only the current picture needs. */
  latest: ProbeSnapshot | null;
  executionMode: string;
  setConfig(config: ExperimentConfig): void;
  receive(event: SessionEvent): void;
}

const emptyRun = (): RunState => ({
  runId: 0,
  status: 'starting',
  backend: null,
  arms: [],
  layers: [],
  inputShape: [],
  numClasses: 0,
  step: 0,
  playing: false,
  stepsPerSecond: 0,
  error: null,
});

/** Thins every series of a history to every other point, keeping the first and the last. */
export function thinHistory(history: ArmHistory[]): void {
  const thin = (a: number[]) => {
    const out = a.filter((_, i) => i % 2 === 0 || i === a.length - 1);
    a.length = 0;
    a.push(...out);
  };
  for (const arm of history) {
    [arm.steps, arm.trainLoss, arm.testLoss, arm.testAccuracy].forEach(thin);
    for (const l of arm.layers) {
      Object.values(l.percentiles).forEach(thin);
      [l.mean, l.std, l.inputMean, l.inputVariance, l.gradNorm, l.ics.l2, l.ics.cos].forEach(thin);
    }
  }
}

/** A fresh store (a factory, not a module singleton, so tests and a second lab get their own). */
export function createLabStore(config: ExperimentConfig): StoreApi<LabState> {
  return createStore<LabState>()((set, get) => ({
    config,
    run: emptyRun(),
    history: [],
    revision: 0,
    latest: null,
    executionMode: '',
    setConfig: (next) => set({ config: next }),
    receive: (e) => {
      const { run } = get();
      if (e.type === 'ready') {
        set({
          run: { ...emptyRun(), runId: e.runId, status: 'ready', backend: e.backend, arms: e.arms, layers: e.layers, inputShape: e.inputShape, numClasses: e.numClasses },
          history: createHistory(e.arms, e.layers.map((l) => l.units)),
          latest: null,
          revision: get().revision + 1,
        });
        return;
      }
      if (e.type === 'error') {
        set({ run: { ...run, status: 'error', playing: false, error: e.message } });
        return;
      }
      if (e.runId !== run.runId) return;
      if (e.type === 'progress') {
        if (e.step !== run.step || e.playing !== run.playing || Math.abs(e.stepsPerSecond - run.stepsPerSecond) > 0.5) {
          set({ run: { ...run, step: e.step, playing: e.playing, stepsPerSecond: e.stepsPerSecond } });
        }
        return;
      }
      const history = get().history;
      appendProbe(history, e.snapshot);
      if ((history[0]?.steps.length ?? 0) > MAX_HISTORY_POINTS) thinHistory(history);
      set({ latest: e.snapshot, revision: get().revision + 1, run: { ...run, step: Math.max(run.step, e.snapshot.step) } });
    },
  }));
}
