/**
 * The loss landscape of Santurkar et al. (2018, §3.1, Figure 4) on a preset, over seeds, as one table:
 *   npm run landscape -- --preset ioffe-mnist --seeds 1,2,3 --steps 1000 --at 100,500,1000
 * Each seed is the `npm run experiment -- --preset NAME --set seed=K --set probe.landscape=true --steps N` run, with
 * the same numbers; the runs go one after the other in this process (the digits are read once).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRESETS, presetConfig } from '../config/presets';
import { ConfigError, parseConfig } from '../config/schema';
import { chooseBackend, LANDSCAPE_MULTIPLIERS, LockstepTrainer, tf } from '../engine';
import { DatasetLoader } from '../engine/data/load';
import { appendProbe, createHistory } from '../engine/history';
import { runLockstep } from '../engine/run';
import { toJson, armRecord } from '../export/json';
import { prepareOutput, writeOutput } from './files';
import { landscapeTable, type LandscapeRun } from './landscapeTable';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const LANDSCAPE_USAGE = `Usage: npm run landscape -- [flags]
Santurkar et al.'s loss landscape (2018, §3.1): per seed, the plain and the batch-norm arm's loss range and gradient
change along the gradient at the given probe steps.
  --preset NAME       a preset with a plain and a batch-norm arm (default ioffe-mnist)
  --seeds 1,2,3       the seeds (default 1,2,3)
  --steps N           training steps per run (default 1000)
  --at 100,500,1000   the probe steps in the table (default 100,500 and --steps); each must be a probe step
  --backend wasm|cpu  (default wasm)
  --out FILE.json     also write every run's histories (the experiment JSON's arms) there
  --help`;

interface LandscapeOptions {
  preset: string;
  seeds: number[];
  steps: number;
  at: number[] | null;
  backend: 'wasm' | 'cpu';
  out: string | null;
}

function wholeNumbers(flag: string, text: string | undefined, min: number, max: number): number[] {
  const parts = (text ?? '').split(',');
  if (!parts.every((p) => /^\d+$/.test(p)) || parts.some((p) => Number(p) < min || Number(p) > max)) {
    throw new ConfigError([`${flag}: whole numbers ${min} … ${max}, separated by commas; got ${JSON.stringify(text ?? '')}`]);
  }
  return parts.map(Number);
}

function parseLandscapeArgs(argv: readonly string[]): LandscapeOptions {
  const o: LandscapeOptions = { preset: 'ioffe-mnist', seeds: [1, 2, 3], steps: 1000, at: null, backend: 'wasm', out: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    i++;
    if (flag === '--preset') {
      if (!PRESETS.some((p) => p.name === value)) throw new ConfigError([`--preset: one of ${PRESETS.map((p) => p.name).join(', ')}; got ${JSON.stringify(value ?? '')}`]);
      o.preset = value!;
    } else if (flag === '--seeds') o.seeds = wholeNumbers(flag, value, 0, 2 ** 31 - 1);
    else if (flag === '--steps') o.steps = wholeNumbers(flag, value, 1, 1_000_000)[0]!;
    else if (flag === '--at') o.at = wholeNumbers(flag, value, 0, 1_000_000);
    else if (flag === '--backend') {
      if (value !== 'wasm' && value !== 'cpu') throw new ConfigError([`--backend: wasm or cpu; got ${JSON.stringify(value ?? '')}`]);
      o.backend = value;
    } else if (flag === '--out') {
      if (!value) throw new ConfigError(['--out: needs a file name']);
      o.out = value;
    } else throw new ConfigError([`unknown flag ${JSON.stringify(flag)} (see --help)`]);
  }
  return o;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${LANDSCAPE_USAGE}\n`);
    return;
  }
  let opts: LandscapeOptions;
  let configs;
  let at: number[];
  try {
    opts = parseLandscapeArgs(argv);
    const o = opts;
    configs = o.seeds.map((seed) => {
      const base = presetConfig(o.preset);
      return parseConfig({ ...base, seed, probe: { ...base.probe, landscape: true } });
    });
    const every = configs[0]!.probe.interval;
    at = o.at ?? [...new Set([100, 500, o.steps])].filter((s) => s <= o.steps);
    // The probes fall at step 0, every interval and the last step: a table step must be one of them.
    const off = at.filter((s) => s > o.steps || (s % every !== 0 && s !== o.steps));
    if (off.length) throw new ConfigError([`--at: ${off.join(', ')} ${off.length > 1 ? 'are not probe steps' : 'is not a probe step'} (every ${every} steps up to ${o.steps})`]);
    if (!configs[0]!.arms.some((a) => a.norm === 'none') || !configs[0]!.arms.some((a) => a.norm === 'batch')) {
      throw new ConfigError([`--preset ${o.preset}: needs a plain arm and a batch-norm arm`]);
    }
    if (o.out) prepareOutput(o.out, { mkdir: false });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.problems.map((p) => `landscape: ${p}\n`).join(''));
      process.exit(2);
    }
    throw e;
  }
  tf.env().set('PROD', true);
  const backend = await chooseBackend(opts.backend, { wasmPaths: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'), candidates: ['wasm', 'cpu'] });
  process.stderr.write(`backend: ${backend.reason}\n`);
  const data = new DatasetLoader(async () => new Uint8Array(fs.readFileSync(path.join(root, 'public/data/mnist.bin'))));
  const t0 = performance.now();
  const runs: (LandscapeRun & { seconds: number })[] = [];
  for (const config of configs) {
    const trainer = new LockstepTrainer(config, await data.load(config));
    try {
      const arms = createHistory(
        trainer.arms.map((a) => ({ name: a.name, norm: a.spec.norm })),
        trainer.architecture.hidden.map((l) => l.units),
        { landscape: true },
      );
      const start = performance.now();
      await runLockstep(trainer, opts.steps, {
        onProbe: (snap) => {
          appendProbe(arms, snap);
          process.stderr.write(`\r  seed ${config.seed}: step ${snap.step}/${opts.steps}   `);
        },
      });
      runs.push({ seed: config.seed, arms, seconds: (performance.now() - start) / 1000 });
    } finally {
      trainer.dispose();
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stderr.write('\n');
  process.stdout.write(`${landscapeTable(runs, at, LANDSCAPE_MULTIPLIERS)}\n`);
  process.stdout.write(`${opts.preset}, ${opts.steps} steps, seeds ${opts.seeds.join(', ')}, ${backend.name}: ${runs.length} runs in ${seconds.toFixed(0)} s (${runs.map((r) => `${r.seconds.toFixed(0)} s`).join(', ')})\n`);
  if (opts.out) {
    const problem = writeOutput(
      opts.out,
      toJson({ tool: 'batchnorm-explorer landscape', preset: opts.preset, steps: opts.steps, at, backend, seconds, runs: runs.map((r) => ({ seed: r.seed, config: configs[runs.indexOf(r)], seconds: r.seconds, arms: r.arms.map(armRecord) })) }),
    );
    if (problem) {
      process.stderr.write(`landscape: ${problem}\n`);
      process.exit(1);
    }
    process.stderr.write(`wrote ${opts.out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`landscape failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
