import { ConfigError, NORMS, numericRange, parseConfig, type ExperimentConfig } from '../config/schema';
import { toCsv, type CsvCell } from '../engine/csv';
import { meanOf } from '../engine/history';
import type { RunOutcome } from '../engine/sweepRun';
import { toJson } from '../export/json';
import { helpRequested, parseArgs, shown, type CliOptions, type Override } from './args';

/**
 * `npm run sweep`: many short runs of one configuration, varying one or two settings (and the seed). Pure (no Node
 * APIs), so the unit tests call it as the CLI does. Every flag the experiment runner takes means the same here:
 * the rest of the command line goes through its parseArgs, once per combination of the varied values, so each run's
 * configuration is checked by the same strict schema before any run starts, and a problem is one line.
 */

/** The special --vary key: each run has one arm, of this normalization. Every other key is a --set path. */
export const NORM_KEY = 'norm';
/** The most runs one sweep may hold: a typo (a 3-digit list where a 1-digit one was meant) should not start hours of work. */
export const MAX_RUNS = 1000;
export const MAX_JOBS = 64;
/** One --vary per axis of the table: the first gives its rows, the second its columns. */
export const MAX_AXES = 2;

const SWEEP_VALUE_FLAGS = new Set(['--vary', '--seeds', '--jobs']);
const seedRange = numericRange('seed') ?? { min: 0, max: 2 ** 31 - 1 };

export function sweepUsage(cores: number): string {
  return `usage: npm run sweep -- [--preset NAME | --config FILE.json] [--set path=value]...
           --vary key=v1,v2,... [--vary key=v1,v2,...] [--seeds 1,2,3] [--steps N] [--jobs K]
           [--backend cpu|wasm] [--out FILE.json|FILE.csv [--mkdir]] [--quiet] [--help]
  --vary     a setting and its values, comma-separated: any path --set takes (batchSize,
             optimizer.learningRate, init.scale, model.width, …), or norm: each run then has one
             arm, of normalization ${NORMS.join(', ')} (group with its default number of groups).
             One or two --vary: the first gives the table's rows, the second its columns. A value is
             read as --set reads it; commas inside [...], {...} or "..." do not split it
  --seeds    repeat every combination with each of these seeds, e.g. 1,2,3 (default: the
             configuration's seed); the table then gives the mean ± the standard deviation
  --jobs     runs at a time, each in a process of its own, 1 … ${MAX_JOBS} (default ${cores}, this machine's
             cores); the results do not depend on it
  --steps    training steps of every run (default 3000): the same steps, not the same examples, so
             a smaller batch sees fewer examples
  --out      one row per run, as JSON (with the grid and each run's configuration) or as CSV
             (RFC 4180); checked before any run starts
  --preset, --config, --set, --backend, --mkdir, --quiet: as in npm run experiment -- --help
  -h, --help print this and exit
Every combination is checked by the configuration schema before the first run starts. Prints a table
of the final test accuracy to stdout (rows: the first --vary, columns: the second) and the progress
of each run to stderr.
exit status: 0 done; 2 a bad flag, value or combination (one line each on stderr); 1 a failure in training`;
}

/** Whether the words ask for the usage: --help or -h where a flag stands, not as the value of a flag. */
export function sweepHelpRequested(argv: readonly string[]): boolean {
  return helpRequested(splitArgv(argv).rest);
}

interface SplitArgv {
  /** The sweep's own flags with their values, in order; null where the value is missing. */
  own: { flag: string; value: string | null }[];
  /** Everything else, for the experiment runner's parser. */
  rest: string[];
}

/**
 * Takes the sweep's flags out of argv. A value that starts with "--" is the next flag, not a value, as the
 * experiment runner reads its own flags; so "--set --vary x=1" leaves --set without a value, which it reports.
 */
function splitArgv(argv: readonly string[]): SplitArgv {
  const own: SplitArgv['own'] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!SWEEP_VALUE_FLAGS.has(arg)) {
      rest.push(arg);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('--') && next !== '--')) own.push({ flag: arg, value: null });
    else {
      own.push({ flag: arg, value: next });
      i++;
    }
  }
  return { own, rest };
}

/**
 * Splits a --vary list at its top-level commas: a comma inside brackets, braces or a JSON string belongs to the
 * value ('arms=[{"norm":"batch"},{"norm":"layer"}],[{"norm":"none"}]' is two values). Null when the brackets or
 * quotes do not close.
 */
export function splitValues(list: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') {
      if (--depth < 0) return null;
    } else if (c === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0 || inString) return null;
  out.push(list.slice(start));
  return out;
}

/** One varied setting: its key and its values as typed (the labels of the table and of each run). */
export interface SweepAxis {
  key: string;
  raw: string[];
}

/** An axis with its values as the runs received them (5 a number, "batch" a string, JSON a value). */
export interface PlannedAxis extends SweepAxis {
  values: unknown[];
}

export interface SweepRunSpec {
  /** 1-based, in grid order: the first axis outermost, then the second, then the seeds. */
  run: number;
  /** Index of this run's value on each axis. */
  cell: number[];
  /** Each axis's key and this run's value of it. */
  settings: Record<string, unknown>;
  seed: number;
  config: ExperimentConfig;
}

export interface SweepPlan extends Omit<CliOptions, 'config' | 'overrides'> {
  /** The --set overrides the user gave (the sweep's own are in each run's settings). */
  overrides: Override[];
  axes: PlannedAxis[];
  seeds: number[];
  jobs: number;
  runs: SweepRunSpec[];
}

/** The --set a value of an axis becomes: norm replaces the arms with one arm of that normalization. */
export function axisSet(key: string, raw: string): string {
  return key === NORM_KEY ? `arms=${JSON.stringify([{ norm: raw }])}` : `${key}=${raw}`;
}

/** The config path an axis writes: what a --set of the same or a deeper path would collide with. */
function axisPath(key: string): string {
  return key === NORM_KEY ? 'arms' : key;
}

/** Whether `path` is `prefix` or lies under it, field by field ("arms.0.norm" under "arms", not "armsX"). */
function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`);
}

/** "batchSize=8 norm=batch": a combination in the user's words. */
export function cellLabel(axes: readonly SweepAxis[], cell: readonly number[]): string {
  return axes.map((a, i) => `${a.key}=${a.raw[cell[i]!]}`).join(' ');
}

/** "batchSize=8 norm=batch seed=2": one run in the user's words, for progress lines and errors. */
export function runLabel(axes: readonly SweepAxis[], spec: Pick<SweepRunSpec, 'cell' | 'seed'>): string {
  return `${cellLabel(axes, spec.cell)} seed=${spec.seed}`;
}

/** Every combination of the axes' value indices, the first axis outermost. */
export function gridCells(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>((cells, n) => cells.flatMap((c) => Array.from({ length: n }, (_, v) => [...c, v])), [[]]);
}

/** A combination's problem, as parseArgs said it, and the axis whose --set it names (null: a field or a flag). */
export interface CellProblem {
  axis: number | null;
  text: string;
}

/**
 * The problems of the failed combinations, each said once and for as few combinations as it is true of. A problem
 * that every combination has is the command's own (a bad flag, a bad --set): said as the experiment runner says it,
 * or as "--vary KEY: …" when it is about that key (an unknown field). One that holds for a block of the grid (every
 * combination with batchSize=600, or with norm=group and model.width=6) names that block; any other, each combination.
 */
export function describeCellProblems(axes: readonly SweepAxis[], failures: readonly { cell: number[]; problems: CellProblem[] }[]): string[] {
  const groups = new Map<string, { problem: CellProblem; cells: number[][] }>();
  for (const f of failures) {
    for (const p of f.problems) {
      const id = `${p.axis ?? ''}\n${p.text}`;
      const group = groups.get(id) ?? { problem: p, cells: [] };
      group.cells.push(f.cell);
      groups.set(id, group);
    }
  }
  const lines: string[] = [];
  for (const { problem, cells } of groups.values()) {
    const present = axes.map((_, a) => [...new Set(cells.map((c) => c[a]!))].sort((x, y) => x - y));
    const block = present.reduce((n, vs) => n * vs.length, 1) === new Set(cells.map((c) => c.join(','))).size;
    if (!block) {
      for (const c of cells) lines.push(`${cellLabel(axes, c)}: ${problem.text}`);
      continue;
    }
    const parts = axes.flatMap((axis, a) => (present[a]!.length === axis.raw.length ? [] : [`${axis.key}=${present[a]!.map((v) => axis.raw[v]).join(',')}`]));
    if (parts.length) lines.push(`${parts.join(' ')}: ${problem.text}`);
    else lines.push(problem.axis === null ? problem.text : `--vary ${axes[problem.axis]!.key}: ${problem.text}`);
  }
  return lines;
}

/** A whole number in decimal digits within [min, max], or NaN. */
function decimal(text: string, min: number, max: number): number {
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  return n >= min && n <= max ? n : NaN;
}

/**
 * Parses the sweep's command line into every run it will make, or throws ConfigError with every problem, one
 * line each. `readJson` reads a --config file (read once, whatever the number of combinations); `cores` is
 * --jobs's default.
 */
export function parseSweepArgs(argv: readonly string[], readJson: (file: string) => unknown, cores: number): SweepPlan {
  const { own, rest } = splitArgv(argv);
  const problems: string[] = [];
  const axes: SweepAxis[] = [];
  let seeds: number[] | null = null;
  let jobs = Math.max(1, Math.min(MAX_JOBS, Math.floor(cores)));
  for (const { flag, value } of own) {
    if (value === null) {
      problems.push(`${flag}: needs a value`);
      continue;
    }
    if (flag === '--vary') {
      const eq = value.indexOf('=');
      const key = value.slice(0, eq);
      if (eq < 1) {
        problems.push(`--vary ${shown(value)}: expected key=v1,v2,…, e.g. batchSize=8,32,60 or norm=none,batch`);
        continue;
      }
      if (key === 'seed') {
        problems.push('--vary seed: give the seeds with --seeds 1,2,3 (each seed repeats every combination)');
        continue;
      }
      if (axes.some((a) => a.key === key)) {
        problems.push(`--vary ${key}: given twice; list all its values in one --vary`);
        continue;
      }
      const other = axes.find((a) => under(axisPath(key), axisPath(a.key)) || under(axisPath(a.key), axisPath(key)));
      if (other) {
        problems.push(`--vary ${key} and --vary ${other.key}: both write ${axisPath(key) === 'arms' || axisPath(other.key) === 'arms' ? 'the arms' : 'the same field'}; vary one of them`);
        continue;
      }
      const raw = splitValues(value.slice(eq + 1));
      if (raw === null) {
        problems.push(`--vary ${shown(value)}: a bracket, brace or quote is not closed`);
        continue;
      }
      if (raw.some((v) => v === '')) {
        problems.push(`--vary ${shown(value)}: an empty value; separate the values with single commas`);
        continue;
      }
      const twice = raw.find((v, i) => raw.indexOf(v) !== i);
      if (twice !== undefined) {
        problems.push(`--vary ${key}: the value ${shown(twice)} is given twice`);
        continue;
      }
      if (key === NORM_KEY) {
        const bad = raw.filter((v) => !(NORMS as readonly string[]).includes(v));
        if (bad.length) {
          problems.push(`--vary norm: ${bad.map((v) => shown(v)).join(', ')} ${bad.length === 1 ? 'is not a normalization' : 'are not normalizations'}; use ${NORMS.join(', ')}`);
          continue;
        }
      }
      axes.push({ key, raw });
    } else if (flag === '--seeds') {
      if (seeds !== null) {
        problems.push('--seeds: given twice; list all the seeds in one --seeds');
        continue;
      }
      const list = value.split(',').map((s) => decimal(s, seedRange.min, seedRange.max));
      if (list.some((s) => Number.isNaN(s))) problems.push(`--seeds: must be whole numbers in decimal digits, ${seedRange.min} … ${seedRange.max}, separated by commas; got ${shown(value)}`);
      else if (new Set(list).size !== list.length) problems.push(`--seeds: a seed is given twice in ${shown(value)}`);
      else seeds = list;
    } else {
      const n = decimal(value, 1, MAX_JOBS);
      if (Number.isNaN(n)) problems.push(`--jobs: must be a whole number in decimal digits, 1 … ${MAX_JOBS}; got ${shown(value)}`);
      else jobs = n;
    }
  }
  if (axes.length === 0 && !own.some((o) => o.flag === '--vary')) problems.push('--vary: give a setting to vary, e.g. --vary batchSize=8,32,60 (--help for more)');
  if (axes.length > MAX_AXES) problems.push(`--vary: at most ${MAX_AXES} settings (the table's rows and columns); got ${axes.length}`);

  // A --set that a varied value would overwrite says one thing and runs another: refused. A --set of a group above a
  // varied field (--set optimizer={…} --vary optimizer.learningRate=…) is applied first and kept, so it is allowed.
  const userSets = rest.flatMap((arg, i) => (arg === '--set' && rest[i + 1] !== undefined && !rest[i + 1]!.startsWith('--') ? [rest[i + 1]!] : []));
  for (const kv of userSets) {
    const path = kv.slice(0, Math.max(0, kv.indexOf('=')));
    const axis = axes.find((a) => path !== '' && under(path, axisPath(a.key)));
    if (axis) problems.push(`--set ${shown(kv)} and --vary ${axis.key}: the varied ${axis.key === NORM_KEY ? 'normalization replaces the arms' : 'values replace it'}; give one or the other`);
    if (seeds !== null && path === 'seed') problems.push(`--set ${shown(kv)} and --seeds: give one or the other`);
  }

  // The file is read once, and its problems said once, however many combinations parse it.
  const fileCache = new Map<string, { value: unknown } | { error: unknown }>();
  const readOnce = (file: string): unknown => {
    if (!fileCache.has(file)) {
      try {
        fileCache.set(file, { value: readJson(file) });
      } catch (error) {
        fileCache.set(file, { error });
      }
    }
    const got = fileCache.get(file)!;
    if ('error' in got) throw got.error;
    return structuredClone(got.value);
  };

  if (problems.length || axes.length === 0) {
    // The sweep's flags are wrong: say so, with whatever else is wrong in the rest of the command line.
    try {
      parseArgs(rest, readOnce);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
    throw new ConfigError(problems);
  }

  const combinations = axes.reduce((n, a) => n * a.raw.length, 1);
  const runCount = combinations * (seeds?.length ?? 1);
  if (runCount > MAX_RUNS) throw new ConfigError([`--vary, --seeds: ${combinations} combinations × ${seeds?.length ?? 1} seed${seeds?.length === 1 || !seeds ? '' : 's'} is ${runCount} runs; a sweep holds at most ${MAX_RUNS}`]);
  const cells = gridCells(axes.map((a) => a.raw.length));

  // Each combination is the experiment runner's command line plus one --set per axis, parsed by its own parser.
  const parsed: { cell: number[]; options: CliOptions }[] = [];
  const failures: { cell: number[]; problems: CellProblem[] }[] = [];
  for (const cell of cells) {
    const sets = axes.map((a, i) => axisSet(a.key, a.raw[cell[i]!]!));
    const prefixes = sets.map((kv) => `--set ${shown(kv)}: `);
    try {
      parsed.push({ cell, options: parseArgs([...rest, ...sets.flatMap((kv) => ['--set', kv])], readOnce) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      failures.push({
        cell,
        problems: e.problems.map((text) => {
          // The sweep wrote these --set flags, not the user: the problem is the axis's, said without them.
          const axis = prefixes.findIndex((p) => text.startsWith(p));
          return axis < 0 ? { axis: null, text } : { axis, text: text.slice(prefixes[axis]!.length) };
        }),
      });
    }
  }
  if (failures.length) throw new ConfigError(describeCellProblems(axes, failures));

  const first = parsed[0]!.options;
  const userOverrides = first.overrides.slice(0, first.overrides.length - axes.length);
  const planned: PlannedAxis[] = axes.map((a, i) => ({
    ...a,
    values: a.raw.map((raw, v) => (a.key === NORM_KEY ? raw : parsed.find((p) => p.cell[i] === v)!.options.overrides[userOverrides.length + i]!.value)),
  }));
  const runSeeds = seeds ?? [first.config.seed];
  const runs: SweepRunSpec[] = [];
  for (const { cell, options } of parsed) {
    const settings: Record<string, unknown> = {};
    planned.forEach((a, i) => Object.defineProperty(settings, a.key, { value: a.values[cell[i]!], enumerable: true, writable: true, configurable: true }));
    for (const seed of runSeeds) runs.push({ run: runs.length + 1, cell, settings, seed, config: parseConfig({ ...options.config, seed }) });
  }
  const { config: _config, overrides: _overrides, ...flags } = first;
  return { ...flags, overrides: userOverrides, axes: planned, seeds: runSeeds, jobs: Math.min(jobs, runs.length), runs };
}

// --- results ---------------------------------------------------------------------------------------------------

/** What a sweep keeps of a run: its setting, its seed, and the numbers the table and the files give. */
export interface SweepRow extends RunOutcome {
  run: number;
  settings: Record<string, unknown>;
  seed: number;
  /** Machine-dependent: the wall-clock seconds of this run, the backend's start and the data excluded. */
  seconds: number;
}

// The per-run numbers and the code that trains a run are the engine's (src/engine/sweepRun.ts), shared with the
// lab's sweep worker. Only the type comes through here: the page's sweep view imports this module, and a value
// from sweepRun would bring TensorFlow.js into the page's first code (which must not read the address before the
// page has cleaned it).
export type { RunOutcome } from '../engine/sweepRun';

/** Mean and sample standard deviation (n − 1; NaN for fewer than two values); NaN if any value is. */
export function meanAndSpread(values: readonly number[]): { mean: number; sd: number; n: number } {
  const n = values.length;
  const mean = meanOf(values);
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, sd, n };
}

/** The runs of one combination, across seeds. */
function rowsOf(rows: readonly SweepRow[], runs: readonly SweepRunSpec[], cell: readonly number[]): SweepRow[] {
  const key = cell.join(',');
  const ids = new Set(runs.filter((r) => r.cell.join(',') === key).map((r) => r.run));
  return rows.filter((r) => ids.has(r.run));
}

export interface TableCell {
  mean: number;
  sd: number;
  n: number;
  /** Seeds in which the run diverged (its training stopped at divergedAt). */
  diverged: number;
}

/** The table's numbers: final test accuracy per combination, over the seeds; [row][column] (one column for one axis). */
export function tableCells(axes: readonly SweepAxis[], runs: readonly SweepRunSpec[], rows: readonly SweepRow[]): TableCell[][] {
  const cols = axes[1]?.raw.length ?? 1;
  return axes[0]!.raw.map((_, r) =>
    Array.from({ length: cols }, (_, c) => {
      const these = rowsOf(rows, runs, axes.length > 1 ? [r, c] : [r]);
      return { ...meanAndSpread(these.map((x) => x.finalTestAccuracy)), diverged: these.filter((x) => x.divergedAt !== null).length };
    }),
  );
}

/** A percentage to one decimal, and "± sd" when there are seeds to spread over. */
export function formatCell(cell: TableCell): string {
  const base = Number.isFinite(cell.mean) ? (cell.mean * 100).toFixed(1) : '–';
  const spread = cell.n > 1 && Number.isFinite(cell.sd) ? ` ± ${(cell.sd * 100).toFixed(1)}` : '';
  return `${base}${spread}${cell.diverged ? '†' : ''}`;
}

/** Markdown cell text: a label may hold "|" (a JSON value), which would end the cell. */
const mdCell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The sweep in one Markdown table, after Wu & He (2018), Figure 1: rows are the first axis's values, columns the
 * second's, each cell the final test accuracy (%), its mean over the seeds, ± its standard deviation with more than
 * one seed. A one-axis sweep has one column.
 */
export function sweepTable(plan: Pick<SweepPlan, 'axes' | 'runs' | 'seeds' | 'steps'>, rows: readonly SweepRow[]): string {
  const { axes, seeds } = plan;
  const cells = tableCells(axes, plan.runs, rows);
  const header = [axes.length > 1 ? `${axes[0]!.key} \\ ${axes[1]!.key}` : axes[0]!.key, ...(axes.length > 1 ? axes[1]!.raw : ['final test acc (%)'])].map(mdCell);
  const body = cells.map((row, r) => [mdCell(axes[0]!.raw[r]!), ...row.map(formatCell)]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => '-'.repeat(w + 1) + (c === 0 ? '-' : ':')).join('|') + '|';
  const over = seeds.length > 1 ? `mean ± standard deviation (n − 1) over seeds ${seeds.join(', ')}` : `seed ${seeds[0]}`;
  const notes = [`final test accuracy (%) after ${plan.steps} steps, ${over}`];
  if (cells.some((row) => row.some((c) => c.diverged > 0))) notes.push('† diverged in at least one seed: training stopped at divergedAt (see the JSON), the accuracy is that of the stopped net');
  return [line(header), rule, ...body.map(line), ...notes].join('\n');
}

/** Cell text for a setting's value in CSV: a number stays a number, anything else is its text or its JSON. */
function settingCell(value: unknown): CsvCell {
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** One record per run, the axes' keys first: RFC 4180 and spreadsheet-safe, through the one CSV writer. */
export function sweepCsv(plan: Pick<SweepPlan, 'axes'>, rows: readonly SweepRow[]): string {
  const keys = plan.axes.map((a) => a.key);
  const metrics = ['finalTrainLoss', 'finalTestLoss', 'finalTestAccuracy', 'meanTestAccuracy', 'divergedAt', 'steps', 'seconds'] as const;
  return toCsv([
    ['run', ...keys, 'seed', ...metrics],
    ...rows.map((r) => [r.run, ...keys.map((k) => settingCell(r.settings[k])), r.seed, ...metrics.map((m) => r[m])]),
  ]);
}

export interface SweepRecordInput {
  plan: SweepPlan;
  backend: { name: string; reason: string };
  rows: readonly SweepRow[];
  /** Machine-dependent: the sweep's wall-clock seconds. */
  seconds: number;
}

/**
 * The sweep as JSON: where the configuration came from, the grid, and per run its settings, seed, numbers and full
 * configuration (so any one run can be replayed with npm run experiment -- --config). `seconds` fields are the only
 * machine-dependent ones. NaN becomes null.
 */
export function sweepJson({ plan, backend, rows, seconds }: SweepRecordInput): string {
  return toJson({
    tool: 'batchnorm-explorer sweep',
    preset: plan.preset,
    source: plan.source,
    overrides: plan.overrides,
    backend,
    steps: plan.steps,
    seeds: plan.seeds,
    grid: plan.axes.map((a) => ({ key: a.key, values: a.values })),
    seconds,
    runs: rows.map((r) => ({ ...r, config: plan.runs[r.run - 1]!.config })),
  });
}
