import { z } from 'zod';
import { ConfigError, configSchema, describeIssues, numericRange, type ExperimentConfig } from '../config/schema';
import { PRESET_NAMES, PRESETS } from '../config/presets';

/**
 * The experiment runner's flags. Pure (no Node APIs): the lab's "copy the command" export parses its own output
 * with it in the browser. Every problem is one line naming the flag or field, collected rather than thrown at
 * the first, and the runner prints them and exits with status 2.
 */
export const cliSchema = z.object({
  preset: z.enum(PRESET_NAMES as [string, ...string[]]).optional(),
  steps: z.number().int().min(1).max(1_000_000).default(3000),
  backend: z.enum(['cpu', 'wasm']).default('wasm'),
  out: z.string().regex(/\.(json|csv)$/i, 'must end in .json or .csv').optional(),
  quiet: z.boolean().default(false),
  mkdir: z.boolean().default(false),
});

const DEFAULT_PRESET = 'ioffe-mnist';

/** One --set as written, after its value was read: recorded in the output so a run says what it was given. */
export interface Override {
  path: string;
  value: unknown;
}

export interface CliOptions {
  steps: number;
  backend: 'cpu' | 'wasm';
  out?: string;
  quiet: boolean;
  /** Create --out's missing directories. */
  mkdir: boolean;
  /** The preset the configuration started from; null when it came from --config. */
  preset: string | null;
  /** Where the configuration came from, for the output: "preset ioffe-mnist" or "config FILE". */
  source: string;
  /** The --set overrides applied on top of it, in order. */
  overrides: Override[];
  config: ExperimentConfig;
}

const stepsRange = numericRange('steps', cliSchema) ?? { min: 1, max: 1_000_000 };

export const USAGE = `usage: npm run experiment -- [--preset NAME | --config FILE.json] [--set path=value]...
           [--steps N] [--backend cpu|wasm] [--out FILE.json|FILE.csv [--mkdir]] [--quiet] [--help]
  --preset   ${PRESET_NAMES.join(', ')}
             (default ${DEFAULT_PRESET})
  --config   a whole configuration as JSON, instead of a preset, checked by the schema of the presets
             and share links: a field it does not know is an error
  --set      change one field, e.g. --set optimizer.learningRate=0.05 --set arms.1.norm=layer;
             the value is a number, true, false, null or JSON ('arms=[{"norm":"batch"}]'), else text;
             repeatable, applied in order; unknown fields and the path segments __proto__, prototype
             and constructor are errors
  --steps    training steps, a whole number in decimal digits, ${stepsRange.min} … ${stepsRange.max} (default 3000)
  --backend  cpu or wasm (default wasm)
  --out      write the histories as JSON, or as CSV (RFC 4180, CRLF line ends); checked before
             training starts; its directory must exist
  --mkdir    create --out's missing directories
  --quiet    no progress on stderr
  -h, --help print this and exit
exit status: 0 done; 2 a bad flag, value or file (one line each on stderr); 1 a failure in training`;

/** Flags followed by a value, and flags on their own. */
const VALUE_FLAGS = new Set(['--preset', '--steps', '--backend', '--out', '--set', '--config']);
const SWITCHES = new Set(['--quiet', '--mkdir', '--help', '-h']);

/** Whether the words ask for the usage (--help or -h where a flag is expected, not as another flag's value). */
export function helpRequested(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return true;
    if (VALUE_FLAGS.has(arg)) i++;
  }
  return false;
}

/** A value from the command line, quoted and cut short, so a message stays on one line whatever was typed. */
export function shown(raw: string, max = 60): string {
  return JSON.stringify(raw.length > max ? `${raw.slice(0, max - 1)}…` : raw);
}

/** An error's message on one line: JSON.parse's and fs's messages are, but nothing guarantees it. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

// --- --set ----------------------------------------------------------------------------------------------------

/** Path segments that reach an object's prototype: refused, whatever the value (no prototype pollution). */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
/** A number as people write one: 5, -0.5, .5, 1e-3. Not 0x10, Infinity or NaN, which stay text (and fail the schema). */
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function readValue(raw: string, where: string): Parsed<unknown> {
  if (raw === 'true') return { ok: true, value: true };
  if (raw === 'false') return { ok: true, value: false };
  if (raw === 'null') return { ok: true, value: null };
  if (NUMBER_RE.test(raw)) return { ok: true, value: Number(raw) };
  if (/^[[{"]/.test(raw)) {
    try {
      return { ok: true, value: JSON.parse(raw) as unknown };
    } catch (e) {
      return { ok: false, problem: `${where}: the value is not valid JSON (${oneLine(e instanceof Error ? e.message : String(e))})` };
    }
  }
  return { ok: true, value: raw };
}

function parseSet(kv: string): Parsed<{ segments: string[]; value: unknown }> {
  const where = `--set ${shown(kv)}`;
  const eq = kv.indexOf('=');
  if (eq < 1) return { ok: false, problem: `${where}: expected path=value, e.g. optimizer.learningRate=0.05` };
  const segments = kv.slice(0, eq).split('.');
  if (segments.some((s) => s === '')) return { ok: false, problem: `${where}: a path is field names joined by dots, with none empty` };
  const bad = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (bad !== undefined) return { ok: false, problem: `${where}: "${bad}" is not allowed in a path` };
  const value = readValue(kv.slice(eq + 1), where);
  return value.ok ? { ok: true, value: { segments, value: value.value } } : value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** An own, ordinary property: never a setter, never the prototype, whatever the key. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * Sets `segments` in `root` to `value`, creating missing groups as plain objects. Looks only at own properties
 * (an inherited `toString` is not a field), and never descends into or replaces a value that is not a group
 * (`seed.x=1` is an error, not a silent change of seed into an object). Returns a problem, or null.
 */
function setPath(root: Record<string, unknown>, segments: readonly string[], value: unknown, where: string): string | null {
  let node: Record<string, unknown> | unknown[] = root;
  for (let d = 0; d < segments.length; d++) {
    const key = segments[d]!;
    const last = d === segments.length - 1;
    const here = segments.slice(0, d).join('.') || '(config)';
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(key) || Number(key) > node.length) {
        return `${where}: ${here} is a list of ${node.length}; index it with 0 … ${node.length} (${node.length} adds one)`;
      }
      const index = Number(key);
      if (last) {
        node[index] = value;
        return null;
      }
      if (index === node.length) node.push({});
      const next: unknown = node[index];
      if (!isPlainObject(next) && !Array.isArray(next)) return `${where}: ${segments.slice(0, d + 1).join('.')} is ${kindOf(next)}, not a group of fields`;
      node = next;
    } else {
      if (last) {
        defineOwn(node, key, value);
        return null;
      }
      if (!Object.hasOwn(node, key)) defineOwn(node, key, {});
      const next: unknown = node[key];
      if (!isPlainObject(next) && !Array.isArray(next)) return `${where}: ${segments.slice(0, d + 1).join('.')} is ${kindOf(next)}, not a group of fields`;
      node = next;
    }
  }
  return null;
}

// --- unknown fields -------------------------------------------------------------------------------------------

/** The field names the schema knows at a path (through defaults, optionals and lists), by zod's public API. */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let node: unknown = configSchema;
  const unwrap = () => {
    while (node instanceof z.ZodDefault || node instanceof z.ZodOptional) node = node.unwrap();
  };
  for (const key of path) {
    unwrap();
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, unknown>)[String(key)];
    else if (node instanceof z.ZodArray) node = node.element;
    else return [];
  }
  unwrap();
  return node instanceof z.ZodObject ? Object.keys(node.shape as Record<string, unknown>) : [];
}

/** Optimal string alignment distance (Levenshtein with transpositions): "optimizr" is 1 from "optimizer". */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The nearest known field if it is close (a typo or a case slip), else the list of known fields at that level. */
function suggestion(parent: readonly string[], key: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const scored = known.map((k) => ({ k, d: k.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, k) })).sort((x, y) => x.d - y.d);
  const best = scored[0]!;
  if (best.d <= Math.max(1, Math.min(3, Math.floor(key.length / 3)))) return ` (did you mean "${[...parent, best.k].join('.')}"?)`;
  return ` (${parent.length ? `${parent.join('.')} has` : 'the fields are'} ${known.join(', ')})`;
}

/**
 * The schema's problems, one line each, and one line per unknown field, said in the user's terms: the --set that
 * wrote it or the --config file that holds it, and the nearest field the schema knows.
 */
function describeConfigIssues(issues: readonly z.core.$ZodIssue[], sets: readonly { kv: string; segments: string[] }[], origin: string): string[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'unrecognized_keys') return describeIssues([issue]);
    return issue.keys.map((key) => {
      const full = [...issue.path.map(String), key];
      const fromSet = [...sets].reverse().find((s) => s.segments.slice(0, full.length).join('.') === full.slice(0, s.segments.length).join('.'));
      const where = fromSet ? `--set ${shown(fromSet.kv)}` : origin;
      return `${where}: unknown field "${full.join('.')}"${suggestion(issue.path.map(String), key, fieldsAt(issue.path))}`;
    });
  });
}

// --- the whole command line -----------------------------------------------------------------------------------

/**
 * Parses argv into the run's options, or throws ConfigError with every problem found, one line each. `readJson`
 * reads a --config file: injected, so this module stays free of Node APIs (src/cli/files.ts has the real one,
 * which reports its own problems as ConfigError; any other error it throws is reported against the file).
 * --help is not handled here: see helpRequested.
 */
export function parseArgs(argv: readonly string[], readJson: (file: string) => unknown): CliOptions {
  const problems: string[] = [];
  const flags: Record<string, unknown> = {};
  const sets: { kv: string; segments: string[]; value: unknown }[] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_FLAGS.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined || (value.startsWith('--') && value !== '--')) {
        problems.push(`${arg}: needs a value${value === undefined ? '' : `, got the flag ${shown(value)}`}`);
        continue;
      }
      i++;
      if (arg === '--steps') {
        // Plain decimal digits only: Number() would also take 0x2, 1e3, 2.5 and " 7 ".
        const steps = /^\d+$/.test(value) ? Number(value) : NaN;
        if (Number.isSafeInteger(steps)) flags.steps = steps;
        else problems.push(`--steps: must be a whole number in decimal digits, ${stepsRange.min} … ${stepsRange.max}; got ${shown(value)}`);
      } else if (arg === '--set') {
        const set = parseSet(value);
        if (set.ok) sets.push({ kv: value, ...set.value });
        else problems.push(set.problem);
      } else if (arg === '--config') configFile = value;
      else flags[arg.slice(2)] = value;
    } else if (SWITCHES.has(arg)) {
      if (arg === '--quiet' || arg === '--mkdir') flags[arg.slice(2)] = true;
    } else problems.push(`${shown(arg)}: unknown flag (--help lists them)`);
  }
  if (configFile !== undefined && flags.preset !== undefined) problems.push('--preset and --config: give one or the other (a config file is a whole configuration)');
  const parsed = cliSchema.safeParse(flags);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, cliSchema).map((m) => `--${m}`));
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const { preset = DEFAULT_PRESET, ...options } = parsed.data;

  let base: unknown;
  let origin: string;
  if (configFile !== undefined) {
    origin = `--config ${shown(configFile)}`;
    try {
      base = readJson(configFile);
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError([`${origin}: ${oneLine(e instanceof Error ? e.message : String(e))}`]);
    }
    if (!isPlainObject(base)) throw new ConfigError([`${origin}: must hold a JSON object (a configuration), not ${kindOf(base)}`]);
  } else {
    origin = `--preset ${preset}`;
    base = structuredClone(PRESETS.find((p) => p.name === preset)!.config);
  }
  const root = base as Record<string, unknown>;
  for (const s of sets) {
    const problem = setPath(root, s.segments, s.value, `--set ${shown(s.kv)}`);
    if (problem) problems.push(problem);
  }
  if (problems.length) throw new ConfigError(problems);
  const result = configSchema.safeParse(root);
  if (!result.success) throw new ConfigError(describeConfigIssues(result.error.issues, sets, origin));
  return {
    ...options,
    preset: configFile === undefined ? preset : null,
    source: configFile === undefined ? `preset ${preset}` : `config ${configFile}`,
    overrides: sets.map((s) => ({ path: s.segments.join('.'), value: s.value })),
    config: result.data,
  };
}
