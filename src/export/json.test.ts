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

  it('gives each layer its drift in both batch-norm modes: net changes from the first probe, not path lengths', () => {
    const arms = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }], [4]);
    for (const arm of arms) {
      arm.steps.push(0, 50, 100);
      const l = arm.layers[0]!;
      l.percentiles.p15.push(-1, -2, -1.5);
      l.percentiles.p50.push(0, -0.75, -0.25);
      l.percentiles.p85.push(1, 0.5, 1.5);
    }
    const inf = arms[1]!.layers[0]!.inference!;
    inf.percentiles.p15.push(-0.5, -1, -1);
    inf.percentiles.p50.push(0, 0.5, 0.25);
    inf.percentiles.p85.push(0.5, 1, 1.5);
    const parsed = JSON.parse(
      experimentJson({ tool: 'batchnorm-explorer lab', preset: 'ioffe-mnist', config: presetConfig('ioffe-mnist'), backend: null, steps: 100, seconds: 1, stepsPerSecond: 100, arms }),
    ) as { arms: { layers: { inference: unknown; drift: Record<string, unknown> }[] }[] };
    const [plain, bn] = parsed.arms.map((a) => a.layers[0]!);
    expect(plain!.inference).toBeNull();
    expect(plain!.drift).toEqual({
      train: { fromStep: 0, toStep: 100, medianShift: -0.25, widthChange: 1 },
      inference: { fromStep: 0, toStep: 100, medianShift: -0.25, widthChange: 1 },
    });
    expect(bn!.drift.inference).toEqual({ fromStep: 0, toStep: 100, medianShift: 0.25, widthChange: 1.5 });
  });
});
