import type { ExperimentConfig } from '../config/schema';
import { chooseBackend, type BackendChoice, type BackendName, type BackendOptions } from '../engine/backend';
import { DatasetLoader } from '../engine/data/load';
import { trainSweepRun, type RunOutcome } from '../engine/sweepRun';

/**
 * The sweep worker's protocol and its one job: train a sweep's runs one after another and report each as it ends.
 * The sweep view owns the worker (src/worker/sweep.worker.ts), starts it when Run sweep is pressed and terminates it
 * on Cancel or when it unmounts: a run cannot be stopped half-way by a message, and needs not be, since each depends
 * only on its configuration. Kept apart from the lab's training session, which this never touches.
 */

/** Page → worker. */
export interface SweepStart {
  type: 'start';
  /** The plan's runs, in order: each a complete configuration (its seed included). */
  runs: { run: number; config: ExperimentConfig }[];
  steps: number;
  /** wasm by default, as `npm run sweep`: then each run's numbers are the CLI's, digit for digit. */
  backend: BackendName;
}

/** Worker → page. */
export type SweepEvent =
  | { type: 'backend'; backend: BackendChoice }
  | { type: 'started'; run: number }
  | { type: 'result'; run: number; outcome: RunOutcome; seconds: number }
  | { type: 'done' }
  | { type: 'failed'; run: number | null; message: string };

export interface SweepRunnerHost {
  emit(e: SweepEvent): void;
  fetchMnist(): Promise<Uint8Array>;
  backendOptions: BackendOptions;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Handles a start: the backend (once), then every run in order. A failure ends the sweep and says which run. */
export function createSweepRunner(host: SweepRunnerHost): { handle(m: SweepStart): Promise<void> } {
  // The digits are fetched and decoded once, whatever the number of runs.
  const data = new DatasetLoader(() => host.fetchMnist());
  let backend: BackendChoice | null = null;
  return {
    async handle(m) {
      let current: number | null = null;
      try {
        if (!backend || backend.name !== m.backend) {
          backend = await chooseBackend(m.backend, { ...host.backendOptions, candidates: ['wasm', 'cpu'] });
        }
        host.emit({ type: 'backend', backend });
        for (const { run, config } of m.runs) {
          current = run;
          host.emit({ type: 'started', run });
          const { outcome, seconds } = await trainSweepRun(config, await data.load(config), m.steps);
          host.emit({ type: 'result', run, outcome, seconds });
        }
        host.emit({ type: 'done' });
      } catch (e) {
        host.emit({ type: 'failed', run: current, message: messageOf(e) });
      }
    },
  };
}
