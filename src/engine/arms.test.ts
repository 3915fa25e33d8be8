import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import type { ExperimentConfigInput } from '../config/schema';
import { armName, parseConfig } from '../config/schema';
import type { LockstepTrainer } from './trainer';
import { trainerFixture } from './testing/fixtures';

const base: ExperimentConfigInput = {
  seed: 2,
  dataset: { name: 'xor', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 6 },
  init: { scheme: 'gaussian', scale: 0.1 },
  optimizer: { kind: 'sgd', learningRate: 0.1 },
  batchSize: 8,
  probe: { interval: 5, batchSize: 32, bins: 8, range: 4 },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});
const fixture = trainerFixture();
const trainer = (arms: ExperimentConfigInput['arms']) => fixture.trainer({ ...base, arms });

const weightsOf = (t: LockstepTrainer, arm: number) =>
  t.arms[arm]!.params.filter((_, i) => t.arms[arm]!.layout[i]!.role === 'weight').flatMap((p) => Array.from(p.dataSync()));

describe('per-arm settings', () => {
  it('an arm with its own initial scale starts from the same draws, scaled', async () => {
    const t = await trainer([{ norm: 'batch' }, { norm: 'batch', initScale: 0.5 }]);
    const a = weightsOf(t, 0);
    const b = weightsOf(t, 1);
    expect(a.length).toBe(b.length);
    a.forEach((v, i) => expect(b[i]!).toBeCloseTo(5 * v, 6));
  });

  it('an arm with its own placement puts its normalization after the nonlinearity, keeping its bias', async () => {
    const t = await trainer([{ norm: 'batch' }, { norm: 'batch', placement: 'after' }]);
    expect(t.arms.map((a) => a.spec.placement)).toEqual(['before', 'after']);
    // Batch norm right before the nonlinearity makes a bias redundant; after it, the bias stays.
    expect(t.arms[0]!.layout.some((p) => p.role === 'bias' && p.layer === 0)).toBe(false);
    expect(t.arms[1]!.layout.some((p) => p.role === 'bias' && p.layer === 0)).toBe(true);
  });

  it('names say what makes an arm differ', () => {
    const config = parseConfig({ ...base, arms: [{ norm: 'batch', initScale: 0.5 }, { norm: 'batch', placement: 'after', learningRate: 1 }] });
    expect(config.arms.map((a) => armName(a, config))).toEqual(['BN std 0.5', 'BN after lr 1']);
  });
});
