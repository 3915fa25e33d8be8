import { z } from 'zod';
import { ConfigError, describeIssues, parseConfig, type ExperimentConfig } from '../config/schema';
import { PRESET_NAMES, PRESETS } from '../config/presets';

/** The experiment runner's flags, validated like everything else: a bad value names the flag and its range. */
export const cliSchema = z.object({
  preset: z.enum(PRESET_NAMES as [string, ...string[]]).default('ioffe-mnist'),
  steps: z.number().int().min(1).max(1_000_000).default(3000),
  backend: z.enum(['cpu', 'wasm']).default('wasm'),
  out: z.string().regex(/\.(json|csv)$/i, 'must end in .json or .csv').optional(),
  quiet: z.boolean().default(false),
});

export type CliOptions = z.output<typeof cliSchema> & { config: ExperimentConfig };

export const USAGE = `usage: npm run experiment -- [--preset NAME] [--steps N] [--backend cpu|wasm] [--out FILE.json|FILE.csv]
                              [--set path=value]... [--config FILE.json] [--quiet]
  --preset   one of ${PRESET_NAMES.join(', ')} (default ioffe-mnist)
  --steps    training steps, 1 … 1000000 (default 3000)
  --backend  cpu or wasm (default wasm)
  --out      write the histories as JSON or as a flat CSV table
  --set      override one configuration field, e.g. --set optimizer.learningRate=0.05 --set seed=7
  --config   a JSON configuration (validated by the same schema as presets and share links)`;

function coerce(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (raw.startsWith('[') || raw.startsWith('{')) return JSON.parse(raw) as unknown;
  return raw;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  keys.slice(0, -1).forEach((k) => {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  });
  node[keys[keys.length - 1]!] = value;
}

/** Parses argv; `readJson` reads a --config file (injected so this stays testable without files). */
export function parseArgs(argv: readonly string[], readJson: (file: string) => unknown): CliOptions {
  const flags: Record<string, unknown> = {};
  const sets: [string, unknown][] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new ConfigError([`${arg}: needs a value`]);
      return v;
    };
    if (arg === '--preset' || arg === '--backend' || arg === '--out') flags[arg.slice(2)] = value();
    else if (arg === '--steps') flags.steps = coerce(value());
    else if (arg === '--quiet') flags.quiet = true;
    else if (arg === '--config') configFile = value();
    else if (arg === '--set') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq < 1) throw new ConfigError([`--set: expected path=value, got "${kv}"`]);
      sets.push([kv.slice(0, eq), coerce(kv.slice(eq + 1))]);
    } else throw new ConfigError([`${arg}: unknown flag`]);
  }
  const parsed = cliSchema.safeParse(flags);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error.issues, cliSchema).map((m) => `--${m}`));
  const base = configFile
    ? (readJson(configFile) as Record<string, unknown>)
    : (structuredClone(PRESETS.find((p) => p.name === parsed.data.preset)!.config) as Record<string, unknown>);
  for (const [path, v] of sets) setPath(base, path, v);
  return { ...parsed.data, config: parseConfig(base) };
}
