import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { trySetBackend } from './backend';
import { TIMING_ROUNDS, timeBackends } from './backendTiming';
import { loadDataset } from './data/load';
import { tf } from './tf';

const config = parseConfig({ dataset: { name: 'xor', noise: 0.1 }, model: { kind: 'mlp', depth: 2, width: 8 }, batchSize: 16 });

describe('timing a training step on several backends (the background timing of WebGL, here wasm and cpu)', () => {
  it('gives each backend its milliseconds per step, and leaves the active backend and the tensors as they were', async () => {
    expect(await trySetBackend('wasm')).toBe(true);
    const dataset = await loadDataset(config, async () => new Uint8Array());
    const tensors = tf.memory().numTensors;
    let asked = 0;
    const times = await timeBackends(config, dataset, ['wasm', 'cpu'], {
      interrupted: async () => {
        asked++;
        return false;
      },
    });
    expect([...times!.keys()]).toEqual(['wasm', 'cpu']);
    for (const ms of times!.values()) expect(ms).toBeGreaterThan(0);
    // Asked before each backend's warm-up and before each timed round of each backend.
    expect(asked).toBe(2 + 2 * TIMING_ROUNDS);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('stops when interrupted, freeing what it built', async () => {
    expect(await trySetBackend('wasm')).toBe(true);
    const dataset = await loadDataset(config, async () => new Uint8Array());
    const tensors = tf.memory().numTensors;
    let asked = 0;
    // Interrupted in the middle of the timed rounds, with both copies of the run built.
    const times = await timeBackends(config, dataset, ['wasm', 'cpu'], { interrupted: async () => ++asked > 3 });
    expect(times).toBeNull();
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('a backend that cannot start here has no time; the others are timed', async () => {
    expect(await trySetBackend('wasm')).toBe(true);
    const dataset = await loadDataset(config, async () => new Uint8Array());
    // Node has no WebGL context: tfjs-backend-webgl registers but does not start.
    const times = await timeBackends(config, dataset, ['wasm', 'webgl']);
    expect(times!.get('webgl')).toBeNull();
    expect(times!.get('wasm')).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe('wasm');
  });
});
