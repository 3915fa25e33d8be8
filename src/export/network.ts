import type { ExperimentConfig } from '../config/schema';
import { initStd } from '../engine/init';

/**
 * The network as the exported scripts need it: the shapes the engine built (from `buildArchitecture` in Node, or
 * from the run description the worker sends to the page), with no tensors, so the page can write scripts without
 * loading TensorFlow.js.
 */
export interface NetLayer {
  readonly kind: 'dense' | 'conv';
  /** Units (dense) or channels (conv). */
  readonly units: number;
  readonly stride: number;
  /** [features] for dense, [height, width, channels] (NHWC, as the engine) for conv. */
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
}

export interface NetShape {
  readonly inputShape: readonly number[];
  readonly hidden: readonly NetLayer[];
  readonly numClasses: number;
}

const product = (a: readonly number[]) => a.reduce((x, y) => x * y, 1);

/** From the worker's run description (`run.layers` in the store), which lists each layer's output shape. */
export function netShapeFromRun(run: {
  inputShape: readonly number[];
  layers: readonly { kind: 'dense' | 'conv'; units: number; stride: number; outShape: readonly number[] }[];
  numClasses: number;
}): NetShape {
  let inShape = run.inputShape;
  const hidden = run.layers.map((l) => {
    const layer: NetLayer = { kind: l.kind, units: l.units, stride: l.stride, inShape, outShape: l.outShape };
    inShape = l.outShape;
    return layer;
  });
  return { inputShape: run.inputShape, hidden, numClasses: run.numClasses };
}

/** The flattened size of the last hidden layer's output: the classifier's fan-in. */
export function classifierFanIn(net: NetShape): number {
  const last = net.hidden[net.hidden.length - 1];
  return last ? product(last.outShape) : product(net.inputShape);
}

/** Fan-in and fan-out of each weight layer, hidden layers then the classifier, as src/engine/model.ts counts them. */
export function weightFans(net: NetShape): { fanIn: number; fanOut: number }[] {
  const fans = net.hidden.map((l) =>
    l.kind === 'dense' ? { fanIn: product(l.inShape), fanOut: l.units } : { fanIn: 9 * l.inShape[2]!, fanOut: 9 * l.units },
  );
  fans.push({ fanIn: classifierFanIn(net), fanOut: net.numClasses });
  return fans;
}

/** The standard deviation of each weight layer's Gaussian initial values (src/engine/init.ts). */
export function initStds(config: ExperimentConfig, net: NetShape): number[] {
  return weightFans(net).map(({ fanIn, fanOut }) => initStd(config.init.scheme, config.init.scale, fanIn, fanOut));
}

/**
 * TensorFlow's 'same' padding of a 3×3 kernel along one axis, [before, after]: the output has ⌈size/stride⌉
 * positions and the odd pixel of padding goes at the end (so a stride-2 layer on 28 pixels pads [0, 1]).
 */
export function samePadding(size: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + 3 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** "784 → 100 → 100 → 10" or "28×28×1 → conv 16 → conv 16 /2 → 10". */
export function describeNet(net: NetShape): string {
  const input = net.inputShape.join('×');
  const hidden = net.hidden.map((l) => (l.kind === 'dense' ? String(l.units) : `conv3×3 ${l.units}${l.stride > 1 ? ` stride ${l.stride}` : ''}`));
  return [input, ...hidden, String(net.numClasses)].join(' → ');
}
