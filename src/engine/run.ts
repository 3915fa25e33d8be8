import type { LockstepTrainer } from './trainer';
import type { ProbeSnapshot } from './probes/types';

export interface RunOptions {
  /** Called with each probe, in step order: at the start, every probe interval, and at the last step. */
  onProbe?: (snap: ProbeSnapshot) => void;
  /** Called after every step with the steps done; cheap, for progress bars. */
  onStep?: (step: number) => void;
}

/**
 * Trains until `targetStep`, probing on the configuration's schedule (step 0, every k steps, and the target).
 * The schedule depends only on the step numbers, so "run to step N" gives the same probes however it is split.
 */
export async function runLockstep(trainer: LockstepTrainer, targetStep: number, opts: RunOptions = {}): Promise<void> {
  const k = trainer.config.probe.interval;
  if (trainer.step === 0) opts.onProbe?.(await trainer.probe());
  while (trainer.step < targetStep) {
    trainer.trainStep();
    opts.onStep?.(trainer.step);
    if (trainer.step % k === 0 || trainer.step === targetStep) opts.onProbe?.(await trainer.probe());
  }
}
