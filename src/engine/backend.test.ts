import { describe, expect, it } from 'vitest';
import { chooseBackend, hasWebGL2 } from './backend';
import { tf } from './tf';

describe('choosing a backend by name (the CLI) or the first that starts', () => {
  it('honours a backend asked for by name', async () => {
    expect(await chooseBackend('cpu', { candidates: ['wasm', 'cpu'] })).toEqual({ name: 'cpu', reason: 'cpu requested' });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('falls back, saying so, when the one asked for cannot start', async () => {
    // Node has no WebGL context.
    expect(hasWebGL2()).toBe(false);
    expect(await chooseBackend('webgl', { candidates: ['wasm', 'cpu'] })).toEqual({ name: 'wasm', reason: 'webgl requested but unavailable here; fell back to wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('“auto” takes the first candidate that starts, without timing any, and skips WebGL without WebGL2', async () => {
    expect(await chooseBackend('auto')).toEqual({ name: 'wasm', reason: 'wasm (no WebGL2)' });
    expect(await chooseBackend('auto', { candidates: ['cpu', 'wasm'] })).toEqual({ name: 'cpu', reason: 'cpu (first available)' });
  });
});
