/**
 * The recurrent experiment in Node: a tanh RNN reads MNIST digits row by row, with no normalization, layer norm and
 * per-time-step batch norm, trained in lockstep from the seed.
 *   npm run rnn -- --steps 1000 --seed 1 --out rnn.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/schema';
import { chooseBackend, tf } from '../engine';
import { gunzip, mnistDataset, parseMnistBinary } from '../engine/data/mnist';
import { appendRnnProbe, createRnnHistory, rnnJson, rnnSummaryTable } from '../engine/rnn/history';
import { RnnLockstep, runRnn } from '../engine/rnn/lockstep';
import { RNN_NORM_LABELS } from '../engine/rnn/config';
import { fsReason, prepareOutput, writeOutput } from './files';
import { parseRnnArgs, RNN_USAGE } from './rnnArgs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(problems: readonly string[]): never {
  process.stderr.write(problems.map((p) => `rnn: ${p}\n`).join(''));
  process.exit(2);
}

async function main(): Promise<void> {
  const parsed = parseRnnArgs(process.argv.slice(2));
  if (!parsed.ok) fail(parsed.problems);
  const opts = parsed.options;
  if (opts.help) {
    process.stdout.write(`${RNN_USAGE}\n`);
    return;
  }
  try {
    // Before the backend, the data and minutes of training: a bad --out fails now.
    if (opts.out) prepareOutput(opts.out, { mkdir: opts.mkdir });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.problems);
    throw e;
  }
  const log = (s: string) => {
    if (!opts.quiet) process.stderr.write(s);
  };
  tf.env().set('PROD', true);
  const backend = await chooseBackend(opts.backend, { wasmPaths: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'), candidates: ['wasm', 'cpu'] });
  log(`backend: ${backend.reason}\n`);
  const mnistPath = path.join(root, 'public/data/mnist.bin');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(mnistPath));
  } catch (e) {
    fail([`cannot read the MNIST digits at ${mnistPath}: ${fsReason(e)} (npm run data makes them)`]);
  }
  const dataset = mnistDataset(parseMnistBinary(await gunzip(bytes)));
  const { config } = opts;
  const trainer = new RnnLockstep(config, dataset);
  const history = createRnnHistory(trainer.norms);
  log(`tanh RNN, ${config.hidden} hidden, batch ${config.batchSize}, Adam ${config.learningRate}, seed ${config.seed}: ${trainer.norms.map((n) => RNN_NORM_LABELS[n]).join(' vs ')}, ${opts.steps} steps, ${dataset.numTrain} train / ${Math.min(config.testSize, dataset.numTest)} test digits\n`);
  const t0 = performance.now();
  let lastReport = 0;
  await runRnn(trainer, opts.steps, (probe) => {
    appendRnnProbe(history, probe);
    const now = performance.now();
    if (now - lastReport > 1000 || probe.step === opts.steps) {
      lastReport = now;
      const accs = probe.arms.map((a) => `${RNN_NORM_LABELS[a.norm]} ${(a.testAccuracy * 100).toFixed(1)}%`).join('  ');
      log(`\r  step ${String(probe.step).padStart(String(opts.steps).length)}/${opts.steps}  test acc: ${accs}   `);
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  log('\n');
  process.stdout.write(`${rnnSummaryTable(history, opts.steps, config.probeEvery)}\n${(opts.steps / seconds).toFixed(1)} steps/s (three arms together, probes included; machine-dependent)\n`);
  trainer.dispose();
  if (opts.out) {
    const problem = writeOutput(opts.out, rnnJson({ config, steps: opts.steps, backend: backend.name, seconds, arms: history }));
    if (problem) {
      process.stderr.write(`rnn: ${problem}\n`);
      process.exit(1);
    }
    log(`wrote ${opts.out}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`rnn failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
