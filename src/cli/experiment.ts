/**
 * The headless experiment runner: the lab's engine in Node, for reproducing figures and for the tests' numbers.
 *   npm run experiment -- --preset ioffe-mnist --steps 3000 --backend wasm --out run.json
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/schema';
import { chooseBackend, LockstepTrainer, loadDataset, tf } from '../engine';
import { appendProbe, bandTravel, createHistory, historyToCsv, meanOf, valueAt, type ArmHistory } from '../engine/history';
import { runLockstep } from '../engine/run';
import { parseArgs, USAGE } from './args';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

/** JSON with NaN and ±Infinity as null, and typed arrays as plain arrays. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v), 2);
}

export function summaryTable(history: readonly ArmHistory[], stepsPerSecond: number): string {
  const last = (a: number[]) => a[a.length - 1] ?? NaN;
  const rows = history.map((arm) => {
    const lastLayer = arm.layers[arm.layers.length - 1]!;
    return [
      arm.name,
      valueAt(arm.steps, arm.testAccuracy, 500).toFixed(3),
      meanOf(arm.testAccuracy.slice(1)).toFixed(3),
      last(arm.testAccuracy).toFixed(3),
      last(arm.testLoss).toFixed(3),
      bandTravel(lastLayer).toFixed(2),
      arm.divergedAt === null ? '–' : String(arm.divergedAt),
    ];
  });
  const header = ['arm', 'test acc @500', 'mean test acc', 'final test acc', 'final test loss', `15–85 band travel (layer ${history[0]!.layers.length})`, 'diverged at'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 1) + '-' : '-'.repeat(w + 1) + ':')).join('|') + '|', ...rows.map(line)].join('\n') +
    `\n${stepsPerSecond.toFixed(1)} steps/s (all arms together, probes included)`;
}

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2), (file) => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown);
  } catch (e) {
    if (e instanceof ConfigError) fail(`invalid input:\n  ${e.problems.join('\n  ')}`);
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
  const dataset = await loadDataset(config, async () => new Uint8Array(fs.readFileSync(path.join(root, 'public/data/mnist.bin'))));
  const trainer = new LockstepTrainer(config, dataset);
  const history = createHistory(trainer.arms.map((a) => ({ name: a.name, norm: a.spec.norm })), trainer.architecture.hidden.map((l) => l.units));
  log(`${opts.preset}: ${trainer.arms.map((a) => a.name).join(' vs ')}, ${opts.steps} steps, ${dataset.name} (${dataset.numTrain} train / ${dataset.numTest} test)\n`);
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
    const result = {
      tool: 'batchnorm-explorer experiment',
      preset: opts.preset,
      config,
      backend,
      steps: opts.steps,
      seconds,
      stepsPerSecond,
      arms: history,
    };
    fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
    fs.writeFileSync(opts.out, opts.out.toLowerCase().endsWith('.csv') ? historyToCsv(history) : toJson(result));
    log(`wrote ${opts.out}\n`);
  }
  trainer.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`experiment failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
