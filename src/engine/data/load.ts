import type { ExperimentConfig } from '../../config/schema';
import { loadMnist } from './mnist';
import { syntheticDataset } from './synthetic';
import type { Dataset } from './types';

/**
 * The dataset a configuration names. MNIST's bytes come through `fetchMnist` (fetch in the page, a file read in
 * Node) so this module stays free of platform APIs; the 2-D sets are generated from the configuration's seed.
 */
export async function loadDataset(config: ExperimentConfig, fetchMnist: () => Promise<Uint8Array>): Promise<Dataset> {
  if (config.dataset.name === 'mnist') return loadMnist(fetchMnist, { layout: config.model.kind === 'cnn' ? 'image' : 'flat' });
  return syntheticDataset(config.dataset.name, { seed: config.seed, noise: config.dataset.noise });
}
