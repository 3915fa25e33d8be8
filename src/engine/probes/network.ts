import { forward, type Architecture, type ArmSpec, type ForwardCapture, type Mode, type ParamInfo, type RunningStats } from '../model';
import type { Tensor } from '../tf';

/** What a probe measurement needs of one arm: its network as data and its current tensors (read, never changed). */
export interface ProbedNetwork {
  readonly architecture: Architecture;
  readonly spec: ArmSpec;
  readonly layout: readonly ParamInfo[];
  readonly params: readonly Tensor[];
  /** Per hidden layer: the running statistics of a batch-norm arm, else null. */
  readonly running: readonly (RunningStats | null)[];
}

/** The arm's logits for `x` with parameters `params` (the arm's own, or a perturbed copy in its layout). */
export function logitsOf(
  net: ProbedNetwork,
  params: readonly Tensor[],
  x: Tensor,
  mode: Mode,
  capture?: ForwardCapture,
  taps?: readonly Tensor[],
): Tensor {
  return forward(net.architecture, net.spec, net.layout, params, x, mode, capture, taps);
}

/** Inference mode: batch norm with the running statistics, as the test set is evaluated. */
export function inferenceMode(net: ProbedNetwork): Mode {
  return { kind: 'inference', running: net.running };
}

export function emptyCapture(): ForwardCapture {
  return { preActivations: [], inputs: [], normInputs: [] };
}

/** The index in the layout of a hidden layer's parameter with the given role, or −1. */
export function paramIndex(net: ProbedNetwork, layer: number, role: ParamInfo['role']): number {
  return net.layout.findIndex((p) => p.layer === layer && p.role === role);
}
