import { crossEntropy, type ForwardCapture } from '../model';
import { tf, type Tensor } from '../tf';
import { emptyCapture, logitsOf, paramIndex, type ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';

/**
 * The probe's pass over the next training mini-batch (peeked, not consumed), in training mode: the loss, every
 * parameter's gradient, and what the gradient, batch-norm and landscape measurements share.
 */
export interface BatchPass {
  readonly x: Tensor;
  readonly y: Tensor;
  /** The training step the pass belongs to (picks a noisy batch-norm arm's noise). */
  readonly step: number;
  readonly loss: Tensor;
  /** ∂ℓ/∂θ for every parameter, in the layout's order. */
  readonly grads: readonly Tensor[];
  /** Batch-norm arms: per hidden layer, ∂ℓ/∂y of the batch-norm output (the gradient of a zero tap added there). */
  readonly dys: readonly Tensor[];
  /** Batch norm's inputs on this batch, one per batch-norm layer (training mode). */
  readonly normInputs: readonly Tensor[];
  /** The loss on this batch with other parameters (in the layout's order), training mode. */
  lossAt(params: readonly Tensor[]): Tensor;
}

/**
 * Runs the batch pass. Call inside tf.tidy; `keep` holds batch norm's inputs, captured by the gradient's own forward
 * pass, past the gradient's scope (ReadbackCollector.keep).
 */
export function batchPass(net: ProbedNetwork, x: Tensor, y: Tensor, step: number, keep: (t: Tensor) => Tensor): BatchPass {
  const classes = net.architecture.numClasses;
  const mode = { kind: 'train' as const, step };
  const lossAt = (ps: readonly Tensor[], capture?: ForwardCapture, taps?: readonly Tensor[]) =>
    crossEntropy(logitsOf(net, ps, x, mode, capture, taps), y, classes);
  // Batch-norm arms get zero taps on each layer's output, whose gradients are the layers' ∂ℓ/∂y.
  const taps = net.spec.norm === 'batch' ? net.architecture.hidden.map((l) => tf.zeros([x.shape[0]!, ...l.outShape])) : [];
  const P = net.params.length;
  const capture = emptyCapture();
  const { value, grads } = tf.valueAndGrads((...ps: Tensor[]) => {
    const loss = lossAt(ps.slice(0, P), capture, ps.slice(P));
    capture.normInputs.forEach(keep);
    return loss;
  })([...net.params, ...taps]);
  return { x, y, step, loss: value, grads: grads.slice(0, P), dys: grads.slice(P), normInputs: capture.normInputs, lossAt: (ps) => lossAt(ps) };
}

export interface GradientMeasures {
  gradNorm: number;
  ics: { l2: number; cos: number };
}

/**
 * A hidden layer's gradient and its internal covariate shift (Santurkar et al. 2018, §2.2): G = ∂ℓ/∂W_j on the
 * batch, and G′ the same after every earlier layer takes the step the optimizer would take (`proposed`: all
 * parameters after one step); ‖G − G′‖₂ and cos(G, G′). The first layer has no earlier layers: 0 and 1.
 */
export function measureGradients(
  c: ReadbackCollector,
  name: string,
  net: ProbedNetwork,
  pass: BatchPass,
  proposed: readonly Tensor[],
  layer: number,
): (r: Readback) => GradientMeasures {
  const w = paramIndex(net, layer, 'weight');
  const G = pass.grads[w]!;
  const normG = euclidean(G);
  c.put(`${name}.gradNorm`, normG);
  if (layer === 0) return (r) => ({ gradNorm: r.scalar(`${name}.gradNorm`), ics: { l2: 0, cos: 1 } });
  const shifted = net.params.map((p, i) => (net.layout[i]!.layer < layer ? proposed[i]! : p));
  const Gp = tf.grad((wj: Tensor) => pass.lossAt(shifted.map((p, i) => (i === w ? wj : p))))(net.params[w]!);
  c.put(`${name}.ics.l2`, euclidean(tf.sub(G, Gp)));
  c.put(`${name}.ics.cos`, tf.div(tf.sum(tf.mul(G, Gp)), tf.mul(normG, euclidean(Gp))));
  return (r) => ({ gradNorm: r.scalar(`${name}.gradNorm`), ics: { l2: r.scalar(`${name}.ics.l2`), cos: r.scalar(`${name}.ics.cos`) } });
}

/**
 * ‖t‖₂ as √(Σ t²): tf.norm computes √(Σ |t|^2) with Abs and Pow kernels over the whole tensor (a first layer's
 * 78,400 weights), which cost more than one Square; the sums are the same, bit for bit (checked on wasm over the presets).
 */
function euclidean(t: Tensor): Tensor {
  return tf.sqrt(tf.sum(tf.square(t)));
}
