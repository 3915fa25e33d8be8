import type { ForwardCapture } from '../model';
import { tf, type Tensor } from '../tf';
import { summarizeLayer } from '../fast/summaries';
import { measureDistributions } from './distribution';
import { emptyCapture, logitsOf, type ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';
import type { LayerDistributions } from './types';

/**
 * The fixed probe batch through the arm: in training mode (batch norm with the probe batch's own statistics, so a
 * BN unit's input has mean β and standard deviation γ by construction), and for batch-norm arms in inference mode
 * too (the running averages: the network as the test set sees it, where batch norm's band can move). Without
 * batch norm the two modes are the same computation: done once, read as both.
 */
export interface ProbeBatchPasses {
  readonly train: ForwardCapture;
  readonly inference: ForwardCapture | null;
}

/**
 * The probe batch's passes, given its inference-mode pass (the evaluation's, over the same examples): only a
 * batch-norm arm needs a pass of its own, in training mode. Call inside tf.tidy.
 */
export function probeBatchPasses(net: ProbedNetwork, probeX: Tensor, step: number, inference: ForwardCapture): ProbeBatchPasses {
  if (net.spec.norm !== 'batch') return { train: inference, inference: null };
  const train = emptyCapture();
  logitsOf(net, net.params, probeX, { kind: 'train', step }, train);
  return { train, inference };
}

export interface LayerActivations {
  train: LayerDistributions;
  inference: LayerDistributions | null;
  inputMean: number;
  inputVariance: number;
}

/**
 * One hidden layer over the probe batch: its nonlinearity input's distributions in each mode, and the mean and
 * variance of the layer's input (how much what the layer sees moves).
 */
export function measureActivations(
  c: ReadbackCollector,
  name: string,
  passes: ProbeBatchPasses,
  layer: number,
  bins: number,
  range: number,
): (r: Readback) => LayerActivations {
  const input = tf.moments(passes.train.inputs[layer]!);
  c.put(`${name}.input.mean`, input.mean);
  c.put(`${name}.input.variance`, input.variance);
  const train = measureDistributions(c, `${name}.z.train`, passes.train.preActivations[layer]!, bins, range);
  const inference = passes.inference ? measureDistributions(c, `${name}.z.inference`, passes.inference.preActivations[layer]!, bins, range) : null;
  return (r) => ({
    train: train(r),
    inference: inference ? inference(r) : null,
    inputMean: r.scalar(`${name}.input.mean`),
    inputVariance: r.scalar(`${name}.input.variance`),
  });
}

/**
 * A pass over the probe batch computed outside tfjs (the fast path, FastNet.probePass and evaluate): per hidden
 * layer, the nonlinearity input's raw values ([rows, …outShape], row-major) and the moments of the layer's input.
 */
export interface ComputedPass {
  readonly preActivations: readonly Float32Array[];
  readonly inputMean: readonly number[];
  readonly inputVariance: readonly number[];
}

/**
 * measureActivations for passes computed outside tfjs: the same summaries of the same values (summarized in
 * WebAssembly, fast/summaries.ts, bit for bit the JavaScript's numbers), with nothing to read back. `inference` is
 * null for an arm without batch norm (its two modes are one computation, `train`).
 */
export function computedActivations(train: ComputedPass, inference: ComputedPass | null, layer: number, units: number, bins: number, range: number): LayerActivations {
  return {
    train: summarizeLayer(train.preActivations[layer]!, units, bins, range),
    inference: inference ? summarizeLayer(inference.preActivations[layer]!, units, bins, range) : null,
    inputMean: train.inputMean[layer]!,
    inputVariance: train.inputVariance[layer]!,
  };
}
