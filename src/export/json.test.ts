import { describe, expect, it } from 'vitest';
import { presetConfig } from '../config/presets';
import { createHistory } from '../engine/history';
import { exportFileName, slug } from './fileNames';
import { experimentJson, toJson } from './json';

describe('file names', () => {
  it('are lower-case, hyphenated and carry the step', () => {
    expect(exportFileName('Convergence', 'svg', 500)).toBe('batchnorm-explorer_convergence_step-500.svg');
    expect(exportFileName('Activation distributions', 'png', 0)).toBe('batchnorm-explorer_activation-distributions_step-0.png');
    expect(exportFileName('config', 'json')).toBe('batchnorm-explorer_config.json');
    expect(slug('Inside batch norm — ε & γ')).toBe('inside-batch-norm');
  });
});

describe('the histories as JSON', () => {
  it('has the CLI’s keys in the CLI’s order, null for non-finite numbers, arrays for typed arrays', () => {
    expect(toJson({ a: NaN, b: Infinity, c: new Float32Array([1, 2]), d: 1.5 })).toBe('{\n  "a": null,\n  "b": null,\n  "c": [\n    1,\n    2\n  ],\n  "d": 1.5\n}');
    const arms = createHistory([{ name: 'plain', norm: 'none' }], [100]);
    arms[0]!.steps.push(0);
    arms[0]!.testAccuracy.push(NaN);
    const parsed = JSON.parse(
      experimentJson({ tool: 'batchnorm-explorer lab', preset: 'ioffe-mnist', config: presetConfig('ioffe-mnist'), backend: { name: 'wasm', reason: 'r' }, steps: 10, seconds: NaN, stepsPerSecond: NaN, arms }),
    ) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['tool', 'preset', 'config', 'backend', 'steps', 'seconds', 'stepsPerSecond', 'arms']);
    expect(parsed.seconds).toBeNull();
    expect((parsed.arms as { testAccuracy: unknown[] }[])[0]!.testAccuracy).toEqual([null]);
  });
});
