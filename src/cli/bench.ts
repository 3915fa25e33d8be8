/**
 * Engine benchmark in Node, with a native anchor: lockstep training steps per second, probe cost and kernels per
 * step for each preset and backend, and the same networks in PyTorch (one thread) measured in between, so the
 * engine's speed is a ratio to a known reference rather than a number that only means something on this machine.
 *   npm run bench:engine                                    ioffe-mnist, spirals and cnn-mnist on wasm and cpu
 *   npm run bench:engine -- --preset cnn-mnist --backend wasm --rounds 5
 *   npm run bench:engine -- --quick                         a smoke run
 * Prints two tables and writes bench-results/engine-node.json. See BENCH_USAGE (--help) for every flag.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { presetConfig } from '../config/presets';
import type { ExperimentConfig } from '../config/schema';
import { buildArchitecture, LockstepTrainer, loadDataset, tf, trySetBackend, type Dataset } from '../engine';
import { scoredTestExamples } from '../engine/probes/evaluation';
import { BENCH_USAGE, parseBenchArgs, type BenchBackend, type BenchOptions, type BenchPath } from './benchArgs';
import {
  anchorRow,
  anchorTable,
  engineRow,
  engineTable,
  fmt,
  hasAvx512f,
  stepPathOf,
  TARGETS,
  type AnchorRow,
  type EngineRound,
  type EngineRow,
  type StepPath,
  type TorchRound,
} from './benchReport';
import { countKernels } from './kernelCount';
import { TorchAnchor, type TorchHello } from './torchAnchor';
import { engineParameterCounts, torchMirrorProblem, torchNetSpec } from './torchSpec';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wasmPaths = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');

/**
 * Time budgets of one measurement. Steps run until both the minimum count and the time are reached, so a slow
 * configuration (the CNN on cpu, seconds a step) still finishes and a fast one is timed over many steps. PyTorch
 * gets the same budget. The warm-up takes the first steps' one-off costs (wasm memory growth, caches) out. Probes
 * are timed up to `maxProbes` of them, while the probing (with the training steps between probes) fits `probeMs`.
 */
const BUDGETS = {
  full: { warmupSteps: 3, minSteps: 5, stepMs: 3000, maxProbes: 5, probeMs: 3000 },
  quick: { warmupSteps: 2, minSteps: 3, stepMs: 500, maxProbes: 1, probeMs: 0 },
} as const;
type Budget = (typeof BUDGETS)[keyof typeof BUDGETS];

interface EngineRoundResult {
  round: EngineRound;
  path: StepPath;
  kernels: { step: number; probe: number } | null;
  armMsPerStep: { name: string; msPerStep: number }[];
  tensorsBefore: number;
  tensorsAfter: number;
}

async function measureEngine(config: ExperimentConfig, dataset: Dataset, backend: BenchBackend, stepPath: BenchPath, budget: Budget, firstRound: boolean): Promise<EngineRoundResult> {
  if (!(await trySetBackend(backend, { wasmPaths }))) throw new Error(`backend ${backend} failed to start`);
  // A fresh trainer each round: every round times the same run from step 0 (and tensors never cross backends).
  const trainer = new LockstepTrainer(config, dataset, undefined, { path: stepPath });
  try {
    for (let i = 0; i < budget.warmupSteps; i++) trainer.trainStep();
    let kernels: EngineRoundResult['kernels'] = null;
    if (firstRound) {
      // A real step and a real probe, counted; they also warm the backend up for the probes (wasm's heap grows to
      // what a probe needs, once per process).
      const step = await countKernels(backend, () => trainer.trainStep());
      const probe = await countKernels(backend, () => trainer.probe());
      kernels = { step: step.kernels, probe: probe.kernels };
      // V8 runs a WebAssembly function on its baseline compiler's code until the function is hot, then on optimized
      // code: the process's first probes (the kernels only probes call) are slower, once. A few more take that out.
      if (trainer.path === 'fast') for (let i = 0; i < 4; i++) await trainer.probe();
    } else if (trainer.path === 'fast') {
      // The run's first probe, as the lab's at step 0: it lays out the run's probe buffers and copies the test set into
      // the kernels' memory, once a run, so it is not a probe's cost. (On the tfjs path the first round's probe warmed
      // the backend up for every round; there, on the CNN on cpu, a probe costs half a minute.)
      await trainer.probe();
    }
    const tensorsBefore = tf.memory().numTensors;
    const armsTrained = trainer.arms.filter((a) => a.divergedAt === null).length;
    let steps = 0;
    const t0 = performance.now();
    do {
      trainer.trainStep();
      steps++;
    } while (steps < budget.minSteps || performance.now() - t0 < budget.stepMs);
    // cpu and wasm compute each step before it returns; the read-back only matters on an asynchronous backend.
    await trainer.arms[0]!.lossSum.data();
    const stepSeconds = (performance.now() - t0) / 1000;
    // Probes as the lab makes them: each after the configuration's interval of training steps (untimed), which take
    // the probe's data out of the caches as they do in a run.
    let probes = 0;
    let probeMs = 0;
    const p0 = performance.now();
    do {
      for (let i = 0; i < config.probe.interval; i++) trainer.trainStep();
      const t = performance.now();
      await trainer.probe();
      probeMs += performance.now() - t;
      probes++;
    } while (probes < budget.maxProbes && performance.now() - p0 < budget.probeMs);
    const msPerProbe = probeMs / probes;
    return {
      round: { steps, stepsPerSecond: steps / stepSeconds, armsTrained, probes, msPerProbe },
      path: stepPathOf(trainer),
      kernels,
      armMsPerStep: trainer.arms.map((a) => ({ name: a.name, msPerStep: a.timer.msPerStep })),
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    trainer.dispose();
  }
}

/** The training set as the raw files the PyTorch child reads: float32 examples in the engine's layout, uint8 labels. */
function writeTrainingData(dir: string, name: string, dataset: Dataset): { x: string; y: string; count: number } {
  const x = path.join(dir, `${name}-x.f32`);
  const y = path.join(dir, `${name}-y.u8`);
  fs.writeFileSync(x, new Uint8Array(dataset.trainX.buffer, dataset.trainX.byteOffset, dataset.trainX.byteLength));
  fs.writeFileSync(y, dataset.trainY);
  return { x, y, count: dataset.numTrain };
}

function torchLine(h: TorchHello): string {
  const blas = h.blas.core ? `OpenBLAS core ${h.blas.core}, ${h.blas.threads} thread${h.blas.threads === 1 ? '' : 's'}` : `BLAS ${h.blas.library ?? 'unknown'}`;
  const coretype = h.coretypeEnv ? `, OPENBLAS_CORETYPE=${h.coretypeEnv}` : '';
  return `PyTorch anchor: torch ${h.torch} (Python ${h.python}), ${h.threads} thread, ${blas}${coretype}; sgemm 1024² ${fmt(h.sgemmGflops)} GFLOP/s`;
}

async function main(options: BenchOptions): Promise<void> {
  tf.env().set('PROD', true);
  const budget = options.quick ? BUDGETS.quick : BUDGETS.full;
  const loadStart = os.loadavg();
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';

  let anchor: TorchAnchor | null = null;
  let torchStatus: TorchHello | { unavailable: string };
  if (!options.torch) {
    torchStatus = { unavailable: 'skipped (--no-torch)' };
  } else {
    const started = await TorchAnchor.start(path.join(root, 'scripts/torch-bench.py'));
    if ('unavailable' in started) torchStatus = started;
    else {
      anchor = started;
      torchStatus = started.hello;
    }
  }
  if ('unavailable' in torchStatus) console.log(`PyTorch anchor: not run: ${torchStatus.unavailable}`);
  else {
    console.log(torchLine(torchStatus));
    // Debian's OpenBLAS picks slow SSE kernels on recent Xeons unless told (torchChildEnv); this shows whether it was.
    if (hasAvx512f(cpuinfo) && torchStatus.sgemmGflops < 100) {
      console.log(`  note: this CPU has AVX-512 but sgemm ran at ${fmt(torchStatus.sgemmGflops)} GFLOP/s (over 100 expected): the anchor is slow, so the ratios flatter the engine`);
    }
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bn-bench-'));
  const configs = new Map<string, ExperimentConfig>();
  const datasets = new Map<string, Dataset>();
  const torchData = new Map<string, { x: string; y: string; count: number }>();
  const engine = new Map<string, EngineRoundResult[]>();
  const torch = new Map<string, TorchRound[]>();
  const torchSkipped = new Map<string, string>();
  const key = (preset: string, backend: BenchBackend, stepPath: BenchPath) => `${preset}|${backend}|${stepPath}`;
  try {
    for (const preset of options.presets) {
      const own = presetConfig(preset);
      const config = options.testSize === null ? own : { ...own, probe: { ...own.probe, testSize: options.testSize } };
      configs.set(preset, config);
      datasets.set(preset, await loadDataset(config, async () => new Uint8Array(fs.readFileSync(path.join(root, 'public/data/mnist.bin')))));
      const problem = torchMirrorProblem(config);
      if (problem) torchSkipped.set(preset, problem);
    }
    for (let round = 1; round <= options.rounds; round++) {
      for (const preset of options.presets) {
        const config = configs.get(preset)!;
        const dataset = datasets.get(preset)!;
        for (const backend of options.backends) for (const stepPath of options.paths) {
          const r = await measureEngine(config, dataset, backend, stepPath, budget, round === 1);
          engine.set(key(preset, backend, stepPath), [...(engine.get(key(preset, backend, stepPath)) ?? []), r]);
          process.stderr.write(
            `  round ${round}/${options.rounds} · ${preset} on ${backend}, ${r.path} path: ${r.round.steps} steps, ${fmt(r.round.stepsPerSecond)} steps/s; ${r.round.probes} probe${r.round.probes === 1 ? '' : 's'}, ${fmt(r.round.msPerProbe)} ms each\n`,
          );
        }
        if (!anchor || torchSkipped.has(preset)) continue;
        if (!torchData.has(preset)) torchData.set(preset, writeTrainingData(tmp, preset, dataset));
        const arch = buildArchitecture(config, dataset.inputShape, dataset.numClasses);
        try {
          const spec = torchNetSpec(config, arch);
          const { parameters, ...t } = await anchor.measure({ spec, data: torchData.get(preset)!, budgetMs: budget.stepMs, minSteps: budget.minSteps, warmupSteps: budget.warmupSteps });
          const expected = engineParameterCounts(config, arch);
          if (parameters.join() !== expected.join()) throw new Error(`PyTorch's networks have ${parameters.join(', ')} parameters, the engine's ${expected.join(', ')}: not the same networks`);
          torch.set(preset, [...(torch.get(preset) ?? []), t]);
          process.stderr.write(`  round ${round}/${options.rounds} · ${preset} in PyTorch: ${t.steps} steps, ${fmt(t.steps / t.seconds)} steps/s\n`);
        } catch (e) {
          // One preset the mirror cannot run is a line in the report, not the end of the benchmark.
          torchSkipped.set(preset, e instanceof Error ? e.message : String(e));
          torch.delete(preset);
        }
      }
    }
  } finally {
    anchor?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const rows: EngineRow[] = [];
  const anchors: AnchorRow[] = [];
  for (const preset of options.presets) {
    for (const backend of options.backends) for (const stepPath of options.paths) {
      const results = engine.get(key(preset, backend, stepPath))!;
      const first = results[0]!;
      const last = results[results.length - 1]!;
      const row = engineRow(
        {
          preset,
          backend,
          path: first.path,
          arms: configs.get(preset)!.arms.length,
          testScored: scoredTestExamples(configs.get(preset)!.probe, datasets.get(preset)!.numTest),
          testOverridden: options.testSize !== null,
          kernelsPerStep: first.kernels!.step,
          kernelsPerProbe: first.kernels!.probe,
          armMsPerStep: last.armMsPerStep,
          tensorsBefore: last.tensorsBefore,
          tensorsAfter: last.tensorsAfter,
        },
        results.map((r) => r.round),
      );
      rows.push(row);
      const t = torch.get(preset);
      if (t && t.length === results.length) anchors.push(anchorRow(row, t));
    }
  }

  console.log('\nThe engine (Node, one thread):\n');
  console.log(engineTable(rows));
  console.log(
    [
      `steps/s: lockstep steps (every arm once, on the same mini-batch) per second, probes excluded; the median of ${options.rounds} round${options.rounds === 1 ? '' : 's'}.`,
      `probe in steps: a probe of all arms in lockstep steps' time, the worst and the median round; the target (≤ ${TARGETS.probeSteps}) is set for ${TARGETS.probePresets.join(' and ')}.`,
      'kernels/step: backend kernels one lockstep step dispatches (tf.profile, checked against a counter on the kernel registry).',
      'per arm: each arm’s own median step time in the last round, as the lab’s Summary shows it; tensors: live tensors, the same before the timed steps and after the timed probes.',
    ].join('\n'),
  );
  if (anchors.length > 0) {
    console.log('\nAgainst PyTorch (the same networks, one thread, float32, measured between the engine’s rounds):\n');
    console.log(anchorTable(anchors));
    console.log(
      'net-steps/s: network-steps per second (a lockstep step of two arms is two); engine ÷ PyTorch per round, the worst (smallest) and the median; ✓ where the worst round meets the target.',
    );
    for (const preset of new Set(anchors.map((a) => a.preset))) {
      const rounds = torch.get(preset)!;
      if (rounds.some((r) => !r.finite)) console.log(`  note: in PyTorch a network of ${preset} diverged (its loss is not finite) and went on training; the engine stops a diverged arm.`);
    }
  }
  for (const [preset, why] of torchSkipped) if (options.presets.includes(preset) && anchor) console.log(`  ${preset}: no PyTorch anchor: ${why}`);
  const loadEnd = os.loadavg();
  console.log(`\nLoad average (1 min) at start ${loadStart[0]!.toFixed(2)}, at end ${loadEnd[0]!.toFixed(2)}, on ${os.cpus().length} cores.`);

  const out = path.join(root, 'bench-results/engine-node.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const result = {
    tool: 'batchnorm-explorer bench (engine, Node)',
    date: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: loadStart, end: loadEnd },
    options: { presets: options.presets, backends: options.backends, paths: options.paths, rounds: options.rounds, quick: options.quick, budget },
    targets: TARGETS,
    torch: torchStatus,
    rows,
    anchors,
    torchRounds: Object.fromEntries(torch),
  };
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

const parsed = parseBenchArgs(process.argv.slice(2));
if (!parsed.ok) {
  for (const p of parsed.problems) console.error(p);
  process.exit(2);
} else if (parsed.options.help) {
  console.log(BENCH_USAGE);
} else {
  main(parsed.options).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
