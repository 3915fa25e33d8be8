import type { Dataset } from '../data/types';
import { tf, type Tensor } from '../tf';
import { inferenceMode, logitsOf, type ProbedNetwork } from './network';
import type { Readback, ReadbackCollector } from './readback';
import type { BoundaryGrid } from './types';

/** Decision-boundary grid points per side. */
export const BOUNDARY_SIZE = 48;

/** The plane a 2-D dataset's decision boundary is drawn over, as input points on the device. */
export interface BoundaryPlane {
  readonly grid: Tensor;
  readonly size: number;
  readonly extent: [number, number, number, number];
}

/** A square grid over the data's extent (with a margin), row 0 at the top (largest x₂). */
export function boundaryPlane(dataset: Dataset): BoundaryPlane {
  let r = 1;
  for (const a of [dataset.trainX, dataset.testX]) for (const v of a) r = Math.max(r, Math.abs(v));
  const half = Math.ceil(r * 1.1 * 10) / 10;
  const size = BOUNDARY_SIZE;
  const pts = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const k = (row * size + col) * 2;
      pts[k] = -half + ((col + 0.5) / size) * 2 * half;
      pts[k + 1] = half - ((row + 0.5) / size) * 2 * half;
    }
  }
  return { grid: tf.tensor2d(pts, [size * size, 2]), size, extent: [-half, half, -half, half] };
}

/** The decision boundary: the arm's class probabilities (inference mode) at every point of the plane. */
export function measureBoundary(c: ReadbackCollector, net: ProbedNetwork, plane: BoundaryPlane): (r: Readback) => BoundaryGrid {
  c.put('boundary.probs', tf.softmax(logitsOf(net, net.params, plane.grid, inferenceMode(net))));
  return (r) => ({ size: plane.size, extent: plane.extent, probs: r.array('boundary.probs') });
}
