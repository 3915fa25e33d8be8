import type { ExperimentConfig } from '../config/schema';
import { trySetBackend, type BackendName, type BackendOptions } from './backend';
import type { Dataset } from './data/types';
import { median } from './stepTiming';
import { tf } from './tf';
import { LockstepTrainer } from './trainer';

/** Timed rounds per backend, and training steps in each round (one read-back per round). */
export const TIMING_ROUNDS = 3;
export const STEPS_PER_ROUND = 2;

export interface TimeBackendsOptions {
  /** How to start a backend that is not yet started (the wasm binaries' location). */
  backendOptions?: BackendOptions;
  /**
   * Asked between rounds, never inside one: true stops the timing (a command is waiting for the thread). It may wait
   * for the event loop, which is how a worker lets a message in.
   */
  interrupted?: () => Promise<boolean>;
}

/**
 * Milliseconds per lockstep training step of `config` on each backend (null: it failed to build or run), or null if
 * interrupted. Backends not yet started are started here; the active backend is the same afterwards, and every
 * tensor made here is freed.
 *
 * Each backend trains its own copy of the run (same seed, same batches) so the run on screen does not move. Two
 * steps each first, untimed, compile WebGL's shaders and warm WebAssembly's caches; then the backends take turns,
 * round by round, so that a machine that gets busier or quieter weighs on each alike, and the median round counts.
 * A round ends on a read-back, so an asynchronous backend (WebGL) is charged for the work it queued.
 */
export async function timeBackends(
  config: ExperimentConfig,
  dataset: Dataset,
  backends: readonly BackendName[],
  opts: TimeBackendsOptions = {},
): Promise<Map<BackendName, number | null> | null> {
  const active = tf.getBackend() as BackendName;
  const interrupted = opts.interrupted ?? (async () => false);
  const trainers = new Map<BackendName, LockstepTrainer>();
  const rounds = new Map<BackendName, number[]>();
  const result = new Map<BackendName, number | null>();
  const sync = (t: LockstepTrainer) => t.arms[0]!.lossSum.data();
  try {
    for (const b of backends) {
      if (await interrupted()) return null;
      result.set(b, null);
      let trainer: LockstepTrainer | null = null;
      try {
        if (!(await trySetBackend(b, opts.backendOptions))) continue;
        trainer = new LockstepTrainer(config, dataset);
        trainer.trainStep();
        trainer.trainStep();
        await sync(trainer);
        trainers.set(b, trainer);
        rounds.set(b, []);
      } catch {
        // A shader that does not compile, a lost context: this backend cannot run this network here.
        trainer?.dispose();
      }
    }
    for (let r = 0; r < TIMING_ROUNDS; r++) {
      for (const [b, trainer] of trainers) {
        if (await interrupted()) return null;
        try {
          await tf.setBackend(b);
          const t0 = performance.now();
          for (let i = 0; i < STEPS_PER_ROUND; i++) trainer.trainStep();
          await sync(trainer);
          rounds.get(b)!.push((performance.now() - t0) / STEPS_PER_ROUND);
        } catch {
          // It failed part-way (a lost WebGL context): it has no time, and its copy of the run is freed now.
          trainer.dispose();
          trainers.delete(b);
          rounds.delete(b);
        }
      }
    }
    for (const [b, times] of rounds) result.set(b, median(times));
    return result;
  } finally {
    for (const t of trainers.values()) t.dispose();
    await tf.setBackend(active);
  }
}
