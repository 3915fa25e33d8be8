import type { Dataset } from '../data/types';
import { crossEntropy, type ForwardCapture } from '../model';
import { tf, type Tensor } from '../tf';
import { emptyCapture, inferenceMode, logitsOf, type ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';

/**
 * How many of the test set's first examples a probe scores: `probe.testSize` of them, the whole set when it holds
 * fewer, and never fewer than the probe batch (its first rows, whose inference-mode pass the evaluation captures).
 */
export function scoredTestExamples(probe: { readonly testSize: number; readonly batchSize: number }, numTest: number): number {
  return Math.min(numTest, Math.max(probe.testSize, probe.batchSize));
}

/** Test examples per forward pass: a CNN's activations for all 2,000 digits at once would take hundreds of MB. */
export const TEST_CHUNK = 500;

/**
 * The test set on the device, cut into chunks once, when the run starts. Slicing one resident tensor at every
 * probe cost ~16 ms per ioffe-mnist arm on wasm (a copy of each chunk, every time) and bought nothing.
 */
export class TestSet {
  readonly chunks: readonly { x: Tensor; y: Tensor; size: number }[];
  readonly size: number;

  /** `count`: the test set's first examples that are scored (all of them unless given; see scoredTestExamples). */
  constructor(dataset: Dataset, chunk = TEST_CHUNK, count = dataset.numTest) {
    const flat = dataset.inputShape.reduce((a, b) => a * b, 1);
    const chunks: { x: Tensor; y: Tensor; size: number }[] = [];
    for (let start = 0; start < count; start += chunk) {
      const size = Math.min(chunk, count - start);
      chunks.push({
        x: tf.tensor2d(dataset.testX.subarray(start * flat, (start + size) * flat), [size, flat]),
        y: tf.tensor1d(Int32Array.from(dataset.testY.subarray(start, start + size)), 'int32'),
        size,
      });
    }
    this.chunks = chunks;
    this.size = count;
  }

  dispose(): void {
    tf.dispose(this.chunks.flatMap((c) => [c.x, c.y]));
  }
}

export interface Evaluation {
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

/**
 * Evaluation: the training loss since the last probe (`trainLoss`, a scalar the caller computes), and the loss and
 * accuracy over the whole test set in inference mode, as a deployed network would see it.
 *
 * The probe batch is the test set's first `probeRows` examples, so this pass over the test set also holds the probe
 * batch's activations in inference mode: they are handed back (`probeCapture`) instead of being computed again.
 * Inference mode treats each example on its own, so these are the numbers a pass over the probe batch alone gives
 * (bit for bit on wasm and cpu, checked over the presets).
 */
export function measureEvaluation(
  c: ReadbackCollector,
  net: ProbedNetwork,
  testSet: TestSet,
  trainLoss: Tensor,
  probeRows: number,
): { read: (r: Readback) => Evaluation; probeCapture: ForwardCapture } {
  let lossSum: Tensor = tf.scalar(0);
  let correct: Tensor = tf.scalar(0);
  const mode = inferenceMode(net);
  const classes = net.architecture.numClasses;
  const captures: ForwardCapture[] = [];
  let start = 0;
  for (const { x, y, size } of testSet.chunks) {
    const capture = start < probeRows ? emptyCapture() : undefined;
    if (capture) captures.push(capture);
    const logits = logitsOf(net, net.params, x, mode, capture);
    lossSum = tf.add(lossSum, tf.mul(crossEntropy(logits, y, classes), size));
    correct = tf.add(correct, tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), y), 'float32')));
    start += size;
  }
  c.put('trainLoss', trainLoss);
  c.put('testLoss', tf.div(lossSum, testSet.size));
  c.put('testAccuracy', tf.div(correct, testSet.size));
  return {
    read: (r) => ({ trainLoss: r.scalar('trainLoss'), testLoss: r.scalar('testLoss'), testAccuracy: r.scalar('testAccuracy') }),
    probeCapture: firstRows(captures, probeRows),
  };
}

/**
 * The same measurement from numbers computed elsewhere (the fast path's WebAssembly pass over the test set,
 * FastNet.evaluate): Σ cross-entropy and the count of correct arg-maxes over `size` examples. Only the training loss
 * still comes from a tensor.
 */
export function measureComputedEvaluation(
  c: ReadbackCollector,
  trainLoss: Tensor,
  test: { readonly lossSum: number; readonly correct: number; readonly size: number },
): (r: Readback) => Evaluation {
  c.put('trainLoss', trainLoss);
  // The float32 divisions tf.div made.
  const testLoss = Math.fround(test.lossSum / test.size);
  const testAccuracy = Math.fround(test.correct / test.size);
  return (r) => ({ trainLoss: r.scalar('trainLoss'), testLoss, testAccuracy });
}

/** The first `rows` examples of captures of consecutive chunks, as one capture. */
function firstRows(captures: readonly ForwardCapture[], rows: number): ForwardCapture {
  const head = (list: readonly Tensor[]): Tensor => {
    const whole = list.length === 1 ? list[0]! : tf.concat(list as Tensor[], 0);
    return whole.shape[0] === rows ? whole : tf.slice(whole, 0, rows);
  };
  const field = (key: keyof ForwardCapture): Tensor[] => captures[0]![key].map((_, j) => head(captures.map((cap) => cap[key][j]!)));
  return { preActivations: field('preActivations'), inputs: field('inputs'), normInputs: field('normInputs') };
}
