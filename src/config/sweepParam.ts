import { NORMS, numericRange, trainExamples, type ExperimentConfig, type NormKind } from './schema';

/**
 * The lab's sweep as a link carries it, `sweep=bs:2,4,8,16,32,60;norm:none,batch,layer,group;steps:300;y:final`: what
 * to vary and its values, the normalizations (one line each), the steps of every run and what the chart plots. The
 * rest of each run is the link's own configuration, so the link reproduces the sweep; pressing Run is still the
 * reader's act. Read with the care of the rest of the link: each bad piece is named, ignored, and replaced by its
 * default, and nothing read here is ever inserted as HTML.
 */

/** The settings a lab sweep can vary beside the normalization, by the config path `npm run sweep -- --vary` takes. */
export const SWEEP_AXES = ['batchSize', 'learningRate', 'initScale'] as const;
export type SweepAxisName = (typeof SWEEP_AXES)[number];

/** What the chart plots per run: final test accuracy, its mean over the run's probes, or the final test loss. */
export const SWEEP_METRICS = ['final', 'mean', 'loss'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

export interface SweepSpec {
  axis: SweepAxisName;
  /** The varied setting's values, ascending, each once. */
  values: number[];
  /** One line per normalization, in NORMS order. */
  norms: NormKind[];
  /** Training steps of every run: the same steps, not the same examples. */
  steps: number;
  metric: SweepMetric;
}

export interface SweepAxisInfo {
  /** The word in the link. */
  key: string;
  /** The configuration path: what `--vary` names. */
  path: string;
  integer: boolean;
  /** As a sentence says it: "batch size". */
  label: string;
  defaults: readonly number[];
}

/**
 * The defaults are Wu & He's (2018) Figure 1 batch sizes (to 60, Ioffe & Szegedy's batch); learning rates and initial
 * scales a factor of about 3 apart around the presets' 0.5 and 0.1, where Ioffe & Szegedy (§4.2) and Santurkar et al.
 * see batch norm's tolerance.
 */
export const SWEEP_AXIS_INFO: Record<SweepAxisName, SweepAxisInfo> = {
  batchSize: { key: 'bs', path: 'batchSize', integer: true, label: 'batch size', defaults: [2, 4, 8, 16, 32, 60] },
  learningRate: { key: 'lr', path: 'optimizer.learningRate', integer: false, label: 'learning rate', defaults: [0.03, 0.1, 0.3, 1, 3, 10] },
  initScale: { key: 'scale', path: 'init.scale', integer: false, label: 'initial scale', defaults: [0.01, 0.03, 0.1, 0.3, 1, 3] },
};

/** Enough points for a curve; few enough that a sweep in the page stays minutes, not hours. */
export const MAX_SWEEP_VALUES = 10;
export const MIN_SWEEP_STEPS = 10;
export const MAX_SWEEP_STEPS = 5000;
/**
 * 200 steps: short enough to watch the default 6 × 4 grid fill in. Measured on this project's 2-core machine (wasm, one
 * run at a time) while other jobs loaded it heavily (load average about 20): 24 runs of 300 steps on ioffe-mnist took
 * 187 s; the 2-D sets are much faster. Longer runs show more (the README's Sweeps table is 2,000 steps).
 */
export const DEFAULT_SWEEP_STEPS = 200;

export function defaultSweep(axis: SweepAxisName = 'batchSize'): SweepSpec {
  return { axis, values: [...SWEEP_AXIS_INFO[axis].defaults], norms: [...NORMS], steps: DEFAULT_SWEEP_STEPS, metric: 'final' };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A value shown in a notice: short, and as text. */
function quote(raw: string): string {
  return JSON.stringify(raw.length > 24 ? `${raw.slice(0, 24)}…` : raw);
}

/** The values an axis may take in this configuration: the schema's bounds, and a batch no larger than the training set. */
export function axisBounds(axis: SweepAxisName, config: Pick<ExperimentConfig, 'dataset'>): { min: number; max: number } {
  const info = SWEEP_AXIS_INFO[axis];
  const r = numericRange(info.path) ?? { min: 0, max: Infinity };
  return axis === 'batchSize' ? { min: r.min, max: Math.min(r.max, trainExamples(config.dataset.name)) } : r;
}

/**
 * A comma-separated list of an axis's values, as typed in the view or written in a link: each value that is not a
 * number, not whole where it must be, out of range or given twice is named and left out; the rest come back ascending.
 */
export function readSweepValues(text: string, axis: SweepAxisName, config: Pick<ExperimentConfig, 'dataset'>): { values: number[]; problems: string[] } {
  const info = SWEEP_AXIS_INFO[axis];
  const { min, max } = axisBounds(axis, config);
  const problems: string[] = [];
  const values: number[] = [];
  for (const piece of text.split(',')) {
    const t = piece.trim();
    if (t === '') continue;
    const v = NUMBER.test(t) ? Number(t) : NaN;
    if (!Number.isFinite(v)) problems.push(`${quote(t)} is not a number`);
    else if (info.integer && !Number.isInteger(v)) problems.push(`${quote(t)} is not a whole number`);
    else if (v < min || v > max) problems.push(`${t} is outside ${min} … ${max}${axis === 'batchSize' && max < (numericRange(info.path)?.max ?? max) ? ` (the training examples of "${config.dataset.name}")` : ''}`);
    else if (values.includes(v)) problems.push(`${t} is given twice`);
    else values.push(v);
  }
  if (values.length > MAX_SWEEP_VALUES) {
    problems.push(`at most ${MAX_SWEEP_VALUES} values; the first ${MAX_SWEEP_VALUES} kept`);
    values.length = MAX_SWEEP_VALUES;
  }
  return { values: values.sort((a, b) => a - b), problems };
}

/** Reads a link's `sweep=` into a spec, naming each piece it ignores; every piece left out keeps its default. */
export function readSweepParam(raw: string, config: Pick<ExperimentConfig, 'dataset'>): { spec: SweepSpec; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  let axis: SweepAxisName | null = null;
  let valuesText: string | null = null;
  const parts: Partial<Pick<SweepSpec, 'norms' | 'steps' | 'metric'>> = {};
  for (const piece of raw.split(';')) {
    if (piece.trim() === '') continue;
    const colon = piece.indexOf(':');
    const key = (colon < 0 ? piece : piece.slice(0, colon)).trim();
    const value = colon < 0 ? '' : piece.slice(colon + 1);
    if (seen.has(key)) {
      problems.push(`sweep: ${quote(key)} is given twice; the first kept`);
      continue;
    }
    seen.add(key);
    const named = SWEEP_AXES.find((a) => SWEEP_AXIS_INFO[a].key === key);
    if (named) {
      if (axis !== null) problems.push(`sweep: ${key} and ${SWEEP_AXIS_INFO[axis].key} are two settings to vary; the sweep varies one beside the normalization, so ${key} is ignored`);
      else [axis, valuesText] = [named, value];
    } else if (key === 'norm') {
      const names = value.split(',').map((n) => n.trim()).filter(Boolean);
      const bad = names.filter((n) => !(NORMS as readonly string[]).includes(n));
      if (bad.length) problems.push(`sweep norm: ${bad.map(quote).join(', ')} ${bad.length > 1 ? 'are not normalizations' : 'is not a normalization'} (${NORMS.join(', ')}); ignored`);
      const good = NORMS.filter((n) => names.includes(n));
      if (good.length) parts.norms = good;
      else if (!bad.length) problems.push('sweep norm: no normalization given; all four used');
    } else if (key === 'steps') {
      const t = value.trim();
      const v = /^\d{1,7}$/.test(t) ? Number(t) : NaN;
      if (v >= MIN_SWEEP_STEPS && v <= MAX_SWEEP_STEPS) parts.steps = v;
      else problems.push(`sweep steps: ${quote(t)} is not a whole number in ${MIN_SWEEP_STEPS} … ${MAX_SWEEP_STEPS}; ${DEFAULT_SWEEP_STEPS} used`);
    } else if (key === 'y') {
      const t = value.trim();
      if ((SWEEP_METRICS as readonly string[]).includes(t)) parts.metric = t as SweepMetric;
      else problems.push(`sweep y: ${quote(t)} is not one of ${SWEEP_METRICS.join(', ')}; final used`);
    } else {
      problems.push(`sweep: unknown setting ${quote(key)} (use bs, lr or scale, norm, steps, y); ignored`);
    }
  }
  const spec = { ...defaultSweep(axis ?? 'batchSize'), ...parts };
  if (axis !== null && valuesText !== null) {
    const read = readSweepValues(valuesText, axis, config);
    problems.push(...read.problems.map((p) => `sweep ${SWEEP_AXIS_INFO[axis!].key}: ${p}; ignored`));
    if (read.values.length) spec.values = read.values;
    else problems.push(`sweep ${SWEEP_AXIS_INFO[axis].key}: no valid value; ${spec.values.join(', ')} used`);
  }
  // A default list can hold a batch the dataset has not got (none here: every default is at most 60), kept honest anyway.
  spec.values = spec.values.filter((v) => v <= axisBounds(spec.axis, config).max);
  return { spec, problems };
}

/** The spec as a link writes it: every piece, so a later change of a default cannot change an old link's sweep. */
export function writeSweepParam(spec: SweepSpec): string {
  return [`${SWEEP_AXIS_INFO[spec.axis].key}:${spec.values.join(',')}`, `norm:${spec.norms.join(',')}`, `steps:${spec.steps}`, `y:${spec.metric}`].join(';');
}
