import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import { batchNorm } from './batch';
import { groupNorm } from './group';
import { layerNorm } from './layer';
import { normReference, relativeError } from '../testing/reference';
import { groupStatisticOf, runNorm } from '../testing/normChecks';

/**
 * Batch, layer, group and instance norm against PyTorch in float64 (`scripts/norm-fixtures.py` made the fixtures:
 * float32 inputs, then y and the gradients of Σ y·dy by PyTorch's autograd). Among them, inputs of 1e4 + 1e-3·randn,
 * where moments taken from x directly lose the spread in float32; standardize's x − x₀ shift keeps 1e-5 there.
 */
interface TorchCase {
  name: string;
  kind: 'batch' | 'layer' | 'group' | 'instance';
  shape: number[];
  groups: number | null;
  epsilon: number;
  largeOffset: boolean;
  x: number[];
  gamma: number[];
  beta: number[];
  dy: number[];
  y: number[];
  dx: number[];
  dGamma: number[];
  dBeta: number[];
}

const fixtures = JSON.parse(fs.readFileSync(new URL('./fixtures/torch-norms.json', import.meta.url), 'utf8')) as { cases: TorchCase[] };

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Norm = (x: Tensor, gamma: Tensor, beta: Tensor) => Tensor;

/** The engine's functions that compute a case: layer norm both as itself and as group norm with one group. */
function enginesFor(c: TorchCase): [string, Norm][] {
  const epsilon = c.epsilon;
  switch (c.kind) {
    case 'batch':
      return [['batchNorm', (x, g, b) => batchNorm(x, g, b, { epsilon })]];
    case 'layer':
      return [
        ['layerNorm', (x, g, b) => layerNorm(x, g, b, { epsilon })],
        ['groupNorm, 1 group', (x, g, b) => groupNorm(x, g, b, { groups: 1, epsilon })],
      ];
    case 'group':
    case 'instance':
      return [[`groupNorm, ${c.groups} groups`, (x, g, b) => groupNorm(x, g, b, { groups: c.groups!, epsilon })]];
  }
}

/** Each element's statistic set, for the JavaScript float64 reference. */
function statisticOf(c: TorchCase): { groupOf: (i: number) => number; numGroups: number } {
  const channels = c.shape[c.shape.length - 1]!;
  if (c.kind === 'batch') return { groupOf: (i) => i % channels, numGroups: channels };
  // Layer norm's set is the whole example: group norm's with one group.
  const groups = c.kind === 'layer' ? 1 : c.groups!;
  return { groupOf: groupStatisticOf(c.shape, groups), numGroups: c.shape[0]! * groups };
}

// One feature per group on a dense layer: every statistic sees one value, so x̂ = 0, y = β and ∂ℓ/∂x = 0
// exactly; PyTorch's float64 ∂ℓ/∂x there is rounding noise (~1e-14), and a relative error against it means nothing.
const isDegenerate = (c: TorchCase) => c.kind === 'group' && c.shape.length === 2 && c.groups === c.shape[1];

describe.each(fixtures.cases.map((c) => [c.name, c] as const))('%s against PyTorch float64', (_name, c) => {
  // 1e-8, not float64's 1e-16: near 1e4 a float64 is spaced 2e-12 apart, 2e-9 of a spread of 1e-3, and the
  // JavaScript reference takes its moments directly. Still a thousand times finer than the engine's bound.
  it('the JavaScript float64 reference agrees with PyTorch’s to 1e-8', () => {
    const { groupOf, numGroups } = statisticOf(c);
    // The fixture stores each float32 input as its shortest decimal: Float32Array gives back the value PyTorch used.
    const [x, gamma, beta, dy] = [c.x, c.gamma, c.beta, c.dy].map((a) => Float32Array.from(a)) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const ref = normReference(x, gamma, beta, dy, groupOf, numGroups, (i) => i % gamma.length, c.epsilon);
    expect(relativeError(ref.y, c.y)).toBeLessThan(1e-8);
    expect(relativeError(ref.dGamma, c.dGamma)).toBeLessThan(1e-8);
    expect(relativeError(ref.dBeta, c.dBeta)).toBeLessThan(1e-8);
    if (isDegenerate(c)) for (const v of ref.dx) expect(v).toBe(0);
    else expect(relativeError(ref.dx, c.dx)).toBeLessThan(1e-8);
  });

  it.each(enginesFor(c))('%s: y, ∂ℓ/∂x, ∂ℓ/∂γ and ∂ℓ/∂β within 1e-5 (relative)', (_engine, norm) => {
    const out = runNorm(norm, c.shape, c.x, c.gamma, c.beta, c.dy);
    expect(relativeError(out.y, c.y)).toBeLessThan(1e-5);
    expect(relativeError(out.dGamma, c.dGamma)).toBeLessThan(1e-5);
    expect(relativeError(out.dBeta, c.dBeta)).toBeLessThan(1e-5);
    if (isDegenerate(c)) for (const v of out.dx) expect(v).toBe(0);
    else expect(relativeError(out.dx, c.dx)).toBeLessThan(1e-5);
  });
});

describe('the fixtures', () => {
  it('cover 2-D and 4-D inputs of every kind, each with a large offset, and groups of one channel', () => {
    for (const kind of ['batch', 'layer', 'group', 'instance'] as const) {
      const ofKind = fixtures.cases.filter((c) => c.kind === kind);
      if (kind !== 'instance') expect(new Set(ofKind.map((c) => c.shape.length))).toEqual(new Set([2, 4]));
      expect(ofKind.some((c) => c.largeOffset)).toBe(true);
    }
    expect(fixtures.cases.some(isDegenerate)).toBe(true);
  });
});
