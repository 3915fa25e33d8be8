import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../engine/csv';
import { formatCell, meanAndSpread, sweepUsage } from './sweepPlan';

/**
 * The built sweep, end to end: it forks itself, so only the bundle can be tested this way. Built into a folder of its
 * own (a sibling of dist-cli, so the bundle finds node_modules and public/data the same way), so that this file and
 * experiment.test.ts, which rebuilds dist-cli, never write the same files at once.
 */
const outDir = path.resolve('dist-cli-sweep-test');
const cli = path.join(outDir, 'sweep.mjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-sweep-'));

beforeAll(() => {
  execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'pipe' });
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outDir, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a bundle to its end. Asynchronous, so that the test's worker is not blocked; the timeout catches a hang, not
 * slowness: the real sweeps below take seconds on a quiet machine.
 */
function run(file: string, args: string[], timeoutMs = 480_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const p = spawn('node', [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      p.kill();
      reject(new Error(`timed out: node ${file} ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

interface SweepFile {
  tool: string;
  preset: string;
  steps: number;
  seeds: number[];
  backend: { name: string };
  grid: { key: string; values: unknown[] }[];
  runs: (Record<string, unknown> & {
    run: number;
    settings: Record<string, unknown>;
    seed: number;
    finalTrainLoss: number;
    finalTestLoss: number;
    finalTestAccuracy: number;
    meanTestAccuracy: number;
    seconds: number;
    config: { batchSize: number; arms: unknown[]; seed: number };
  })[];
}

describe('npm run sweep (bundled CLI)', () => {
  it('prints the usage with status 0, and refuses usage errors in one line each with status 2 before any run', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run(cli, ['--vary', 'batchSize=2', flag]);
      expect(r.status, flag).toBe(0);
      expect(r.stdout).toBe(`${sweepUsage(os.availableParallelism())}\n`);
      expect(r.stderr).toBe('');
    }
    const refused = async (args: string[], lines: string[]) => {
      const r = await run(cli, args, 60_000);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toEqual(lines.map((l) => `sweep: ${l}`));
      expect(r.stdout).toBe('');
    };
    await refused(['--preset', 'spirals', '--vary', 'batchSize=8,900', '--vary', 'norm=batch,layer', '--steps', '1000000'], [
      'batchSize=900: batchSize: a batch can hold at most the 800 training examples of "spirals"',
    ]);
    await refused(['--vary', 'norm=batch,bn', '--jobs', 'two'], [
      '--vary norm: "bn" is not a normalization; use none, batch, layer, group',
      '--jobs: must be a whole number in decimal digits, 1 … 64; got "two"',
    ]);
    const missing = path.join(dir, 'no', 'such', 'sweep.json');
    await refused(['--vary', 'batchSize=8', '--steps', '1000000', '--out', missing], [`--out "${missing}": the directory ${path.dirname(missing)} does not exist (add --mkdir to create it)`]);
  });

  it('trains a 2 × 2 grid over two seeds; --jobs 1 and --jobs 2 give the same rows, and each run is the experiment runner’s', async () => {
    const args = ['--preset', 'spirals', '--vary', 'batchSize=8,32', '--vary', 'norm=batch,layer', '--seeds', '1,2', '--steps', '30', '--backend', 'wasm'];
    const one = path.join(dir, 'one.json');
    const two = path.join(dir, 'two.csv');
    const r1 = await run(cli, [...args, '--jobs', '1', '--out', one]);
    const r2 = await run(cli, [...args, '--jobs', '2', '--out', two]);
    for (const r of [r1, r2]) expect(r.status, r.stderr).toBe(0);

    // Progress: one line per run on stderr, in the user's words.
    expect(r1.stderr).toMatch(/^run 1\/8: batchSize=8 norm=batch seed=1: test acc \d+\.\d%, mean \d+\.\d%, [\d.]+ s \(1 of 8 done\)$/m);
    expect(r2.stderr.match(/^run \d\/8: /gm)).toHaveLength(8);

    const a = JSON.parse(fs.readFileSync(one, 'utf8')) as SweepFile;
    expect([a.tool, a.preset, a.steps, a.seeds, a.backend.name]).toEqual(['batchnorm-explorer sweep', 'spirals', 30, [1, 2], 'wasm']);
    expect(a.grid).toEqual([
      { key: 'batchSize', values: [8, 32] },
      { key: 'norm', values: ['batch', 'layer'] },
    ]);
    expect(a.runs.map((r) => [r.run, r.settings, r.seed])).toEqual([
      [1, { batchSize: 8, norm: 'batch' }, 1],
      [2, { batchSize: 8, norm: 'batch' }, 2],
      [3, { batchSize: 8, norm: 'layer' }, 1],
      [4, { batchSize: 8, norm: 'layer' }, 2],
      [5, { batchSize: 32, norm: 'batch' }, 1],
      [6, { batchSize: 32, norm: 'batch' }, 2],
      [7, { batchSize: 32, norm: 'layer' }, 1],
      [8, { batchSize: 32, norm: 'layer' }, 2],
    ]);
    for (const r of a.runs) {
      expect(r.steps).toBe(30);
      expect(r.divergedAt).toBeNull();
      for (const k of ['finalTrainLoss', 'finalTestLoss', 'finalTestAccuracy', 'meanTestAccuracy', 'seconds']) expect(Number.isFinite(r[k]), k).toBe(true);
      expect([r.config.batchSize, r.config.arms, r.config.seed]).toEqual([r.settings.batchSize, [{ norm: r.settings.norm }], r.seed]);
    }
    // The seeds are different runs, not copies.
    expect(a.runs[0]!.finalTrainLoss).not.toBe(a.runs[1]!.finalTrainLoss);

    // Identical whatever --jobs is, apart from the machine's timings: --jobs 2 wrote CSV, whose numbers are written
    // in full (String of a double reads back to the same double), every field of a row but the configuration.
    const csv = parseCsv(fs.readFileSync(two, 'utf8'));
    expect(csv[0]).toEqual(['run', 'batchSize', 'norm', 'seed', 'finalTrainLoss', 'finalTestLoss', 'finalTestAccuracy', 'meanTestAccuracy', 'divergedAt', 'steps', 'seconds']);
    const fromCsv = csv.slice(1).map((r) => [Number(r[0]), Number(r[1]), r[2], Number(r[3]), ...r.slice(4, 8).map(Number), r[8] === '' ? null : Number(r[8]), Number(r[9])]);
    expect(fromCsv).toEqual(
      a.runs.map((r) => [r.run, r.settings.batchSize, r.settings.norm, r.seed, r.finalTrainLoss, r.finalTestLoss, r.finalTestAccuracy, r.meanTestAccuracy, r.divergedAt, r.steps]),
    );
    expect(r2.stdout).toBe(r1.stdout);

    // The table: rows batch sizes, columns normalizations, the mean ± sd of the two seeds' final test accuracy.
    const table = r1.stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^\| batchSize \\ norm \| +batch \| +layer \|$/);
    const cell = (i: number, j: number) => {
      const accs = a.runs.slice(4 * i + 2 * j, 4 * i + 2 * j + 2).map((r) => r.finalTestAccuracy);
      expect(accs).toHaveLength(2);
      return formatCell({ ...meanAndSpread(accs), diverged: 0 }).replace(/[.]/g, '\\.');
    };
    expect(table[2]).toMatch(new RegExp(`^\\| 8 +\\| +${cell(0, 0)} \\| +${cell(0, 1)} \\|$`));
    expect(table[3]).toMatch(new RegExp(`^\\| 32 +\\| +${cell(1, 0)} \\| +${cell(1, 1)} \\|$`));
    expect(table[4]).toBe('final test accuracy (%) after 30 steps, mean ± standard deviation (n − 1) over seeds 1, 2');

    // Run 7 (batch 32, layer norm, seed 1) is the same run as the experiment runner's with those settings.
    const single = path.join(dir, 'single.json');
    const e = await run(path.join(outDir, 'experiment.mjs'), ['--preset', 'spirals', '--set', 'batchSize=32', '--set', 'arms=[{"norm":"layer"}]', '--steps', '30', '--quiet', '--out', single]);
    expect(e.status, e.stderr).toBe(0);
    const arm = (JSON.parse(fs.readFileSync(single, 'utf8')) as { arms: { testAccuracy: number[]; testLoss: number[]; trainLoss: number[] }[] }).arms[0]!;
    expect([arm.trainLoss.at(-1), arm.testLoss.at(-1), arm.testAccuracy.at(-1)]).toEqual([a.runs[6]!.finalTrainLoss, a.runs[6]!.finalTestLoss, a.runs[6]!.finalTestAccuracy]);
  });
});
