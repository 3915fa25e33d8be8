import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from './args';
import { ConfigError } from '../config/schema';

const noFile = () => {
  throw new Error('no file');
};

describe('experiment flags', () => {
  it('applies --set overrides on top of the preset and validates the result', () => {
    const o = parseArgs(['--preset', 'ioffe-mnist', '--steps', '10', '--set', 'optimizer.learningRate=0.05', '--set', 'seed=7'], noFile);
    expect(o.steps).toBe(10);
    expect(o.config.optimizer.learningRate).toBe(0.05);
    expect(o.config.seed).toBe(7);
    expect(o.config.batchSize).toBe(60);
  });

  it('rejects bad values with the field and its range', () => {
    const problems = (argv: string[]) => {
      try {
        parseArgs(argv, noFile);
      } catch (e) {
        if (e instanceof ConfigError) return e.problems.join('\n');
      }
      return '';
    };
    expect(problems(['--steps', '0'])).toContain('--steps: must be at least 1 (allowed 1 … 1000000)');
    expect(problems(['--backend', 'gpu'])).toContain('--backend: must be one of "cpu", "wasm"');
    expect(problems(['--set', 'batchSize=5000'])).toContain('batchSize: must be at most 1000 (allowed 2 … 1000)');
    expect(problems(['--wat'])).toContain('--wat: unknown flag');
  });
});

// The built CLI, end to end: exit codes, progress on stderr, the JSON and CSV it writes.
describe('npm run experiment (bundled CLI)', () => {
  const cli = path.resolve('dist-cli/experiment.mjs');
  beforeAll(() => {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn'], { stdio: 'pipe' });
  });

  it('exits 2 and names the field for a bad value', () => {
    const r = spawnSync('node', [cli, '--steps', '0'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--steps: must be at least 1 (allowed 1 … 1000000)');
  });

  it('writes the histories under the documented names, as JSON and as CSV', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-'));
    const json = path.join(dir, 'run.json');
    const r = spawnSync('node', [cli, '--preset', 'spirals', '--steps', '40', '--backend', 'cpu', '--out', json], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('step 40/40');
    expect(r.stdout).toContain('| plain');
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      config: { seed: number };
      arms: { name: string; steps: number[]; trainLoss: number[]; testLoss: number[]; testAccuracy: number[]; layers: { percentiles: Record<string, number[]>; ics: { l2: number[]; cos: number[] } }[] }[];
    };
    expect(out.config.seed).toBe(1);
    expect(out.arms.map((a) => a.name)).toEqual(['plain', 'BN']);
    for (const arm of out.arms) {
      expect(arm.steps).toEqual([0, 20, 40]);
      for (const key of ['trainLoss', 'testLoss', 'testAccuracy'] as const) expect(arm[key]).toHaveLength(3);
      expect(Object.keys(arm.layers[0]!.percentiles)).toEqual(['p5', 'p15', 'p50', 'p85', 'p95']);
      expect(arm.layers[3]!.ics.l2).toHaveLength(3);
    }
    const csv = path.join(dir, 'run.csv');
    expect(spawnSync('node', [cli, '--preset', 'spirals', '--steps', '20', '--backend', 'cpu', '--out', csv, '--quiet']).status).toBe(0);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('arm,step,trainLoss,testLoss,testAccuracy,layer,p5,p15,p50,p85,p95,mean,std,inputMean,inputVariance,gradNorm,icsL2,icsCos');
    // 2 arms × 2 probes (steps 0 and 20) × 4 hidden layers.
    expect(lines).toHaveLength(1 + 2 * 2 * 4);
  });
});
