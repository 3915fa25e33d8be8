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
  /** Examples of the current epoch's permutation already used. */
  private position = 0;
  private size: number;

  constructor(
    private readonly numTrain: number,
    batchSize: number,
    seed: number,
  ) {
    this.size = BatchSampler.checked(batchSize, numTrain);
    this.rng = createRng(seed, 'batches');
    this.order = permutation(numTrain, this.rng);
  }

  private static checked(batchSize: number, numTrain: number): number {
    if (batchSize > numTrain) throw new Error(`batch size ${batchSize} exceeds the ${numTrain} training examples`);
    return batchSize;
  }

  get batchSize(): number {
    return this.size;
  }

  /** A new batch size from the next batch on (a scheduled change); the epoch's order goes on where it was. */
  set batchSize(size: number) {
    this.size = BatchSampler.checked(size, this.numTrain);
  }

  peek(): Int32Array {
    if (this.position + this.size > this.numTrain) {
      this.order = permutation(this.numTrain, this.rng);
      this.position = 0;
    }
    return Int32Array.from(this.order.subarray(this.position, this.position + this.size));
  }

  next(): Int32Array {
    const batch = this.peek();
    this.position += this.size;
    return batch;
  }
}
