import { describeIssues } from '../config/schema';
import { rnnConfigSchema, type RnnConfig } from '../engine/rnn/config';
import { shown } from './args';

/**
 * The recurrent experiment's flags (`npm run rnn -- …`). Pure (no Node APIs), so the unit tests call it as the CLI
 * does. Every problem is one line naming the flag, collected rather than thrown at the first; the CLI prints them
 * and exits with status 2. Numeric bounds come from the RNN's schema, the one the lab's view uses.
 */
export const RNN_MAX_STEPS = 100_000;

export interface RnnCliOptions {
  steps: number;
  backend: 'cpu' | 'wasm';
  out?: string;
  mkdir: boolean;
  quiet: boolean;
  help: boolean;
  config: RnnConfig;
}

/** Flags that set a field of the RNN's configuration: flag → field. */
const CONFIG_FLAGS = {
  '--seed': 'seed',
  '--hidden': 'hidden',
  '--batch-size': 'batchSize',
  '--lr': 'learningRate',
  '--clip': 'clipNorm',
  '--momentum': 'momentum',
  '--gamma': 'gamma',
  '--probe-every': 'probeEvery',
  '--test-size': 'testSize',
} as const satisfies Record<string, keyof RnnConfig>;

const INTEGER_FIELDS = new Set<keyof RnnConfig>(['seed', 'hidden', 'batchSize', 'probeEvery', 'testSize']);
const d = rnnConfigSchema.parse({});

export const RNN_USAGE = `usage: npm run rnn -- [--steps N] [--seed S] [--out FILE.json [--mkdir]] [--batch-size B] [--hidden H]
           [--lr η] [--clip C] [--momentum M] [--gamma G] [--probe-every K] [--test-size N]
           [--backend cpu|wasm] [--quiet] [--help]
A tanh RNN reads MNIST digits row by row (28 steps of 28 pixels) in three arms trained in lockstep from the same
weights on the same batches: no normalization, layer norm, and batch norm with per-time-step statistics.
  --steps        training steps, 1 … ${RNN_MAX_STEPS} (default 1000)
  --seed         the seed of the weights and the batch order (default ${d.seed})
  --out          write every probe of every arm as JSON; checked before training; its directory must exist
  --mkdir        create --out's missing directories
  --batch-size   examples per batch, 2 … 500 (default ${d.batchSize})
  --hidden       hidden units, 4 … 256 (default ${d.hidden})
  --lr           Adam's learning rate (default ${d.learningRate})
  --clip         clip gradients to this global ℓ2 norm, 0 for none (default ${d.clipNorm})
  --momentum     batch norm's running-average momentum, PyTorch's convention (default ${d.momentum})
  --gamma        γ's initial value in both normalized arms (default ${d.gamma})
  --probe-every  a probe every K steps (default ${d.probeEvery})
  --test-size    test digits evaluated at each probe (default ${d.testSize})
  --backend      cpu or wasm (default wasm)
  --quiet        no progress on stderr
  -h, --help     print this and exit
exit status: 0 done; 2 a bad flag or value (one line each on stderr); 1 a failure in training`;

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export type ParsedRnnArgs = { ok: true; options: RnnCliOptions } | { ok: false; problems: string[] };

export function parseRnnArgs(argv: readonly string[]): ParsedRnnArgs {
  const problems: string[] = [];
  const fields: Partial<Record<keyof RnnConfig, number>> = {};
  let steps = 1000;
  let backend: 'cpu' | 'wasm' = 'wasm';
  let out: string | undefined;
  let mkdir = false;
  let quiet = false;
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
    if (flag in CONFIG_FLAGS) {
      const field = CONFIG_FLAGS[flag as keyof typeof CONFIG_FLAGS];
      const v = value();
      if (v === null) continue;
      // Whole numbers in decimal digits only ("1e3", "0x10" and "2.5" are typos there); others as people write them.
      const n = INTEGER_FIELDS.has(field) ? (/^\d{1,10}$/.test(v) ? Number(v) : NaN) : NUMBER_RE.test(v) ? Number(v) : NaN;
      if (Number.isNaN(n)) problems.push(`${flag}: must be ${INTEGER_FIELDS.has(field) ? 'a whole number in decimal digits' : 'a number'}; got ${shown(v)}`);
      else fields[field] = n;
      continue;
    }
    switch (flag) {
      case '--steps': {
        const v = value();
        if (v === null) break;
        const n = /^\d{1,7}$/.test(v) ? Number(v) : NaN;
        if (!(n >= 1 && n <= RNN_MAX_STEPS)) problems.push(`--steps: must be a whole number 1 … ${RNN_MAX_STEPS}; got ${shown(v)}`);
        else steps = n;
        break;
      }
      case '--backend': {
        const v = value();
        if (v === null) break;
        if (v !== 'cpu' && v !== 'wasm') problems.push(`--backend: must be cpu or wasm; got ${shown(v)}`);
        else backend = v;
        break;
      }
      case '--out': {
        const v = value();
        if (v === null) break;
        if (!/\.json$/i.test(v)) problems.push(`--out: must end in .json; got ${shown(v)}`);
        else out = v;
        break;
      }
      case '--mkdir':
      case '--quiet':
      case '--help':
      case '-h':
        if (inline !== undefined) problems.push(`${flag}: takes no value`);
        else if (flag === '--mkdir') mkdir = true;
        else if (flag === '--quiet') quiet = true;
        else help = true;
        break;
      default:
        problems.push(`${shown(arg)}: unknown flag (--help lists them)`);
        // Its value, if it has one, is not a second problem.
        if (arg.startsWith('-') && inline === undefined && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++;
    }
  }
  const parsed = rnnConfigSchema.safeParse(fields);
  if (!parsed.success) {
    // The schema names fields; the user typed flags.
    const flagOf = Object.fromEntries(Object.entries(CONFIG_FLAGS).map(([f, k]) => [k, f]));
    problems.push(...describeIssues(parsed.error.issues, rnnConfigSchema).map((m) => m.replace(/^(\w+):/, (_, k: string) => `${flagOf[k] ?? k}:`)));
  }
  if (help) return { ok: true, options: { steps, backend, mkdir, quiet, help, config: d } };
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, options: { steps, backend, ...(out !== undefined ? { out } : {}), mkdir, quiet, help, config: parsed.data } };
}
