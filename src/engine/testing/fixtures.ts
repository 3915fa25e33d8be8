import fs from 'node:fs';
import path from 'node:path';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../config/schema';
import { loadDataset } from '../data/load';
import type { Dataset } from '../data/types';

/** The converted MNIST file (`npm run data` makes it; `npm run test:unit` runs that first). */
export function readMnistBytes(): Promise<Uint8Array> {
  return Promise.resolve(new Uint8Array(fs.readFileSync(path.resolve('public/data/mnist.bin'))));
}

export async function configAndData(input: ExperimentConfigInput): Promise<{ config: ExperimentConfig; dataset: Dataset }> {
  const config = parseConfig(input);
  return { config, dataset: await loadDataset(config, readMnistBytes) };
}
