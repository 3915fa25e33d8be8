import { parseArgs } from '../cli/args';
import { PRESETS, presetConfig } from '../config/presets';
import type { ExperimentConfig } from '../config/schema';
import { toJson } from './json';

/**
 * The `npm run experiment` command that reproduces a configuration: `--preset NAME --set path=value …` when it
 * differs from a preset in a few fields, else `--config FILE.json` with the JSON beside it. Every command is
 * checked by parsing it back with the CLI's own parseArgs before it is offered, so a command that would not give
 * the same configuration is never shown.
 */

/** Beyond this many --set flags a command is harder to read than a config file. */
export const MAX_SETS = 6;

/** Characters a POSIX shell passes through unquoted in any position of a word (no globs, no expansions). */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell: single quotes, each ' written as '\'' (the only character they cannot hold). */
export function shellQuote(word: string): string {
  if (SHELL_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface CommandOptions {
  /** Training steps (--steps); the CLI's default 3000 when absent. */
  steps?: number;
  backend?: 'cpu' | 'wasm';
  /** The name the config file is saved under, for the --config form. */
  configFile: string;
  maxSets?: number;
}

export interface ExperimentCommand {
  /** The whole command line, quoted for a POSIX shell. */
  command: string;
  /** The words after `npm run experiment --`, unquoted: what the CLI's parseArgs receives. */
  args: string[];
  kind: 'preset' | 'config';
  /** The preset the command starts from (the nearest one, also for the --config form), or null. */
  preset: string | null;
  /** What the CLI will record the configuration as built from, as its JSON's `source` and `overrides` say. */
  source: string;
  overrides: { path: string; value: unknown }[];
  /** The complete configuration as JSON: the file for --config, offered in either case. */
  configJson: string;
  configFile: string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Diff = [path: string, value: Json];

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep equality of JSON values, whatever the key order. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
}

/**
 * The --set assignments that turn `base` into `target`: leaves where the shapes agree, whole values where they do
 * not (an array of another length, a field that `target` lacks and --set cannot remove).
 */
function diff(base: Json | undefined, target: Json, path: string): Diff[] {
  if (same(base, target)) return [];
  if (path && isObject(base) && isObject(target) && Object.keys(base).every((k) => k in target)) {
    return Object.keys(target).flatMap((k) => diff(base[k], target[k]!, `${path}.${k}`));
  }
  if (!path && isObject(base) && isObject(target)) return Object.keys(target).flatMap((k) => diff(base[k], target[k]!, k));
  if (path && Array.isArray(base) && Array.isArray(target) && base.length === target.length) {
    return target.flatMap((v, i) => diff(base[i], v, `${path}.${i}`));
  }
  return [[path, target]];
}

function setWord([path, value]: Diff): string {
  return `${path}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`;
}

function plain(config: ExperimentConfig): Json {
  return JSON.parse(JSON.stringify(config)) as Json;
}

/** Whether the CLI, given these words (and the file's JSON for --config), builds exactly this configuration. */
function reproduces(args: string[], config: ExperimentConfig, configJson: string): boolean {
  try {
    const parsed = parseArgs(args, () => JSON.parse(configJson) as unknown);
    return same(parsed.config, config);
  } catch {
    return false;
  }
}

export function experimentCommand(config: ExperimentConfig, opts: CommandOptions): ExperimentCommand {
  const configJson = toJson(config) + '\n';
  const target = plain(config);
  const tail: string[] = [];
  if (opts.steps !== undefined) tail.push('--steps', String(opts.steps));
  if (opts.backend) tail.push('--backend', opts.backend);

  // The nearest preset: the one needing the fewest --set flags (the first on a tie).
  const candidates = PRESETS.map((p) => ({ name: p.name, sets: diff(plain(presetConfig(p.name)), target, '') }));
  candidates.sort((a, b) => a.sets.length - b.sets.length);
  const nearest = candidates[0]!;
  const finish = (kind: ExperimentCommand['kind'], args: string[]): ExperimentCommand => ({
    command: ['npm', 'run', 'experiment', '--', ...args].map(shellQuote).join(' '),
    args,
    kind,
    preset: nearest.name,
    source: kind === 'preset' ? `preset ${nearest.name}` : `config ${opts.configFile}`,
    overrides: kind === 'preset' ? nearest.sets.map(([path, value]) => ({ path, value })) : [],
    configJson,
    configFile: opts.configFile,
  });

  if (nearest.sets.length <= (opts.maxSets ?? MAX_SETS)) {
    const args = ['--preset', nearest.name, ...tail, ...nearest.sets.flatMap((d) => ['--set', setWord(d)])];
    if (reproduces(args, config, configJson)) return finish('preset', args);
  }
  const args = ['--config', opts.configFile, ...tail];
  if (!reproduces(args, config, configJson)) throw new Error('the configuration does not survive a round trip through its own JSON');
  return finish('config', args);
}

/** The preset a configuration is exactly, or null. */
export function matchingPreset(config: ExperimentConfig): string | null {
  const target = plain(config);
  return PRESETS.find((p) => same(plain(presetConfig(p.name)), target))?.name ?? null;
}
