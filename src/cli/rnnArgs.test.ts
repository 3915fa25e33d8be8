import { describe, expect, it } from 'vitest';
import { parseRnnArgs } from './rnnArgs';
import { rnnSummaryTable, reportSteps, rowRange, createRnnHistory, appendRnnProbe } from '../engine/rnn/history';

const problems = (argv: string[]) => {
  const r = parseRnnArgs(argv);
  return r.ok ? [] : r.problems;
};

describe('parseRnnArgs', () => {
  it('reads the flags into the schema’s configuration', () => {
    const r = parseRnnArgs(['--steps', '200', '--seed', '3', '--out', 'a/b.json', '--batch-size=4', '--lr', '1e-3', '--backend', 'cpu', '--quiet']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.options).toMatchObject({ steps: 200, backend: 'cpu', out: 'a/b.json', quiet: true, mkdir: false });
    expect(r.options.config).toMatchObject({ seed: 3, batchSize: 4, learningRate: 1e-3, hidden: 64 });
  });

  it('defaults to 1000 steps on wasm, seed 1', () => {
    const r = parseRnnArgs([]);
    expect(r.ok && r.options).toMatchObject({ steps: 1000, backend: 'wasm', config: { seed: 1 } });
  });

  it('gives one line per problem, naming the flag', () => {
    expect(problems(['--bogus', '1'])).toEqual(['"--bogus": unknown flag (--help lists them)']);
    expect(problems(['--steps', '0'])).toEqual(['--steps: must be a whole number 1 … 100000; got "0"']);
    expect(problems(['--steps', '1e3'])).toHaveLength(1);
    expect(problems(['--seed', '2.5'])).toEqual(['--seed: must be a whole number in decimal digits; got "2.5"']);
    expect(problems(['--batch-size', '1'])).toEqual(['--batch-size: must be at least 2 (allowed 2 … 500)']);
    expect(problems(['--out', 'x.csv'])).toEqual(['--out: must end in .json; got "x.csv"']);
    expect(problems(['--seed'])).toEqual(['--seed: needs a value']);
    expect(problems(['--quiet=1'])).toEqual(['--quiet: takes no value']);
    expect(problems(['--lr', 'x', '--hidden', '1000'])).toHaveLength(2);
  });

  it('answers --help even beside a bad flag', () => {
    const r = parseRnnArgs(['--bogus', '--help']);
    expect(r.ok && r.options.help).toBe(true);
  });
});

describe('the summary table', () => {
  it('reports a quarter, half and all of the run, at probe steps', () => {
    expect(reportSteps(1000, 25)).toEqual([250, 500, 1000]);
    expect(reportSteps(600, 50)).toEqual([150, 300, 600]);
    expect(reportSteps(10, 25)).toEqual([10]);
  });

  it('finds the smallest and largest per-row value from a row on', () => {
    expect(rowRange([0, 5, 1, 3], 1)).toEqual({ min: 1, max: 5, minRow: 2, maxRow: 1 });
  });

  it('puts one row per arm with the accuracies along the run', () => {
    const h = createRnnHistory(['none', 'layer']);
    const arm = (acc: number) => ({ trainLoss: 1, testLoss: 1.25, testAccuracy: acc, preMean: [0, 0, 0], preStd: [0, 0.5, 1], inMean: [0, 0, 0], inStd: [0, 1, 1] });
    appendRnnProbe(h, { step: 0, arms: [{ norm: 'none', ...arm(0.1) }, { norm: 'layer', ...arm(0.1) }] });
    appendRnnProbe(h, { step: 50, arms: [{ norm: 'none', ...arm(0.5) }, { norm: 'layer', ...arm(0.6) }] });
    const table = rnnSummaryTable(h, 50, 50).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| no norm +\| +50\.0% \| +1\.000 \| +1\.250 \| +\+0\.250 \| +0\.50 … 1\.00 \|$/);
    expect(table[3]).toContain('60.0%');
  });
});
