/**
 * Engine benchmark in Node: training steps per second and probe cost per preset and backend, with tensor counts
 * to show nothing leaks. Prints a table and writes bench-results/engine-node.json.
 *   npm run bench                       all presets below, wasm and cpu
 *   npm run bench -- --quick            fewer steps (a smoke run)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetConfig } from '../config/presets';
import { LockstepTrainer, loadDataset, tf, trySetBackend, type BackendName } from '../engine';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');

interface Row {
  preset: string;
  backend: BackendName;
  arms: number;
  steps: number;
  msPerStep: number;
  stepsPerSecond: number;
  msPerProbe: number;
  /** Each arm's own median step time (the trainer's timing, as the lab's Summary shows it). */
  armMsPerStep: { name: string; msPerStep: number }[];
  tensorsBefore: number;
  tensorsAfter: number;
}

async function measure(preset: string, backend: BackendName, steps: number): Promise<Row> {
  const config = presetConfig(preset);
  const dataset = await loadDataset(config, async () => new Uint8Array(fs.readFileSync(path.join(root, 'public/data/mnist.bin'))));
  const trainer = new LockstepTrainer(config, dataset);
  for (let i = 0; i < 5; i++) trainer.trainStep();
  await trainer.probe();
  const tensorsBefore = tf.memory().numTensors;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.trainStep();
  await trainer.arms[0]!.lossSum.data();
  const msPerStep = (performance.now() - t0) / steps;
  const armsMs = trainer.arms.map((a) => ({ name: a.name, msPerStep: a.timer.msPerStep }));
  const p0 = performance.now();
  const probes = 3;
  for (let i = 0; i < probes; i++) await trainer.probe();
  const msPerProbe = (performance.now() - p0) / probes;
  const tensorsAfter = tf.memory().numTensors;
  trainer.dispose();
  return { preset, backend, arms: config.arms.length, steps, msPerStep, stepsPerSecond: 1000 / msPerStep, msPerProbe, armMsPerStep: armsMs, tensorsBefore, tensorsAfter };
}

async function main(): Promise<void> {
  tf.env().set('PROD', true);
  const wasmPaths = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  const plan: [string, BackendName, number][] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const preset of ['ioffe-mnist', 'spirals', 'cnn-mnist']) {
      const base = backend === 'wasm' ? (preset === 'cnn-mnist' ? 40 : 300) : preset === 'spirals' ? 300 : preset === 'cnn-mnist' ? 5 : 30;
      plan.push([preset, backend, quick ? Math.max(3, Math.round(base / 10)) : base]);
    }
  }
  const rows: Row[] = [];
  for (const [preset, backend, steps] of plan) {
    if (!(await trySetBackend(backend, { wasmPaths }))) throw new Error(`backend ${backend} failed to start`);
    process.stderr.write(`  ${preset} on ${backend}: ${steps} steps…\n`);
    rows.push(await measure(preset, backend, steps));
  }
  const header = ['preset', 'backend', 'arms', 'steps timed', 'ms/step', 'steps/s', 'ms/probe', 'per arm (ms/step)', 'tensors before→after'];
  const cells = rows.map((r) => [r.preset, r.backend, String(r.arms), String(r.steps), r.msPerStep.toFixed(1), r.stepsPerSecond.toFixed(1), r.msPerProbe.toFixed(0), r.armMsPerStep.map((a) => `${a.name} ${a.msPerStep.toFixed(1)}`).join(' · '), `${r.tensorsBefore}→${r.tensorsAfter}`]);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (r: string[]) => '| ' + r.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  console.log([line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...cells.map(line)].join('\n'));
  console.log('steps/s counts one lockstep step of all arms together; probes excluded (ms/probe is per probe of all arms).');
  console.log('per arm: the median of each arm’s own step times (the last 64 at most), as the lab’s Summary shows them.');
  const out = path.join(root, 'bench-results/engine-node.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ tool: 'batchnorm-explorer bench (engine, Node)', date: new Date().toISOString(), node: process.version, cores: (await import('node:os')).cpus().length, rows }, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
