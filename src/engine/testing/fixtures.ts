import fs from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../config/schema';
import { loadDataset } from '../data/load';
import type { Dataset } from '../data/types';
import { appendProbe, createHistory, type ArmHistory } from '../history';
import { runLockstep } from '../run';
import { LockstepTrainer } from '../trainer';

/** The converted MNIST file (`npm run data` makes it; `npm run test:unit` runs that first). */
export function readMnistBytes(): Promise<Uint8Array> {
  return Promise.resolve(new Uint8Array(fs.readFileSync(path.resolve('public/data/mnist.bin'))));
}

export async function configAndData(input: ExperimentConfigInput): Promise<{ config: ExperimentConfig; dataset: Dataset }> {
  const config = parseConfig(input);
  return { config, dataset: await loadDataset(config, readMnistBytes) };
}

/**
 * Trainers for the tests of one file (call it at the file's top level or in a describe): each is disposed after
 * its test, so the next test's tensor counts start clean. `history` trains `steps` steps and keeps every probe.
 */
export function trainerFixture(): {
  /** A trainer of `input`; `clock` times its steps (the trainer's default: performance.now). */
  trainer: (input: ExperimentConfigInput, clock?: () => number) => Promise<LockstepTrainer>;
  history: (input: ExperimentConfigInput, steps: number) => Promise<ArmHistory[]>;
  /** Disposes a trainer now (a test that counts the tensors it leaves) and forgets it. */
  release: (t: LockstepTrainer) => void;
} {
  const live: LockstepTrainer[] = [];
  afterEach(() => {
    for (const t of live.splice(0)) t.dispose();
  });
  const trainer = async (input: ExperimentConfigInput, clock?: () => number) => {
    const { config, dataset } = await configAndData(input);
    const t = new LockstepTrainer(config, dataset, clock);
    live.push(t);
    return t;
  };
  const history = async (input: ExperimentConfigInput, steps: number) => {
    const t = await trainer(input);
    const h = createHistory(t.arms.map((a) => ({ name: a.name, norm: a.spec.norm })), t.architecture.hidden.map((l) => l.units));
    await runLockstep(t, steps, { onProbe: (s) => appendProbe(h, s) });
    return h;
  };
  const release = (t: LockstepTrainer) => {
    const i = live.indexOf(t);
    if (i >= 0) live.splice(i, 1);
    t.dispose();
  };
  return { trainer, history, release };
}
