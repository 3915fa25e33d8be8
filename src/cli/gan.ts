/**
 * A small GAN on a ring of Gaussians, the generator without and with batch norm, trained in lockstep:
 *   npm run gan -- --steps 3000 --seed 1 --out gan.json
 * Prints, per probe, each arm's modes covered, share of high-quality samples and losses; writes them as JSON.
 * Deterministic from the seed on a given backend (every draw comes from src/engine/random.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/schema';
import { chooseBackend, tf } from '../engine';
import { GAN_ARMS, GanTrainer, type GanProbe } from '../engine/gan/gan';
import { prepareOutput, writeOutput } from './files';
import { GAN_USAGE, parseGanArgs } from './ganArgs';
import { ganTable, ganJson } from './ganReport';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');

function fail(problems: readonly string[]): never {
  process.stderr.write(problems.map((p) => `gan: ${p}\n`).join(''));
  process.exit(2);
}

async function main(): Promise<void> {
  const parsed = parseGanArgs(process.argv.slice(2));
  if (parsed.ok && parsed.help) {
    process.stdout.write(`${GAN_USAGE}\n`);
    return;
  }
  if (!parsed.ok) fail(parsed.problems);
  const opts = parsed.options;
  try {
    if (opts.out) prepareOutput(opts.out, { mkdir: opts.mkdir });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.problems);
    throw e;
  }
  const log = (s: string) => {
    if (!opts.quiet) process.stderr.write(s);
  };
  tf.env().set('PROD', true);
  const backend = await chooseBackend(opts.backend, { wasmPaths: wasmDir, candidates: ['wasm', 'cpu'] });
  log(`backend: ${backend.reason}\n`);
  const trainer = new GanTrainer(opts.config);
  const probes: GanProbe[] = [];
  const t0 = performance.now();
  try {
    probes.push(await trainer.probe());
    while (trainer.step < opts.steps) {
      trainer.train(Math.min(opts.every, opts.steps - trainer.step));
      const p = await trainer.probe();
      probes.push(p);
      log(`step ${p.step}: ${p.arms.map((a, i) => `${GAN_ARMS[i]!.name} ${a.coverage.modesCovered}/${trainer.ring.modes} modes`).join(', ')}\n`);
    }
  } finally {
    trainer.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`${ganTable(probes, trainer.config, opts.every)}\n${(opts.steps / seconds).toFixed(1)} steps/s (both arms together, probes included; machine-dependent)\n`);
  if (opts.out) {
    const problem = writeOutput(opts.out, ganJson(probes, opts, backend.name));
    if (problem) {
      process.stderr.write(`gan: ${problem}\n`);
      process.exit(1);
    }
    log(`wrote ${opts.out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`gan: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
