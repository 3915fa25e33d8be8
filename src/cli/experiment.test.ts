import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpRequested, parseArgs, USAGE } from './args';
import { ConfigError } from '../config/schema';
import { parseCsv } from '../engine/csv';

const noFile = () => {
  throw new Error('no file');
};

/** The one-line problems parseArgs reports, or [] when it accepts the words. */
function problems(argv: string[], readJson: (file: string) => unknown = noFile): string[] {
  try {
    parseArgs(argv, readJson);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
}

describe('experiment flags', () => {
  it('applies --set overrides on top of the preset and validates the result', () => {
    const o = parseArgs(['--preset', 'ioffe-mnist', '--steps', '10', '--set', 'optimizer.learningRate=0.05', '--set', 'seed=7'], noFile);
    expect(o.steps).toBe(10);
    expect(o.config.optimizer.learningRate).toBe(0.05);
    expect(o.config.seed).toBe(7);
    expect(o.config.batchSize).toBe(60);
  });

  it('takes a group-norm arm and its number of groups, and names a count that does not divide the layers', () => {
    const o = parseArgs(['--preset', 'spirals', '--set', 'arms.1.norm=group', '--set', 'arms.1.groups=2'], noFile);
    expect(o.config.arms).toEqual([{ norm: 'none' }, { norm: 'group', groups: 2 }]);
    expect(parseArgs(['--set', 'arms=[{"norm":"group"}]'], noFile).config.arms).toEqual([{ norm: 'group' }]);
    expect(problems(['--preset', 'spirals', '--set', 'arms.1.norm=group', '--set', 'arms.1.groups=3'])).toEqual([
      "arms.1.groups: arm 2's 3 groups do not divide the 16 units of hidden layer 1; use one of 1, 2, 4, 8",
    ]);
  });

  it('rejects bad values with the field and its range', () => {
    const all = (argv: string[]) => problems(argv).join('\n');
    expect(all(['--steps', '0'])).toContain('--steps: must be at least 1 (allowed 1 … 1000000)');
    expect(all(['--backend', 'gpu'])).toContain('--backend: must be one of "cpu", "wasm"');
    expect(all(['--set', 'batchSize=5000'])).toContain('batchSize: must be at most 1000 (allowed 2 … 1000)');
    expect(all(['--wat'])).toContain('"--wat": unknown flag');
  });

  it('takes --steps only as plain decimal digits, naming the allowed range', () => {
    expect(parseArgs(['--steps', '250'], noFile).steps).toBe(250);
    for (const bad of ['0x2', '1e308', '1e3', '2.5', '', ' 7', '-3', '+5', 'Infinity', '99999999999999999999999']) {
      expect(problems(['--steps', bad]), bad).toEqual([`--steps: must be a whole number in decimal digits, 1 … 1000000; got ${JSON.stringify(bad)}`]);
    }
  });

  it('refuses __proto__, prototype and constructor in a --set path, and pollutes nothing', () => {
    for (const path of ['__proto__.polluted', 'constructor.prototype.polluted', 'prototype.polluted', 'arms.0.__proto__.polluted', 'optimizer.constructor']) {
      expect(problems(['--set', `${path}=1`]), path).toEqual([expect.stringMatching(/^--set ".+": "(__proto__|prototype|constructor)" is not allowed in a path$/)]);
    }
    // A JSON value may hold the key "__proto__": JSON.parse makes it an own field, which the strict schema names.
    expect(problems(['--set', 'optimizer={"__proto__":{"polluted":1}}'])).toEqual([expect.stringContaining('unknown field "optimizer.__proto__"')]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('names each unknown field, with the --set that wrote it and the field it was likely meant to be', () => {
    expect(problems(['--set', 'optimizr.learningRate=0.05', '--set', 'batchsize=7'])).toEqual([
      '--set "optimizr.learningRate=0.05": unknown field "optimizr" (did you mean "optimizer"?)',
      '--set "batchsize=7": unknown field "batchsize" (did you mean "batchSize"?)',
    ]);
    expect(problems(['--set', 'arms.1.lr=2'])).toEqual(['--set "arms.1.lr=2": unknown field "arms.1.lr" (arms.1 has label, norm, learningRate, initScale, placement, noise, groups)']);
    expect(problems(['--set', 'arms=[{"norm":"batch","momentum":0.1}]'])).toEqual([expect.stringMatching(/^--set "arms=.*": unknown field "arms\.0\.momentum"/)]);
  });

  it('names each unknown field of a --config file', () => {
    const config = { seed: 2, optimizer: { kind: 'sgd', learningrate: 0.1 }, colour: 'red' };
    expect(problems(['--config', 'run.json'], () => config)).toEqual([
      '--config "run.json": unknown field "optimizer.learningrate" (did you mean "optimizer.learningRate"?)',
      expect.stringMatching(/^--config "run\.json": unknown field "colour" \(the fields are version, seed, /),
    ]);
    expect(problems(['--config', 'list.json'], () => [1, 2])).toEqual(['--config "list.json": must hold a JSON object (a configuration), not a list']);
    // Whatever else the reader throws is reported against the file, on one line.
    expect(problems(['--config', 'x.json'], noFile)).toEqual(['--config "x.json": no file']);
  });

  it('reports bad JSON in --set, and a path through a value that is not a group, in one line each', () => {
    expect(problems(['--set', 'arms=[{norm:"batch"}]'])).toEqual([expect.stringMatching(/^--set "arms=\[\{norm:\\"batch\\"\}\]": the value is not valid JSON \(.+\)$/)]);
    expect(problems(['--set', 'seed.x=1'])).toEqual(['--set "seed.x=1": seed is a number, not a group of fields']);
    expect(problems(['--set', 'arms.5.norm=batch'])).toEqual(['--set "arms.5.norm=batch": arms is a list of 2; index it with 0 … 2 (2 adds one)']);
    expect(problems(['--set', 'seed'])).toEqual([expect.stringMatching(/expected path=value/)]);
  });

  it('says where the configuration came from: the preset, or the file (preset null), and the overrides', () => {
    const fromPreset = parseArgs(['--preset', 'spirals', '--set', 'seed=4'], noFile);
    expect([fromPreset.preset, fromPreset.source, fromPreset.overrides]).toEqual(['spirals', 'preset spirals', [{ path: 'seed', value: 4 }]]);
    const byDefault = parseArgs([], noFile);
    expect([byDefault.preset, byDefault.source, byDefault.overrides]).toEqual(['ioffe-mnist', 'preset ioffe-mnist', []]);
    const fromFile = parseArgs(['--config', 'cfg.json', '--set', 'optimizer.learningRate=0.1'], () => ({ seed: 9 }));
    expect([fromFile.preset, fromFile.source, fromFile.overrides]).toEqual([null, 'config cfg.json', [{ path: 'optimizer.learningRate', value: 0.1 }]]);
    expect(fromFile.config.seed).toBe(9);
    expect(problems(['--preset', 'spirals', '--config', 'cfg.json'], () => ({}))).toEqual([expect.stringMatching(/^--preset and --config: give one or the other/)]);
  });

  it('knows --help and -h where a flag stands, and --mkdir', () => {
    expect(helpRequested(['--help'])).toBe(true);
    expect(helpRequested(['--steps', '10', '-h'])).toBe(true);
    expect(helpRequested(['--set', '-h'])).toBe(false);
    expect(helpRequested(['--steps', '10'])).toBe(false);
    expect(parseArgs(['--out', 'x/run.json', '--mkdir'], noFile).mkdir).toBe(true);
    expect(USAGE).toMatch(/--mkdir/);
    expect(USAGE).toMatch(/-h, --help/);
  });
});

// The built CLI, end to end: exit codes, progress on stderr, the JSON and CSV it writes.
describe('npm run experiment (bundled CLI)', () => {
  const cli = path.resolve('dist-cli/experiment.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bnx-'));
  beforeAll(() => {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.cli.config.ts', '--logLevel', 'warn'], { stdio: 'pipe' });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // A safety net, not a speed requirement: every refusal below happens before the backend starts, in well under a
  // second; a hang (as --out under /proc once did) ends here as a failure instead of stalling the suite.
  const run = (args: string[]) => spawnSync('node', [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

  /** Exit 2, one line on stderr per problem, no stack trace, and training never started. */
  function expectRefused(r: ReturnType<typeof run>, lines: (string | RegExp)[]): void {
    expect(r.status, r.stderr).toBe(2);
    const got = r.stderr.trimEnd().split('\n');
    expect(got).toHaveLength(lines.length);
    lines.forEach((line, i) => (typeof line === 'string' ? expect(got[i]).toBe(`experiment: ${line}`) : expect(got[i]).toMatch(line)));
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toContain('backend:');
    expect(r.stdout).toBe('');
  }

  it('exits 2 and names the field for a bad value', () => {
    const r = run(['--steps', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--steps: must be at least 1 (allowed 1 … 1000000)');
  });

  it('prints the usage to stdout with status 0 for --help and -h', () => {
    for (const flag of ['--help', '-h']) {
      const r = run(['--steps', '5', flag]);
      expect(r.status, flag).toBe(0);
      expect(r.stdout).toBe(`${USAGE}\n`);
      expect(r.stderr).toBe('');
    }
  });

  it('refuses a polluting --set path and unknown fields in one line each, without a stack trace', () => {
    expectRefused(run(['--set', '__proto__.polluted=1']), ['--set "__proto__.polluted=1": "__proto__" is not allowed in a path']);
    expectRefused(run(['--set', 'optimizr.learningRate=0.05', '--set', 'batchsize=7']), [
      '--set "optimizr.learningRate=0.05": unknown field "optimizr" (did you mean "optimizer"?)',
      '--set "batchsize=7": unknown field "batchsize" (did you mean "batchSize"?)',
    ]);
    expectRefused(run(['--set', 'arms=[{norm:"batch"}]']), [/^experiment: --set ".*": the value is not valid JSON \(.+\)$/]);
    expectRefused(run(['--steps', '0x2']), ['--steps: must be a whole number in decimal digits, 1 … 1000000; got "0x2"']);
    expectRefused(run(['--steps', '1e308']), ['--steps: must be a whole number in decimal digits, 1 … 1000000; got "1e308"']);
  });

  it('refuses a missing, non-JSON or directory --config, or one with unknown fields, in one line and status 2', () => {
    const notJson = path.join(dir, 'not.json');
    fs.writeFileSync(notJson, 'seed: 3\n');
    const unknown = path.join(dir, 'unknown.json');
    fs.writeFileSync(unknown, JSON.stringify({ seed: 3, optimizer: { learningRat: 0.1 } }));
    expectRefused(run(['--config', path.join(dir, 'missing.json')]), [`--config "${path.join(dir, 'missing.json')}": no such file or directory`]);
    expectRefused(run(['--config', dir]), [`--config "${dir}": is a directory, not a JSON file`]);
    expectRefused(run(['--config', notJson]), [new RegExp(`^experiment: --config "${notJson}": is not valid JSON \\(.+\\)$`)]);
    expectRefused(run(['--config', unknown]), [`--config "${unknown}": unknown field "optimizer.learningRat" (did you mean "optimizer.learningRate"?)`]);
  });

  it('checks --out before training: a missing directory (not created), a directory, /proc', () => {
    const missing = path.join(dir, 'no', 'such', 'run.json');
    // A million steps: had it started training, this test would time out.
    expectRefused(run(['--steps', '1000000', '--out', missing]), [`--out "${missing}": the directory ${path.dirname(missing)} does not exist (add --mkdir to create it)`]);
    expect(fs.existsSync(path.join(dir, 'no'))).toBe(false);
    const taken = path.join(dir, 'taken.csv');
    fs.mkdirSync(taken);
    expectRefused(run(['--steps', '1000000', '--out', taken]), [`--out "${taken}": is a directory`]);
    if (fs.existsSync('/proc/self')) {
      expectRefused(run(['--steps', '1000000', '--out', '/proc/x.json']), ['--out "/proc/x.json": cannot write there: /proc takes no new files']);
      expectRefused(run(['--steps', '1000000', '--out', '/proc/x/run.json', '--mkdir']), [/^experiment: --out "\/proc\/x\/run\.json": cannot create the directory \/proc\/x: /]);
    }
  });

  it('writes the histories under the documented names, as JSON and as CSV', () => {
    const json = path.join(dir, 'run.json');
    const r = run(['--preset', 'spirals', '--steps', '40', '--backend', 'cpu', '--out', json]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('step 40/40');
    expect(r.stdout).toContain('| plain');
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      preset: string | null;
      source: string;
      overrides: unknown[];
      config: { seed: number };
      arms: {
        name: string;
        steps: number[];
        trainLoss: number[];
        testLoss: number[];
        testAccuracy: number[];
        layers: { percentiles: Record<string, number[]>; ics: { l2: number[]; cos: number[] }; inference: { percentiles: Record<string, number[]> } | null; drift: Record<string, { fromStep: number; toStep: number }> }[];
      }[];
    };
    expect([out.preset, out.source, out.overrides]).toEqual(['spirals', 'preset spirals', []]);
    expect(out.config.seed).toBe(1);
    expect(out.arms.map((a) => a.name)).toEqual(['plain', 'BN']);
    for (const arm of out.arms) {
      expect(arm.steps).toEqual([0, 20, 40]);
      for (const key of ['trainLoss', 'testLoss', 'testAccuracy'] as const) expect(arm[key]).toHaveLength(3);
      expect(Object.keys(arm.layers[0]!.percentiles)).toEqual(['p5', 'p15', 'p50', 'p85', 'p95']);
      expect(arm.layers[3]!.ics.l2).toHaveLength(3);
      // Batch norm's inference-mode percentiles; null for the plain arm, whose two modes are one computation.
      expect(arm.layers[0]!.inference === null).toBe(arm.name === 'plain');
      if (arm.layers[0]!.inference) expect(arm.layers[0]!.inference.percentiles.p50).toHaveLength(3);
      expect(arm.layers[0]!.drift.inference).toMatchObject({ fromStep: 0, toStep: 40 });
    }
    expect(r.stdout).toContain('median shift (train · inference)');
    const csv = path.join(dir, 'run.csv');
    expect(run(['--preset', 'spirals', '--steps', '20', '--backend', 'cpu', '--out', csv, '--quiet']).status).toBe(0);
    const text = fs.readFileSync(csv, 'utf8');
    const lines = text.split('\r\n');
    expect(lines[0]).toBe(
      'arm,step,trainLoss,testLoss,testAccuracy,layer,p5,p15,p50,p85,p95,mean,std,inputMean,inputVariance,gradNorm,icsL2,icsCos,' +
        'inferenceP5,inferenceP15,inferenceP50,inferenceP85,inferenceP95,inferenceMean,inferenceStd',
    );
    // 2 arms × 2 probes (steps 0 and 20) × 4 hidden layers, every record ended by CRLF.
    expect(lines).toHaveLength(1 + 2 * 2 * 4 + 1);
    expect(lines.at(-1)).toBe('');
  });

  it('writes the loss landscape as arms[i].landscape with --set probe.landscape=true, and null without it', () => {
    const json = path.join(dir, 'landscape.json');
    const r = run(['--preset', 'spirals', '--steps', '40', '--backend', 'cpu', '--set', 'probe.landscape=true', '--out', json, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    type Series = Record<string, number[] | number[][]>;
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as { config: { probe: { landscape: boolean } }; arms: { steps: number[]; landscape: Series }[] };
    expect(out.config.probe.landscape).toBe(true);
    for (const arm of out.arms) {
      const l = arm.landscape;
      expect(Object.keys(l)).toEqual(['stepSizes', 'loss', 'gradientChange', 'lossHere', 'gradNorm', 'lossMin', 'lossMax', 'gradientChangeMin', 'gradientChangeMax', 'betaSmoothness']);
      // One entry per probe (steps 0, 20, 40), five step sizes each; the ranges hold what the step sizes measured.
      for (const series of Object.values(l)) expect(series).toHaveLength(arm.steps.length);
      (l.loss as number[][]).forEach((loss, t) => {
        expect(loss).toHaveLength(5);
        expect((l.lossMin as number[])[t]).toBe(Math.min((l.lossHere as number[])[t]!, ...loss));
        expect((l.gradientChangeMax as number[])[t]).toBe(Math.max(...(l.gradientChange as number[][])[t]!));
        expect((l.betaSmoothness as number[])[t]).toBeGreaterThan(0);
      });
    }
    const plainJson = path.join(dir, 'plain.json');
    expect(run(['--preset', 'spirals', '--steps', '20', '--backend', 'cpu', '--out', plainJson, '--quiet']).status).toBe(0);
    const plain = JSON.parse(fs.readFileSync(plainJson, 'utf8')) as { arms: { landscape: unknown }[] };
    expect(plain.arms.map((a) => a.landscape)).toEqual([null, null]);
  });

  it('records a --config run truthfully, and writes labels that break naive CSV as single, inert cells', () => {
    const config = path.join(dir, 'labels.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ dataset: { name: 'spirals' }, model: { depth: 2, width: 8 }, arms: [{ norm: 'none', label: '=1+1' }, { norm: 'batch', label: 'a ",b' }], probe: { interval: 10 } }),
    );
    const json = path.join(dir, 'out', 'labels.json');
    const r = run(['--config', config, '--set', 'seed=3', '--steps', '10', '--backend', 'cpu', '--out', json, '--mkdir', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(fs.readFileSync(json, 'utf8')) as { preset: string | null; source: string; overrides: unknown[]; config: { seed: number } };
    expect([out.preset, out.source, out.overrides, out.config.seed]).toEqual([null, `config ${config}`, [{ path: 'seed', value: 3 }], 3]);

    const csv = path.join(dir, 'labels.csv');
    expect(run(['--config', config, '--steps', '10', '--backend', 'cpu', '--out', csv, '--quiet']).status).toBe(0);
    const rows = parseCsv(fs.readFileSync(csv, 'utf8'));
    // 2 arms × 2 probes × 2 layers, each row as wide as the header.
    expect(rows).toHaveLength(1 + 2 * 2 * 2);
    for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
    expect(rows.slice(1).map((row) => row[0])).toEqual([...Array<string>(4).fill("'=1+1"), ...Array<string>(4).fill('a ",b')]);
  });
});
