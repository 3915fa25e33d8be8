/**
 * Sweeps: many short runs of one configuration, varying one or two settings, spread over the machine's cores.
 *   npm run sweep -- --preset ioffe-mnist --vary batchSize=2,4,8,16,32,60 --vary norm=none,batch,layer,group \
 *     --steps 2000 --seeds 1,2,3 --out sweep.json
 * The parent plans and checks every run (src/cli/sweepPlan.ts), then forks this same bundle K times; each child
 * trains the runs it is sent, one at a time, and sends back its numbers. A run depends only on its configuration and
 * seed, never on which child trained it or what that child trained before, so the results do not depend on --jobs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ExperimentConfig } from '../config/schema';
import { chooseBackend, tf, type BackendChoice } from '../engine';
import { DatasetLoader } from '../engine/data/load';
import { trainSweepRun } from '../engine/sweepRun';
import { fsReason, prepareOutput, readConfigFile, writeOutput } from './files';
import { parseSweepArgs, runLabel, sweepCsv, sweepHelpRequested, sweepJson, sweepTable, sweepUsage, type RunOutcome, type SweepPlan, type SweepRow } from './sweepPlan';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const mnistPath = path.join(root, 'public/data/mnist.bin');
const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/');
/** Set in a child's environment: this process trains the runs its parent sends. */
const CHILD_ENV = 'BNX_SWEEP_CHILD';

/** Parent → child. */
type ToChild = { type: 'start'; backend: 'cpu' | 'wasm' } | { type: 'run'; run: number; config: ExperimentConfig; steps: number };
/** Child → parent. */
type FromChild =
  | { type: 'ready'; backend: BackendChoice }
  | { type: 'result'; run: number; outcome: RunOutcome; seconds: number }
  | { type: 'failed'; message: string };

// --- a child: trains the runs it is sent ---------------------------------------------------------------------------

function child(): void {
  const send = (m: FromChild) => process.send!(m);
  // The digits are read and decoded once per child, whatever the number of runs it trains.
  const data = new DatasetLoader(async () => new Uint8Array(fs.readFileSync(mnistPath)));
  const handle = async (m: ToChild): Promise<void> => {
    if (m.type === 'start') {
      tf.env().set('PROD', true);
      send({ type: 'ready', backend: await chooseBackend(m.backend, { wasmPaths: wasmDir, candidates: ['wasm', 'cpu'] }) });
      return;
    }
    const { outcome, seconds } = await trainSweepRun(m.config, await data.load(m.config), m.steps);
    send({ type: 'result', run: m.run, outcome, seconds });
  };
  // One message at a time, in order: the parent sends a run only when the last one's result is in.
  let queue = Promise.resolve();
  process.on('message', (m: ToChild) => {
    queue = queue.then(() => handle(m)).catch((e: unknown) => {
      send({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      process.exitCode = 1;
      process.disconnect();
    });
  });
  // The parent is gone (done, or killed): nothing is left to do.
  process.on('disconnect', () => process.exit());
}

// --- the parent: plans, forks, gathers ---------------------------------------------------------------------------

/** Usage and file problems: one line each, no stack trace, status 2. */
function fail(problems: readonly string[]): never {
  process.stderr.write(problems.map((p) => `sweep: ${p}\n`).join(''));
  process.exit(2);
}

/** The last words a child wrote, kept to say why it died. */
function lastWords(text: string): string {
  const t = text.trim().split('\n').slice(-3).join(' | ');
  return t ? `; its last output: ${t}` : '';
}

/** Trains every run of the plan, `plan.jobs` at a time, and resolves with the rows in run order. */
function runAll(plan: SweepPlan, log: (s: string) => void): Promise<{ rows: SweepRow[]; backend: BackendChoice }> {
  return new Promise((resolve, reject) => {
    const queue = [...plan.runs];
    const rows: SweepRow[] = [];
    const busy = new Map<ChildProcess, (typeof plan.runs)[number]>();
    const children = new Set<ChildProcess>();
    let backend: BackendChoice | null = null;
    let stopped = false;
    const total = plan.runs.length;
    const stop = (message: string) => {
      if (stopped) return;
      stopped = true;
      for (const c of children) c.kill();
      reject(new Error(message));
    };
    const next = (c: ChildProcess) => {
      const spec = queue.shift();
      if (!spec) {
        busy.delete(c);
        c.disconnect();
        return;
      }
      busy.set(c, spec);
      c.send({ type: 'run', run: spec.run, config: spec.config, steps: plan.steps } satisfies ToChild);
    };
    const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');
    for (let i = 0; i < plan.jobs; i++) {
      // 'advanced' serialization is the structured clone: a NaN loss arrives as NaN, not as JSON's null.
      const c = fork(self, [], { env: { ...process.env, [CHILD_ENV]: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
      children.add(c);
      let output = '';
      const keep = (d: Buffer) => {
        output = (output + d.toString()).slice(-4000);
      };
      c.stdout!.on('data', keep);
      c.stderr!.on('data', keep);
      // The process could not start, or a message could not reach it.
      c.on('error', (e) => stop(`a training process failed: ${e.message}`));
      c.on('message', (m: FromChild) => {
        if (stopped) return;
        if (m.type === 'ready') {
          if (!backend) {
            backend = m.backend;
            log(`backend: ${backend.reason}\n`);
          } else if (m.backend.name !== backend.name) {
            stop(`one process runs on ${backend.name}, another on ${m.backend.name} (${m.backend.reason}): their runs would not be comparable`);
            return;
          }
          next(c);
        } else if (m.type === 'result') {
          const spec = busy.get(c)!;
          rows.push({ run: spec.run, settings: spec.settings, seed: spec.seed, ...m.outcome, seconds: m.seconds });
          const diverged = m.outcome.divergedAt === null ? '' : `, diverged at step ${m.outcome.divergedAt}`;
          log(`run ${spec.run}/${total}: ${runLabel(plan.axes, spec)}: test acc ${pct(m.outcome.finalTestAccuracy)}, mean ${pct(m.outcome.meanTestAccuracy)}${diverged}, ${m.seconds.toFixed(1)} s (${rows.length} of ${total} done)\n`);
          next(c);
        } else {
          const spec = busy.get(c);
          stop(`${spec ? `run ${spec.run} (${runLabel(plan.axes, spec)})` : 'starting the backend'} failed: ${m.message}`);
        }
      });
      c.on('exit', (code, signal) => {
        children.delete(c);
        if (stopped) return;
        const spec = busy.get(c);
        if (spec || !backend || code !== 0) {
          stop(`${spec ? `run ${spec.run} (${runLabel(plan.axes, spec)})` : 'a training process'} failed: its process exited with ${signal ?? `status ${code}`}${lastWords(output)}`);
          return;
        }
        if (children.size === 0) {
          if (rows.length !== total) stop(`${total - rows.length} runs were never trained`);
          else resolve({ rows: rows.sort((a, b) => a.run - b.run), backend });
        }
      });
      c.send({ type: 'start', backend: plan.backend } satisfies ToChild);
    }
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const cores = os.availableParallelism();
  if (sweepHelpRequested(argv)) {
    process.stdout.write(`${sweepUsage(cores)}\n`);
    return;
  }
  let plan: SweepPlan;
  try {
    plan = parseSweepArgs(argv, readConfigFile, cores);
    // Before minutes of training: a bad --out or missing digits fail now.
    if (plan.out) prepareOutput(plan.out, { mkdir: plan.mkdir });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.problems);
    throw e;
  }
  if (plan.runs.some((r) => r.config.dataset.name === 'mnist')) {
    try {
      fs.accessSync(mnistPath, fs.constants.R_OK);
    } catch (e) {
      fail([`cannot read the MNIST digits at ${mnistPath}: ${fsReason(e)} (npm run data makes them)`]);
    }
  }
  const log = (s: string) => {
    if (!plan.quiet) process.stderr.write(s);
  };
  const grid = plan.axes.map((a) => `${a.key} (${a.raw.length})`).join(' × ');
  log(`${plan.source}${plan.overrides.length ? ` with ${plan.overrides.length} --set` : ''}: ${grid} × seed${plan.seeds.length > 1 ? 's' : ''} ${plan.seeds.join(', ')} = ${plan.runs.length} runs of ${plan.steps} steps, ${plan.jobs} at a time\n`);
  const t0 = performance.now();
  let result: { rows: SweepRow[]; backend: BackendChoice };
  try {
    result = await runAll(plan, log);
  } catch (e) {
    process.stderr.write(`sweep: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`${plan.runs.length} runs in ${seconds.toFixed(0)} s\n`);
  process.stdout.write(`${sweepTable(plan, result.rows)}\n`);
  if (plan.out) {
    const backend = { name: result.backend.name, reason: result.backend.reason };
    const text = plan.out.toLowerCase().endsWith('.csv') ? sweepCsv(plan, result.rows) : `${sweepJson({ plan, backend, rows: result.rows, seconds })}\n`;
    const problem = writeOutput(plan.out, text);
    if (problem) {
      process.stderr.write(`sweep: ${problem}\n`);
      process.exit(1);
    }
    log(`wrote ${plan.out}\n`);
  }
}

if (process.env[CHILD_ENV] === '1' && process.send) child();
else {
  main().catch((e: unknown) => {
    process.stderr.write(`sweep failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
