import { PRESET_NAMES } from '../config/presets';
import { MAX_TEST_SIZE } from '../config/schema';
import { shown } from './args';

/** probe.testSize's smallest value (the schema's). */
const MIN_TEST_SIZE = 100;

/**
 * The engine benchmark's flags (`npm run bench:engine -- …`). Pure: no Node APIs, so the unit tests call it as the
 * CLI does. Every problem is one line naming the flag, collected rather than thrown at the first.
 */
export const BENCH_BACKENDS = ['wasm', 'cpu'] as const;
export type BenchBackend = (typeof BENCH_BACKENDS)[number];
/**
 * What runs with no --backend: the lab's backend here. cpu is the fallback, timed on request: its probes (tfjs's
 * cpu kernels) take minutes on the CNN.
 */
export const DEFAULT_BACKENDS: readonly BenchBackend[] = ['wasm'];
/** The training step's implementation: the WebAssembly SIMD kernels (fast/) or the tfjs reference. */
export const BENCH_PATHS = ['fast', 'tfjs'] as const;
export type BenchPath = (typeof BENCH_PATHS)[number];

/** What `npm run bench:engine` times with no --preset: the paper's MLP, a tiny 2-D net and the CNN. */
export const DEFAULT_PRESETS = ['ioffe-mnist', 'spirals', 'cnn-mnist'] as const;
export const DEFAULT_ROUNDS = 3;
export const MAX_ROUNDS = 50;

export interface BenchOptions {
  /** In the order given (duplicates dropped), or DEFAULT_PRESETS. */
  readonly presets: readonly string[];
  readonly backends: readonly BenchBackend[];
  readonly paths: readonly BenchPath[];
  /** Rounds of interleaved measurements: engine, PyTorch, engine, PyTorch … */
  readonly rounds: number;
  /** Short time budgets and one round (unless --rounds says otherwise): a smoke run. */
  readonly quick: boolean;
  /** Run the PyTorch anchor where /usr/bin/python3 has torch (false with --no-torch). */
  readonly torch: boolean;
  /** probe.testSize for every preset (--test-size), or null: each preset's own. */
  readonly testSize: number | null;
  readonly help: boolean;
}

export const BENCH_USAGE = `usage: npm run bench:engine -- [--preset NAME]... [--backend wasm|cpu]... [--path fast|tfjs]...
           [--rounds N] [--test-size N] [--quick] [--no-torch] [--help]
  --preset   time this preset (repeatable); default ${DEFAULT_PRESETS.join(', ')}
             one of ${PRESET_NAMES.join(', ')}
  --backend  time on this backend (repeatable): ${BENCH_BACKENDS.join(', ')}; default ${DEFAULT_BACKENDS.join(', ')}
  --path     time this training path (repeatable); default ${BENCH_PATHS.join(', ')}: the WebAssembly SIMD
             kernels, and the tfjs reference they are checked against (probes run on the backend either way)
  --rounds   rounds of interleaved measurements, engine then PyTorch per preset, 1 … ${MAX_ROUNDS}
             (default ${DEFAULT_ROUNDS}; 1 with --quick); ratios are given as the worst and the median round
  --test-size score this many test examples in every probe (probe.testSize, ${MIN_TEST_SIZE} … ${MAX_TEST_SIZE}) instead of
             each preset's own, to see what a smaller test pass buys; such rows get no probe verdict
  --quick    short time budgets: a smoke run, not a measurement
  --no-torch skip the PyTorch anchor (it runs where /usr/bin/python3 can import torch)
  -h, --help print this and exit
Prints a table of the engine's rows and one of the anchor's ratios, and writes bench-results/engine-node.json.
exit status: 0 done; 2 a bad flag (one line each on stderr); 1 a failure while measuring`;

export type ParsedBenchArgs = { ok: true; options: BenchOptions } | { ok: false; problems: string[] };

export function parseBenchArgs(argv: readonly string[]): ParsedBenchArgs {
  const problems: string[] = [];
  const presets: string[] = [];
  const backends: BenchBackend[] = [];
  const paths: BenchPath[] = [];
  let rounds: number | null = null;
  let testSize: number | null = null;
  let quick = false;
  let torch = true;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // --flag=value is read as --flag value.
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | null => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push(`${flag}: needs a value`);
        return null;
      }
      i++;
      return next;
    };
    switch (flag) {
      case '--preset': {
        const v = value();
        if (v === null) break;
        if (!PRESET_NAMES.includes(v)) problems.push(`--preset: unknown preset ${shown(v)}; choose one of ${PRESET_NAMES.join(', ')}`);
        else if (!presets.includes(v)) presets.push(v);
        break;
      }
      case '--backend': {
        const v = value();
        if (v === null) break;
        if (!(BENCH_BACKENDS as readonly string[]).includes(v)) problems.push(`--backend: must be one of ${BENCH_BACKENDS.join(', ')}; got ${shown(v)}`);
        else if (!backends.includes(v as BenchBackend)) backends.push(v as BenchBackend);
        break;
      }
      case '--path': {
        const v = value();
        if (v === null) break;
        if (!(BENCH_PATHS as readonly string[]).includes(v)) problems.push(`--path: must be one of ${BENCH_PATHS.join(', ')}; got ${shown(v)}`);
        else if (!paths.includes(v as BenchPath)) paths.push(v as BenchPath);
        break;
      }
      case '--rounds': {
        const v = value();
        if (v === null) break;
        // Plain decimal digits only: "1e1", "0x3" or "2.5" are typos, not rounds.
        const n = /^\d{1,3}$/.test(v) ? Number(v) : NaN;
        if (!(n >= 1 && n <= MAX_ROUNDS)) problems.push(`--rounds: must be a whole number 1 … ${MAX_ROUNDS}; got ${shown(v)}`);
        else rounds = n;
        break;
      }
      case '--test-size': {
        const v = value();
        if (v === null) break;
        const n = /^\d{1,5}$/.test(v) ? Number(v) : NaN;
        if (!(n >= MIN_TEST_SIZE && n <= MAX_TEST_SIZE)) problems.push(`--test-size: must be a whole number ${MIN_TEST_SIZE} … ${MAX_TEST_SIZE}; got ${shown(v)}`);
        else testSize = n;
        break;
      }
      case '--quick':
      case '--no-torch':
      case '--help':
      case '-h':
        if (inline !== undefined) problems.push(`${flag}: takes no value`);
        else if (flag === '--quick') quick = true;
        else if (flag === '--no-torch') torch = false;
        else help = true;
        break;
      default:
        problems.push(`${shown(arg)}: unknown flag (see --help)`);
    }
  }
  if (help) return { ok: true, options: { presets: [...DEFAULT_PRESETS], backends: [...DEFAULT_BACKENDS], paths: [...BENCH_PATHS], rounds: DEFAULT_ROUNDS, quick, torch, testSize, help } };
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    options: {
      presets: presets.length > 0 ? presets : [...DEFAULT_PRESETS],
      backends: backends.length > 0 ? backends : [...DEFAULT_BACKENDS],
      paths: paths.length > 0 ? paths : [...BENCH_PATHS],
      rounds: rounds ?? (quick ? 1 : DEFAULT_ROUNDS),
      quick,
      torch,
      testSize,
      help,
    },
  };
}
