/**
 * Runs every lesson's claims through the engine, for seeds 1–3 on the wasm backend, prints a Markdown table
 * (lesson, claim, the value per seed, the margin, whether it holds) and writes bench-results/lessons-verify.json.
 * Exits 1 when a claim fails, 2 on a bad flag.
 *   npm run lessons:verify
 *   npm run lessons:verify -- --lesson high-lr --lesson init-scale --seeds 1
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseBackend, tf } from '../engine';
import { LESSONS, lessonByName } from '../lessons';
import { trainRun } from '../lessons/runner';
import { cachedTrainer, resultsTable, verifyLesson, type ClaimResult } from '../lessons/verify';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: npm run lessons:verify -- [--lesson NAME]... [--seeds 1,2,3] [--out FILE.json]
  --lesson  one of ${LESSONS.map((l) => l.name).join(', ')} (default: all, in order)
  --seeds   comma-separated seeds (default 1,2,3)
  --out     where the JSON goes (default bench-results/lessons-verify.json)
exit status: 0 every claim holds; 1 a claim fails or training fails; 2 a bad flag`;

function fail(problem: string): never {
  process.stderr.write(`lessons:verify: ${problem}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: readonly string[]): { lessons: string[]; seeds: number[]; out: string } {
  const lessons: string[] = [];
  let seeds = [1, 2, 3];
  let out = path.join(root, 'bench-results/lessons-verify.json');
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const value = argv[++i];
    if (value === undefined) fail(`${flag} needs a value`);
    if (flag === '--lesson') {
      if (!lessonByName(value)) fail(`--lesson: ${JSON.stringify(value)} is not a lesson`);
      lessons.push(value);
    } else if (flag === '--seeds') {
      seeds = value.split(',').map((s) => Number(s));
      if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 1 || s > 2 ** 31 - 1)) fail(`--seeds: ${JSON.stringify(value)} is not a list of whole numbers ≥ 1`);
    } else if (flag === '--out') {
      if (!value.toLowerCase().endsWith('.json')) fail('--out must end in .json');
      out = path.resolve(value);
    } else fail(`unknown flag ${JSON.stringify(flag)}`);
  }
  return { lessons: lessons.length ? lessons : LESSONS.map((l) => l.name), seeds, out };
}

async function main(): Promise<void> {
  const opts = parse(process.argv.slice(2));
  tf.env().set('PROD', true);
  const backend = await chooseBackend('wasm', { wasmPaths: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/'), candidates: ['wasm'] });
  const mnist = path.join(root, 'public/data/mnist.bin');
  const readMnist = async () => new Uint8Array(fs.readFileSync(mnist));
  let runs = 0;
  const train = cachedTrainer(async (config, steps) => {
    runs++;
    const t0 = performance.now();
    const run = await trainRun(config, steps, readMnist);
    process.stderr.write(`  run ${runs}: seed ${config.seed}, ${steps} steps, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    return run;
  });
  process.stderr.write(`backend: ${backend.reason}; seeds ${opts.seeds.join(', ')}\n`);
  const t0 = performance.now();
  const results: ClaimResult[] = [];
  for (const name of opts.lessons) {
    const lesson = lessonByName(name)!;
    process.stderr.write(`${lesson.name}: ${lesson.claims.length} claim${lesson.claims.length === 1 ? '' : 's'}\n`);
    results.push(
      ...(await verifyLesson(lesson, opts.seeds, train, (r) => {
        process.stderr.write(`  ${r.holds ? '✓' : '✗'} ${r.claim}: ${r.seeds.map((s) => s.shown).join(', ')} (${r.threshold})\n`);
      })),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const table = resultsTable(results, opts.seeds);
  const failed = results.filter((r) => !r.holds).length;
  process.stdout.write(`${table}\n\n${results.length - failed} of ${results.length} claims hold for seeds ${opts.seeds.join(', ')} (${backend.name}, ${runs} runs, ${(seconds / 60).toFixed(1)} min).\n`);
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  const json = {
    tool: 'batchnorm-explorer lessons:verify',
    date: new Date().toISOString(),
    backend: backend.name,
    seeds: opts.seeds,
    seconds,
    results: results.map((r) => ({ ...r, seeds: r.seeds.map((s) => ({ ...s, value: Number.isFinite(s.value) ? s.value : null })) })),
  };
  fs.writeFileSync(opts.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stderr.write(`wrote ${path.relative(process.cwd(), opts.out)}\n`);
  if (failed) process.exit(1);
}

main().catch((e: unknown) => {
  process.stderr.write(`lessons:verify failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
