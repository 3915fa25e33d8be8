import { describeIssues } from '../config/schema';
import { DEFAULT_GAN_CONFIG, ganConfigSchema, type GanConfig } from '../engine/gan/gan';
import { oneLine, shown } from './args';

/**
 * The GAN runner's flags (`npm run gan -- …`). Pure (no Node APIs), so the tests call it as the CLI does. Every
 * problem is one line naming the flag, collected rather than thrown at the first; the runner exits with status 2.
 */
export interface GanOptions {
  readonly steps: number;
  /** Probe (and print) every this many steps. */
  readonly every: number;
  readonly backend: 'cpu' | 'wasm';
  readonly out?: string;
  readonly mkdir: boolean;
  readonly quiet: boolean;
  /** The --set fields, as given, for the output. */
  readonly overrides: readonly { path: string; value: number }[];
  readonly config: GanConfig;
}

export const GAN_MAX_STEPS = 1_000_000;

export const GAN_USAGE = `usage: npm run gan -- [--steps N] [--seed S] [--every N] [--backend cpu|wasm] [--set field=number]...
           [--out FILE.json [--mkdir]] [--quiet] [--help]
Trains a small GAN on a ring of ${DEFAULT_GAN_CONFIG.modes} Gaussians twice in lockstep, the generator without and with batch
norm, from the same initial weights on the same batches, and prints the modes each covers.
  --steps    training steps, 1 … ${GAN_MAX_STEPS} (default 3000)
  --seed     the seed of every random draw, 1 … 2147483647 (default ${DEFAULT_GAN_CONFIG.seed})
  --every    probe every N steps (default 250; the last step is always probed)
  --backend  cpu or wasm (default wasm)
  --set      change one setting: ${Object.keys(ganConfigSchema.shape).filter((k) => k !== 'seed').join(', ')}
             e.g. --set learningRate=0.002 (repeatable)
  --out      write the probes and the last samples as JSON; checked before training starts
  --mkdir    create --out's missing directories
  --quiet    no progress on stderr
  -h, --help print this and exit
exit status: 0 done; 2 a bad flag or value (one line each on stderr); 1 a failure in training`;

const VALUE_FLAGS = new Set(['--steps', '--seed', '--every', '--backend', '--set', '--out']);

export type ParsedGanArgs = { ok: true; help: boolean; options: GanOptions } | { ok: false; problems: string[] };

/** A whole number in decimal digits within [min, max], or a problem. */
function wholeNumber(flag: string, raw: string, min: number, max: number, problems: string[]): number | null {
  const v = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(v) && v >= min && v <= max) return v;
  problems.push(`${flag}: must be a whole number in decimal digits, ${min} … ${max}; got ${shown(raw)}`);
  return null;
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function parseGanArgs(argv: readonly string[]): ParsedGanArgs {
  const problems: string[] = [];
  let steps = 3000;
  let every = 250;
  let backend: 'cpu' | 'wasm' = 'wasm';
  let out: string | undefined;
  let mkdir = false;
  let quiet = false;
  let help = false;
  const fields: Record<string, number> = {};
  const overrides: { path: string; value: number }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (arg === '--mkdir' || arg === '--quiet') {
      if (arg === '--mkdir') mkdir = true;
      else quiet = true;
      continue;
    }
    if (!VALUE_FLAGS.has(arg)) {
      problems.push(`${shown(arg)}: unknown flag (--help lists them)`);
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) {
      problems.push(`${arg}: needs a value${value === undefined ? '' : `, got the flag ${shown(value)}`}`);
      continue;
    }
    i++;
    switch (arg) {
      case '--steps':
        steps = wholeNumber(arg, value, 1, GAN_MAX_STEPS, problems) ?? steps;
        break;
      case '--every':
        every = wholeNumber(arg, value, 1, GAN_MAX_STEPS, problems) ?? every;
        break;
      case '--seed': {
        const seed = wholeNumber(arg, value, 1, 2 ** 31 - 1, problems);
        if (seed !== null) fields.seed = seed;
        break;
      }
      case '--backend':
        if (value === 'cpu' || value === 'wasm') backend = value;
        else problems.push(`--backend: must be cpu or wasm; got ${shown(value)}`);
        break;
      case '--out':
        if (/\.json$/i.test(value)) out = value;
        else problems.push(`--out: must end in .json; got ${shown(value)}`);
        break;
      case '--set': {
        const eq = value.indexOf('=');
        const key = eq > 0 ? value.slice(0, eq) : '';
        const raw = eq > 0 ? value.slice(eq + 1) : '';
        if (!key) problems.push(`--set ${shown(value)}: expected field=number, e.g. learningRate=0.002`);
        else if (!Object.hasOwn(ganConfigSchema.shape, key) || key === 'seed') {
          problems.push(`--set ${shown(value)}: unknown field "${key}" (${key === 'seed' ? 'use --seed' : `the fields are ${Object.keys(ganConfigSchema.shape).filter((k) => k !== 'seed').join(', ')}`})`);
        } else if (!NUMBER_RE.test(raw)) problems.push(`--set ${shown(value)}: the value must be a number`);
        else {
          fields[key] = Number(raw);
          overrides.push({ path: key, value: Number(raw) });
        }
        break;
      }
    }
  }
  const parsed = ganConfigSchema.safeParse({ ...DEFAULT_GAN_CONFIG, ...fields });
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, ganConfigSchema).map((m) => oneLine(m)));
  if (problems.length || !parsed.success) return { ok: false, problems: problems.length ? problems : ['invalid settings'] };
  return { ok: true, help, options: { steps, every, backend, out, mkdir, quiet, overrides, config: parsed.data } };
}
