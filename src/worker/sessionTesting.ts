import { parseConfig, type ExperimentConfig } from '../config/schema';

/**
 * What the session tests share: the small networks they train on the cpu backend, and a poll for a condition. A CI
 * machine may be several times slower than this one and busy: conditions are polled, never slept for.
 */

/** A 2-D MLP that builds and probes in milliseconds. */
export const XOR_CONFIG = parseConfig({
  dataset: { name: 'xor', noise: 0.1 },
  model: { kind: 'mlp', depth: 2, width: 8 },
  activation: 'tanh',
  optimizer: { kind: 'sgd', learningRate: 0.1 },
  batchSize: 16,
  probe: { interval: 5, batchSize: 32, bins: 16, range: 8 },
});

/** The smallest MNIST network: another kind of network (digits) than the xor MLP (2-D points). */
export const DIGITS_CONFIG = parseConfig({
  dataset: { name: 'mnist', noise: 0 },
  model: { kind: 'mlp', depth: 1, width: 8 },
  arms: [{ norm: 'none' }],
  probe: { interval: 50, batchSize: 16, bins: 8, range: 8 },
});

export const withLr = (c: ExperimentConfig, learningRate: number): ExperimentConfig => parseConfig({ ...c, optimizer: { ...c.optimizer, learningRate } });

/** How long a poll waits before it fails: a hang-catcher, not a speed test. */
export const WAIT_MS = 60_000;

/** Resolves once `pred` holds, checking every 5 ms; throws naming `what` after `WAIT_MS`. */
export async function pollUntil(pred: () => boolean, what = 'a condition'): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > WAIT_MS) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
