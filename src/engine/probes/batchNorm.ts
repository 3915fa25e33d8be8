import { batchMoments, batchNormAxes } from '../norm/batch';
import { standardizeBackward } from '../norm/standardize';
import { tf, type Tensor } from '../tf';
import type { BatchPass } from './gradients';
import { paramIndex, type ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';
import type { BatchNormInspection, BatchNormStats } from './types';

/** Values of the step inspector's per-sample arrays kept per unit (the batch, or its first pixels for a conv). */
export const INSPECT_SAMPLES = 32;

/**
 * One batch-norm layer on the probe's training mini-batch: its batch moments beside the running estimates, and for
 * the step inspector the §3 backward of this layer on this batch, from the engine's own function
 * (standardizeBackward), with the first samples' x, ∂ℓ/∂y and ∂ℓ/∂x. `bnIndex` counts the batch-norm layers before
 * this one (the batch pass captured one input per batch-norm layer).
 */
export function measureBatchNorm(
  c: ReadbackCollector,
  name: string,
  net: ProbedNetwork,
  pass: BatchPass,
  layer: number,
  bnIndex: number,
): (r: Readback) => { bn: BatchNormStats; inspect: BatchNormInspection } {
  const run = net.running[layer];
  if (!run) throw new Error(`layer ${layer} has no running statistics`);
  const xIn = pass.normInputs[bnIndex]!;
  const m = batchMoments(xIn);
  const units = net.architecture.hidden[layer]!.units;
  const param = (role: 'gamma' | 'beta'): Tensor | undefined => net.params[paramIndex(net, layer, role)];
  const gamma = param('gamma') ?? tf.ones([units]);
  const beta = param('beta') ?? tf.zeros([units]);
  const back = standardizeBackward(xIn, gamma, pass.dys[layer]!, batchNormAxes(xIn.rank), net.spec.epsilon);
  const samples = Math.min(INSPECT_SAMPLES, m.count);
  const firstRows = (t: Tensor) => tf.slice(tf.reshape(t, [-1, units]), [0, 0], [samples, units]);
  const tensors = {
    batchMean: m.mean,
    batchVariance: m.variance,
    runningMean: run.mean,
    runningVariance: run.variance,
    gamma,
    beta,
    dGamma: back.dGamma,
    dBeta: back.dBeta,
    dMean: back.dMean,
    dVariance: back.dVariance,
    x: firstRows(xIn),
    dy: firstRows(pass.dys[layer]!),
    dx: firstRows(back.dx),
  } satisfies Record<string, Tensor>;
  for (const [key, t] of Object.entries(tensors)) c.put(`${name}.${key}`, t);
  return (r) => {
    const get = (key: keyof typeof tensors) => r.array(`${name}.${key}`);
    const bn: BatchNormStats = { batchMean: get('batchMean'), batchVariance: get('batchVariance'), runningMean: get('runningMean'), runningVariance: get('runningVariance') };
    const inspect: BatchNormInspection = {
      count: m.count,
      samples,
      gamma: get('gamma'),
      beta: get('beta'),
      mean: bn.batchMean,
      variance: bn.batchVariance,
      dGamma: get('dGamma'),
      dBeta: get('dBeta'),
      dMean: get('dMean'),
      dVariance: get('dVariance'),
      x: get('x'),
      dy: get('dy'),
      dx: get('dx'),
    };
    return { bn, inspect };
  };
}
