import { useCallback } from 'react';
import type { StoreApi } from 'zustand';
import { lessonByName, stepConfig } from '../../lessons';
import { useLabStore, useSend } from '../../store/context';
import { DEFAULT_DIST_VIEW, type LabState } from '../../store/labStore';
import type { Command } from '../../worker/protocol';

/**
 * A step that trains to a given step once its run exists: the run is rebuilt asynchronously, and `runTo` sent
 * before the new run is ready would drive the old one. Keyed by store (a second lab has its own).
 */
const pendingRunTo = new WeakMap<StoreApi<LabState>, { afterRunId: number; step: number }>();

/** Sends a pending `runTo` once the run that the lesson step configured is ready. */
export function flushPendingRunTo(store: StoreApi<LabState>, send: (cmd: Command) => void): void {
  const pending = pendingRunTo.get(store);
  const { run } = store.getState();
  if (!pending || run.status !== 'ready' || run.runId <= pending.afterRunId) return;
  pendingRunTo.delete(store);
  send({ type: 'runTo', step: pending.step });
}

export interface LessonActions {
  /** Opens step `index` (0-based) of a lesson: its configuration, views, layer and unit, as a new run. */
  open(name: string, index: number): void;
  /** Leaves the lesson: the run goes on, every view shows again. */
  leave(): void;
}

/**
 * Changing a lesson step goes through the same path as the controls (App's `apply`): the store's configuration,
 * then `configure` to the session, which restarts the run from step 0 with it.
 */
export function useLessonActions(): LessonActions {
  const store = useLabStore();
  const send = useSend();
  const open = useCallback(
    (name: string, index: number) => {
      const lesson = lessonByName(name);
      const step = lesson?.steps[index];
      if (!lesson || !step) return;
      const config = stepConfig(step);
      const s = store.getState();
      s.setConfig(config);
      s.setView({ views: step.views ? [...step.views] : null, layer: step.layer ?? Math.max(0, config.model.depth - 1), unit: step.unit ?? null, xAxis: step.xAxis ?? 'steps', distScope: step.distScope ?? DEFAULT_DIST_VIEW.distScope, distMode: step.distMode ?? DEFAULT_DIST_VIEW.distMode });
      s.setLesson({ name, step: index });
      if (step.to !== undefined) pendingRunTo.set(store, { afterRunId: s.run.runId, step: step.to });
      else pendingRunTo.delete(store);
      send({ type: 'configure', config, backend: 'auto' });
    },
    [store, send],
  );
  const leave = useCallback(() => {
    const s = store.getState();
    s.setLesson(null);
    s.setView({ views: null });
  }, [store]);
  return { open, leave };
}
