import { describe, expect, it } from 'vitest';
import { DEFAULT_GAN_CONFIG } from '../engine/gan/gan';
import { parseGanArgs } from './ganArgs';
import { tableRows } from './ganReport';

describe('parseGanArgs', () => {
  it('reads the flags and --set fields into a checked configuration', () => {
    const r = parseGanArgs(['--steps', '400', '--seed', '3', '--every', '50', '--backend', 'cpu', '--set', 'learningRate=2e-3', '--out', 'x.json', '--quiet']);
    expect(r).toMatchObject({ ok: true, help: false, options: { steps: 400, every: 50, backend: 'cpu', out: 'x.json', quiet: true, mkdir: false } });
    if (!r.ok) return;
    expect(r.options.config).toEqual({ ...DEFAULT_GAN_CONFIG, seed: 3, learningRate: 0.002 });
    expect(r.options.overrides).toEqual([{ path: 'learningRate', value: 0.002 }]);
  });

  it('defaults to 3000 steps, seed 1, wasm', () => {
    expect(parseGanArgs([])).toMatchObject({ ok: true, options: { steps: 3000, every: 250, backend: 'wasm', config: DEFAULT_GAN_CONFIG } });
  });

  it('names every problem, one line each', () => {
    const r = parseGanArgs(['--steps', '1e3', '--seed', '0', '--bogus', '--set', 'seed=4', '--set', 'hiden=3', '--set', 'std=x', '--set', 'batchSize=1', '--out', 'a.csv', '--every']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      '--steps: must be a whole number in decimal digits, 1 … 1000000; got "1e3"',
      '--seed: must be a whole number in decimal digits, 1 … 2147483647; got "0"',
      '"--bogus": unknown flag (--help lists them)',
      expect.stringMatching(/^--set "seed=4": unknown field "seed" \(use --seed\)$/),
      expect.stringMatching(/^--set "hiden=3": unknown field "hiden" \(the fields are modes, .*hidden/),
      '--set "std=x": the value must be a number',
      '--out: must end in .json; got "a.csv"',
      '--every: needs a value',
      expect.stringMatching(/^batchSize: must be at least 2/),
    ]);
  });

  it('takes --help anywhere a flag goes', () => {
    expect(parseGanArgs(['--steps', '5', '-h'])).toMatchObject({ ok: true, help: true });
  });
});

describe('tableRows', () => {
  it('shows every trained probe up to 8, else 8 evenly spaced ending with the last', () => {
    expect(tableRows(1)).toEqual([]);
    expect(tableRows(4)).toEqual([1, 2, 3]);
    expect(tableRows(17)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    expect(tableRows(41)).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
  });
});
