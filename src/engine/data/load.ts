import type { ExperimentConfig } from '../../config/schema';
import { gunzip, mnistDataset, parseMnistBinary, scaleMnist, type ParsedMnist } from './mnist';
import { syntheticDataset } from './synthetic';
import type { Dataset } from './types';

/** The file the MNIST digits come from, named in every error about them. */
export const MNIST_FILE = 'mnist.bin';

/**
 * The dataset a configuration names. MNIST's bytes come through `fetchMnist` (fetch in the page, a file read in
 * Node) so this module stays free of platform APIs; the 2-D sets are generated from the configuration's seed.
 */
export async function loadDataset(config: ExperimentConfig, fetchMnist: () => Promise<Uint8Array>): Promise<Dataset> {
  return new DatasetLoader(fetchMnist).load(config);
}

/**
 * What a configuration's data depends on, and nothing else: MNIST is the same file for every seed and network
 * (only its layout differs, flat for an MLP and an image for a CNN); a 2-D set is drawn from the seed and noise.
 */
export function datasetKey(config: ExperimentConfig): string {
  const { name, noise } = config.dataset;
  return name === 'mnist' ? `mnist|${config.model.kind === 'cnn' ? 'image' : 'flat'}` : `${name}|${noise}|${config.seed}`;
}

/**
 * Loads the datasets of successive configurations, downloading MNIST's file at most once: its decoded bytes are
 * kept apart from the dataset built from them, so a change of seed or of network (even from an MLP to a CNN)
 * needs no download, and keeps working offline. A failed download is not kept: the next load tries again.
 * The last dataset built is kept too, so the same key costs nothing.
 */
export class DatasetLoader {
  private mnist: Promise<ParsedMnist> | null = null;
  /** A read of the file begun elsewhere, until a load takes it (readAhead). */
  private ahead: Promise<ParsedMnist> | null = null;
  private last: { key: string; data: Dataset } | null = null;

  constructor(private readonly fetchMnist: () => Promise<Uint8Array>) {}

  /** Whether `load(config)` returns at once, with nothing to download, decode or draw. */
  has(config: ExperimentConfig): boolean {
    return this.last?.key === datasetKey(config);
  }

  async load(config: ExperimentConfig): Promise<Dataset> {
    const key = datasetKey(config);
    if (this.last?.key !== key) {
      const data =
        config.dataset.name === 'mnist'
          ? mnistDataset(await this.mnistFile(), { layout: config.model.kind === 'cnn' ? 'image' : 'flat' })
          : syntheticDataset(config.dataset.name, { seed: config.seed, noise: config.dataset.noise });
      this.last = { key, data };
    }
    return this.last.data;
  }

  /**
   * The digits' file, already being read by someone else (the training worker's entry reads it while the session's
   * code still downloads): the next load that needs MNIST takes it, failure included, as if it had read it itself.
   */
  readAhead(file: Promise<ParsedMnist>): void {
    if (this.mnist) return;
    // Its failure is the taking load's to report: not an unhandled rejection meanwhile.
    file.catch(() => undefined);
    this.ahead = file;
  }

  private mnistFile(): Promise<ParsedMnist> {
    if (!this.mnist) {
      this.mnist = this.forgetFailure(this.ahead ?? readMnist(this.fetchMnist));
      this.ahead = null;
    }
    return this.mnist;
  }

  /** A failed read is not kept: the next load tries again. */
  private forgetFailure(file: Promise<ParsedMnist>): Promise<ParsedMnist> {
    const kept: Promise<ParsedMnist> = file.catch((e: unknown) => {
      if (this.mnist === kept) this.mnist = null;
      throw e;
    });
    return kept;
  }
}

/**
 * Downloads (or reads), decompresses and parses the file; every failure says which file it was about, since a
 * learner who sees "Failed to fetch" cannot tell what failed to arrive.
 */
export async function readMnist(fetchMnist: () => Promise<Uint8Array>): Promise<ParsedMnist> {
  const named = (e: unknown, what: string) => {
    const message = e instanceof Error ? e.message : String(e);
    return new Error(message.includes(MNIST_FILE) ? message : `${what} (${MNIST_FILE}): ${message}`);
  };
  let bytes: Uint8Array;
  try {
    bytes = await fetchMnist();
  } catch (e) {
    throw named(e, 'could not load the MNIST digits');
  }
  try {
    // Scaled here, once for every dataset built from the file (an MLP's and a CNN's alike), and so ahead of the first
    // run where the file is read ahead (readAhead).
    return scaleMnist(parseMnistBinary(await gunzip(bytes)));
  } catch (e) {
    throw named(e, 'the MNIST digits are damaged');
  }
}
