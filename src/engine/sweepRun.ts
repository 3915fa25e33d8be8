import type { ExperimentConfig } from '../config/schema';
import type { Dataset } from './data/types';
import { appendProbe, createHistory, meanOf, type ArmHistory } from './history';
import { runLockstep } from './run';
import { LockstepTrainer } from './trainer';

/**
 * One run of a sweep, as the CLI's processes (src/cli/sweep.ts) and the lab's sweep worker (src/worker/sweep.worker.ts)
 * both train it: so a run in the lab has the numbers `npm run sweep` prints for the same configuration, digit for
 * digit on the same backend. Knows no Node and no DOM.
 */

/** The numbers a sweep keeps of a run (its first arm: a sweep's run has one). */
export interface RunOutcome {
  finalTrainLoss: number;
  finalTestLoss: number;
  finalTestAccuracy: number;
  /**
   * The test accuracy averaged over the probes after step 0 (the experiment table's "mean test acc"): with probes
   * at equal intervals, the area under the accuracy curve over the run's length, which rewards training fast.
   */
  meanTestAccuracy: number;
  divergedAt: number | null;
  /** The step of the last probe: the run's length. */
  steps: number;
}

/** The numbers a sweep keeps of one arm's history. */
export function runOutcome(arm: ArmHistory): RunOutcome {
  const last = (a: readonly number[]) => a[a.length - 1] ?? NaN;
  return {
    finalTrainLoss: last(arm.trainLoss),
    finalTestLoss: last(arm.testLoss),
    finalTestAccuracy: last(arm.testAccuracy),
    meanTestAccuracy: meanOf(arm.testAccuracy.slice(1)),
    divergedAt: arm.divergedAt,
    steps: last(arm.steps),
  };
}

export interface TrainedRun {
  outcome: RunOutcome;
  /** Machine-dependent: the wall-clock seconds of the training and its probes (the data and the backend excluded). */
  seconds: number;
}

/**
 * Builds the run's networks on the data given (already loaded for its configuration), trains `steps` steps with the
 * configuration's probes, and frees every tensor, whatever happens. The backend must be set.
 */
export async function trainSweepRun(config: ExperimentConfig, data: Dataset, steps: number): Promise<TrainedRun> {
  const trainer = new LockstepTrainer(config, data);
  try {
    const history = createHistory(
      trainer.arms.map((a) => ({ name: a.name, norm: a.spec.norm })),
      trainer.architecture.hidden.map((l) => l.units),
    );
    const t0 = performance.now();
    await runLockstep(trainer, steps, { onProbe: (snap) => appendProbe(history, snap) });
    return { outcome: runOutcome(history[0]!), seconds: (performance.now() - t0) / 1000 };
  } finally {
    trainer.dispose();
  }
}
