/**
 * The headless experiment runner: the lab's engine in Node, for reproducing figures and for the tests' numbers.
 *   npm run experiment -- --preset ioffe-mnist --steps 3000 --backend wasm --out run.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/schema';
import { chooseBackend, LockstepTrainer, loadDataset, tf } from '../engine';
import { appendProbe, createHistory, historyToCsv, layerDrift, meanOf, valueAt, type ArmHistory } from '../engine/history';
import { runLockstep } from '../engine/run';
import { TIMING_WINDOW } from '../engine/stepTiming';
import { experimentJson } from '../export/json';
import { helpRequested, parseArgs, USAGE } from './args';
import { fsReason, prepareOutput, readConfigFile, writeOutput } from './files';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Usage and file problems: one line each, no stack trace, status 2. */
function fail(problems: readonly string[]): never {
  process.stderr.write(problems.map((p) => `experiment: ${p}\n`).join(''));
  process.exit(2);
}

/** A signed number with a true minus sign: "+0.57", "−0.07". */
const signed = (v: number, digits = 2) => (Number.isFinite(v) ? `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(digits)}` : '–');

/**
 * The run in one table. The last hidden layer's drift is the net displacement of its pooled median and the change of
 * its 15–85 width from the first probe to the last, with batch norm in training mode (the probe batch's statistics)
 * and in inference mode (the running averages): unlike a path length, neither depends on the probe interval.
 */
export function summaryTable(history: readonly ArmHistory[], stepsPerSecond: number): string {
  const last = (a: number[]) => a[a.length - 1] ?? NaN;
  const rows = history.map((arm) => {
    const lastLayer = arm.layers[arm.layers.length - 1]!;
    const train = layerDrift(arm.steps, lastLayer, 'train');
    const inference = layerDrift(arm.steps, lastLayer, 'inference');
    return [
      arm.name,
      valueAt(arm.steps, arm.testAccuracy, 500).toFixed(3),
      meanOf(arm.testAccuracy.slice(1)).toFixed(3),
      last(arm.testAccuracy).toFixed(3),
      last(arm.testLoss).toFixed(3),
      `${signed(train.medianShift)} · ${signed(inference.medianShift)}`,
      `${signed(train.widthChange)} · ${signed(inference.widthChange)}`,
      arm.divergedAt === null ? '–' : String(arm.divergedAt),
      // Machine-dependent: the arm's median step time over its last steps (see engine/stepTiming.ts).
      Number.isFinite(last(arm.timing.msPerStep)) ? last(arm.timing.msPerStep).toFixed(1) : '–',
    ];
  });
  const L = history[0]!.layers.length;
  const header = ['arm', 'test acc @500', 'mean test acc', 'final test acc', 'final test loss', `layer ${L} median shift (train · inference)`, `layer ${L} 15–85 width change (train · inference)`, 'diverged at', 'ms/step*'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.map(line)].join('\n') +
    `\n${stepsPerSecond.toFixed(1)} steps/s (all arms together, probes included)` +
    `\n* machine-dependent: milliseconds per training step of that arm alone on this machine (median of its last ≤ ${TIMING_WINDOW} steps, probes excluded); not reproducible digit for digit`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (helpRequested(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let opts;
  try {
    opts = parseArgs(argv, readConfigFile);
    // Before the backend, the data and minutes of training: a bad --out fails now.
    if (opts.out) prepareOutput(opts.out, { mkdir: opts.mkdir });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.problems);
    throw e;
  }
  tf.env().set('PROD', true);
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const backend = await chooseBackend(opts.backend, { wasmPaths: wasmDir, candidates: ['wasm', 'cpu'] });
  const log = (s: string) => {
    if (!opts.quiet) process.stderr.write(s);
  };
  log(`backend: ${backend.reason}\n`);
  const { config } = opts;
  const mnistPath = path.join(root, 'public/data/mnist.bin');
  const dataset = await loadDataset(config, async () => {
    try {
      return new Uint8Array(fs.readFileSync(mnistPath));
    } catch (e) {
      fail([`cannot read the MNIST digits at ${mnistPath}: ${fsReason(e)} (npm run data makes them)`]);
    }
  });
  const trainer = new LockstepTrainer(config, dataset);
  const history = createHistory(
    trainer.arms.map((a) => ({ name: a.name, norm: a.spec.norm })),
    trainer.architecture.hidden.map((l) => l.units),
    { landscape: config.probe.landscape },
  );
  log(`${opts.source}${opts.overrides.length ? ` with ${opts.overrides.length} --set` : ''}: ${trainer.arms.map((a) => a.name).join(' vs ')}, ${opts.steps} steps, ${dataset.name} (${dataset.numTrain} train / ${dataset.numTest} test${trainer.testScored < dataset.numTest ? `, the first ${trainer.testScored} scored` : ''})\n`);
  const t0 = performance.now();
  let lastReport = 0;
  await runLockstep(trainer, opts.steps, {
    onProbe: (snap) => {
      appendProbe(history, snap);
      const now = performance.now();
      if (now - lastReport > 1000 || snap.step === opts.steps) {
        lastReport = now;
        const accs = snap.arms.map((a, i) => `${history[i]!.name} ${(a.testAccuracy * 100).toFixed(1)}%`).join('  ');
        log(`\r  step ${String(snap.step).padStart(String(opts.steps).length)}/${opts.steps}  ${((snap.step / opts.steps) * 100).toFixed(0).padStart(3)}%  test acc: ${accs}   `);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  log('\n');
  const stepsPerSecond = opts.steps / seconds;
  process.stdout.write(summaryTable(history, stepsPerSecond) + '\n');
  if (opts.out) {
    // The JSON is built by the module the lab's download uses, so the two files have one format.
    // `preset` is null for a --config run; `source` and `overrides` say what the configuration was built from.
    const json = () =>
      experimentJson({
        tool: 'batchnorm-explorer experiment',
        preset: opts.preset,
        source: opts.source,
        overrides: opts.overrides,
        config,
        backend,
        steps: opts.steps,
        seconds,
        stepsPerSecond,
        arms: history,
      });
    const problem = writeOutput(opts.out, opts.out.toLowerCase().endsWith('.csv') ? historyToCsv(history) : json());
    if (problem) {
      trainer.dispose();
      process.stderr.write(`experiment: ${problem}\n`);
      process.exit(1);
    }
    log(`wrote ${opts.out}\n`);
  }
  trainer.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`experiment failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
