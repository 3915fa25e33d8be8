/**
 * Two-dimensional toy sets in the manner of TensorFlow Playground: shapes are drawn in a disc of radius 5 and
 * then divided by 5, so clean points lie in [-1, 1]² and noise spills a little past it.
 *
 * Everything is fixed by the seed: train and test come from separate streams of createRng, so changing the
 * number of test points never changes the training set. Classes are interleaved (example i has class
 * i mod numClasses), so the classes are balanced and every prefix is too.
 */
import { createRng, type Rng } from '../random';
import type { Dataset } from './types';

export const SYNTHETIC_KINDS = ['spirals', 'circles', 'xor', 'blobs'] as const;
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

export interface SyntheticOptions {
  seed: number;
  /** 0 gives clean sets, 1 heavily overlapping ones. */
  noise: number;
  /** Default 800. */
  numTrain?: number;
  /** Default 400. */
  numTest?: number;
}

/** Playground's drawing radius; coordinates are divided by it. */
const RADIUS = 5;

/**
 * Standard deviation of the added Gaussian noise at noise = 1, in drawing units, set per shape from the gap
 * between its classes (spiral arms ≈ 1.4 apart along a ray, rings 1 apart, XOR quadrants 0.6 apart, blob
 * centres 5.2 apart) so that the whole slider matters: at noise = 1 a point's nearest neighbour has another
 * class 25–45% of the time (50% would be chance for two classes).
 */
const NOISE_STD_AT_ONE: Record<SyntheticKind, number> = { spirals: 0.8, circles: 1.5, xor: 1.5, blobs: 2.5 };

const NUM_CLASSES: Record<SyntheticKind, number> = { spirals: 2, circles: 2, xor: 2, blobs: 3 };

/** Circles: class 0 fills radius [0, 2.5], class 1 the ring [3.5, 5]. */
const INNER_MAX = 0.5 * RADIUS;
const OUTER_MIN = 0.7 * RADIUS;
/** XOR: points keep this distance from the axes, so clean quadrants never touch. */
const XOR_PADDING = 0.3;
/** Blobs: centres on a circle of this radius, each with this intrinsic spread. */
const BLOB_CENTRE_RADIUS = 3;
const BLOB_STD = 0.6;
/** Spirals: how many turns each arm makes from the centre to the rim. */
const SPIRAL_TURNS = 1.75;

function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** One clean point of the given class, in drawing units; slot `i` of `perClass` places it along a spiral arm. */
function cleanPoint(kind: SyntheticKind, label: number, i: number, perClass: number, rng: Rng): [number, number] {
  switch (kind) {
    case 'spirals': {
      // A random offset within the point's slot along the arm keeps test points distinct from training points.
      const along = (i + rng.next()) / perClass;
      const r = along * RADIUS;
      const t = SPIRAL_TURNS * along * 2 * Math.PI + label * Math.PI;
      return [r * Math.sin(t), r * Math.cos(t)];
    }
    case 'circles': {
      const r = label === 0 ? uniform(rng, 0, INNER_MAX) : uniform(rng, OUTER_MIN, RADIUS);
      const angle = uniform(rng, 0, 2 * Math.PI);
      return [r * Math.sin(angle), r * Math.cos(angle)];
    }
    case 'xor': {
      // Class 1 where x·y > 0 (first and third quadrants), class 0 where x·y < 0.
      const x = uniform(rng, XOR_PADDING, RADIUS) * (rng.next() < 0.5 ? -1 : 1);
      const y = uniform(rng, XOR_PADDING, RADIUS) * (label === 1 ? Math.sign(x) : -Math.sign(x));
      return [x, y];
    }
    case 'blobs': {
      const angle = Math.PI / 2 + (label * 2 * Math.PI) / 3;
      return [
        BLOB_CENTRE_RADIUS * Math.cos(angle) + BLOB_STD * rng.normal(),
        BLOB_CENTRE_RADIUS * Math.sin(angle) + BLOB_STD * rng.normal(),
      ];
    }
  }
}

function generate(kind: SyntheticKind, n: number, noise: number, rng: Rng): { x: Float32Array; y: Uint8Array } {
  const numClasses = NUM_CLASSES[kind];
  const noiseStd = noise * NOISE_STD_AT_ONE[kind];
  const perClass = Math.ceil(n / numClasses);
  const x = new Float32Array(2 * n);
  const y = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const label = k % numClasses;
    const [px, py] = cleanPoint(kind, label, Math.floor(k / numClasses), perClass, rng);
    x[2 * k] = (px + noiseStd * rng.normal()) / RADIUS;
    x[2 * k + 1] = (py + noiseStd * rng.normal()) / RADIUS;
    y[k] = label;
  }
  return { x, y };
}

/** A seeded 2-D classification set: inputShape [2], 2 classes (3 for blobs). */
export function syntheticDataset(kind: SyntheticKind, opts: SyntheticOptions): Dataset {
  const { seed, noise, numTrain = 800, numTest = 400 } = opts;
  if (!SYNTHETIC_KINDS.includes(kind)) throw new Error(`unknown synthetic dataset ${JSON.stringify(kind)}`);
  if (!(noise >= 0 && noise <= 1)) throw new RangeError(`noise must be in [0, 1], got ${noise}`);
  for (const [what, n] of [['numTrain', numTrain], ['numTest', numTest]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
  }
  const train = generate(kind, numTrain, noise, createRng(seed, 'data:' + kind));
  const test = generate(kind, numTest, noise, createRng(seed, 'data-test:' + kind));
  return {
    name: kind,
    inputShape: [2],
    numClasses: NUM_CLASSES[kind],
    trainX: train.x,
    trainY: train.y,
    testX: test.x,
    testY: test.y,
    numTrain,
    numTest,
  };
}
