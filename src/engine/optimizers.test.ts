import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Tensor } from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { parseConfig } from '../config/schema';
import { createOptimizer } from './optimizers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Float64 references of the three update rules, written from their papers' equations. */
function reference(kind: 'sgd' | 'momentum' | 'adam', grads: number[][], lr: number, mu = 0.9, b1 = 0.9, b2 = 0.999): number[] {
  let theta = [1, -2];
  let v = [0, 0];
  let m = [0, 0];
  grads.forEach((g, t) => {
    if (kind === 'sgd') theta = theta.map((p, i) => p - lr * g[i]!);
    if (kind === 'momentum') {
      v = v.map((vi, i) => mu * vi + g[i]!);
      theta = theta.map((p, i) => p - lr * v[i]!);
    }
    if (kind === 'adam') {
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! ** 2);
      theta = theta.map((p, i) => p - (lr * (m[i]! / (1 - b1 ** (t + 1)))) / (Math.sqrt(v[i]! / (1 - b2 ** (t + 1))) + 1e-8));
    }
  });
  return theta;
}

describe.each(['sgd', 'momentum', 'adam'] as const)('%s', (kind) => {
  it('matches the float64 update rule over five steps', () => {
    const cfg = parseConfig({ optimizer: { kind, learningRate: 0.1 } }).optimizer;
    const opt = createOptimizer(cfg);
    const grads = [[0.5, -1], [0.2, 0.3], [-0.4, 0.1], [1, 1], [0.05, -0.2]];
    let params: Tensor[] = [tf.tensor1d([1, -2])];
    let state = opt.init(params);
    grads.forEach((g, t) => {
      const next = opt.step(params, [tf.tensor1d(g)], state, t, 0.1);
      params = next.params;
      state = next.state;
    });
    const got = params[0]!.dataSync();
    const want = reference(kind, grads, 0.1);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
  });
});
