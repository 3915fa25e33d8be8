import { createRng, permutation, type Rng } from './random';

/**
 * Mini-batch order: each epoch is a fresh seeded permutation of the training set, cut into full batches (the
 * last partial batch is dropped so batch norm always sees the configured batch size). All arms read the same
 * sequence. `peek` shows the next batch without consuming it, so probes can measure on it without changing the
 * run.
 */
export class BatchSampler {
  private readonly rng: Rng;
  private order: Uint32Array;
  private cursor = 0;
  private readonly perEpoch: number;

  constructor(
    private readonly numTrain: number,
    private readonly batchSize: number,
    seed: number,
  ) {
    if (batchSize > numTrain) throw new Error(`batch size ${batchSize} exceeds the ${numTrain} training examples`);
    this.rng = createRng(seed, 'batches');
    this.perEpoch = Math.floor(numTrain / batchSize);
    this.order = permutation(numTrain, this.rng);
  }

  peek(): Int32Array {
    if (this.cursor === this.perEpoch) {
      this.order = permutation(this.numTrain, this.rng);
      this.cursor = 0;
    }
    const start = this.cursor * this.batchSize;
    return Int32Array.from(this.order.subarray(start, start + this.batchSize));
  }

  next(): Int32Array {
    const batch = this.peek();
    this.cursor++;
    return batch;
  }
}
