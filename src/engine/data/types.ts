/** A classification dataset held in plain typed arrays, ready to be sliced into mini-batches. */
export interface Dataset {
  /** Stable identifier, e.g. 'mnist' or 'spirals'. */
  readonly name: string;
  /** Shape of one example without the batch axis: [784] for flat MNIST, [2] for the 2-D sets. */
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Row-major examples: numTrain × prod(inputShape) values. */
  readonly trainX: Float32Array;
  readonly trainY: Uint8Array;
  readonly testX: Float32Array;
  readonly testY: Uint8Array;
  readonly numTrain: number;
  readonly numTest: number;
}
