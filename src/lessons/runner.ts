import type { ExperimentConfig } from '../config/schema';
import { loadDataset } from '../engine/data/load';
import type { Dataset } from '../engine/data/types';
import { appendProbe, createHistory } from '../engine/history';
import type { ProbeSnapshot } from '../engine/probes/types';
import { runLockstep } from '../engine/run';
import { LockstepTrainer } from '../engine/trainer';
import type { ClaimRun } from './types';

/**
 * Trains a configuration headless for `steps` steps and returns the probe histories and the newest probe: the
 * same trainer, the same probe schedule and the same history shape the lab's store builds from the worker's
 * snapshots, so a claim measured here is measured on what the page shows.
 */
export async function trainRun(config: ExperimentConfig, steps: number, fetchMnist: () => Promise<Uint8Array>): Promise<ClaimRun> {
  const dataset = await datasetFor(config, fetchMnist);
  const trainer = new LockstepTrainer(config, dataset);
  try {
    const history = createHistory(
      trainer.arms.map((a) => ({ name: a.name, norm: a.spec.norm })),
      trainer.architecture.hidden.map((l) => l.units),
    );
    const snapshots: ProbeSnapshot[] = [];
    await runLockstep(trainer, steps, {
      onProbe: (snap) => {
        appendProbe(history, snap);
        snapshots.push(snap);
      },
    });
    return { config, history, latest: snapshots[snapshots.length - 1] ?? null, snapshots };
  } finally {
    trainer.dispose();
  }
}

/** MNIST is decoded once per layout (flat for MLPs, image for CNNs); the 2-D sets depend on the seed. */
const cache = new Map<string, Promise<Dataset>>();

function datasetFor(config: ExperimentConfig, fetchMnist: () => Promise<Uint8Array>): Promise<Dataset> {
  const key = config.dataset.name === 'mnist' ? `mnist:${config.model.kind}` : JSON.stringify([config.dataset, config.seed]);
  let found = cache.get(key);
  if (!found) {
    found = loadDataset(config, fetchMnist);
    cache.set(key, found);
  }
  return found;
}
