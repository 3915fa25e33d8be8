import { ConfigError, NORMS, type ExperimentConfig, type NormKind } from '../../config/schema';
import { SWEEP_AXIS_INFO, type SweepMetric, type SweepSpec } from '../../config/sweepParam';
import { NORM_KEY, parseSweepArgs, type SweepPlan, type SweepRow } from '../../cli/sweepPlan';
import { formatFraction, formatSignificant } from '../common/format';

/**
 * The sweep view's math: the plan of runs (the CLI's own, src/cli/sweepPlan.ts, so a lab sweep is the
 * `npm run sweep -- --config lab.json` of the same settings, run for run), the chart's series and the caption.
 * Pure: no React, no worker.
 */

/** The name the lab's configuration goes by in the plan, as `--config lab.json` would: the JSON export's `source`. */
export const LAB_CONFIG_FILE = 'lab.json';

/** How a normalization is named in the view: its line, its column, its sentence. */
export const NORM_NAMES: Record<NormKind, string> = { none: 'no normalization', batch: 'batch norm', layer: 'layer norm', group: 'group norm' };
export const NORM_SHORT: Record<NormKind, string> = { none: 'none', batch: 'BN', layer: 'LN', group: 'GN' };

/** A normalization's colour and dash: its place in NORMS, so batch norm is the same line in every sweep. */
export const normIndex = (norm: NormKind): number => NORMS.indexOf(norm);

export const METRIC_INFO: Record<SweepMetric, { label: string; short: string; higherIsBetter: boolean }> = {
  final: { label: 'final test accuracy', short: 'final test acc', higherIsBetter: true },
  mean: { label: 'mean test accuracy over the run', short: 'mean test acc', higherIsBetter: true },
  loss: { label: 'final test loss', short: 'final test loss', higherIsBetter: false },
};

/** Probes per run: enough for the mean over the run to be the area under its accuracy curve, few enough to be cheap. */
export const PROBES_PER_RUN = 10;

/**
 * The sweep's own probe settings, as `--set` flags (so the CLI command with them is the same sweep). A probe does not
 * change training (it peeks at the next batch, never draws from the run's randomness), so these change no run's
 * training, only where it is measured: PROBES_PER_RUN probes, each on the smallest probe batch (its activations are
 * drawn by views a sweep has not got; the test set is evaluated in full whatever its size), and no loss landscape.
 */
export function probeSets(config: ExperimentConfig, steps: number): string[] {
  const sets = [`probe.interval=${Math.max(1, Math.ceil(steps / PROBES_PER_RUN))}`, 'probe.batchSize=16'];
  if ('landscape' in config.probe) sets.push('probe.landscape=false');
  return sets;
}

/** How many runs a spec makes: one per value and normalization (one seed, the configuration's). */
export function runCount(spec: Pick<SweepSpec, 'values' | 'norms'>): number {
  return spec.values.length * spec.norms.length;
}

/**
 * Every run of the sweep, through the CLI's planner: each value of the varied setting (the table's rows), then each
 * normalization (each run has one arm of it, group norm with its default groups), on the lab's configuration and
 * seed. The planner checks every combination with the configuration schema; its problems come back one line each.
 */
export function planSweep(config: ExperimentConfig, spec: SweepSpec): { plan: SweepPlan; problems: null } | { plan: null; problems: string[] } {
  if (spec.values.length === 0) return { plan: null, problems: [`give at least one ${SWEEP_AXIS_INFO[spec.axis].label}`] };
  if (spec.norms.length === 0) return { plan: null, problems: ['pick at least one normalization'] };
  const argv = [
    ...['--config', LAB_CONFIG_FILE],
    ...['--vary', `${SWEEP_AXIS_INFO[spec.axis].path}=${spec.values.join(',')}`],
    ...['--vary', `${NORM_KEY}=${spec.norms.join(',')}`],
    ...['--steps', String(spec.steps), '--backend', 'wasm'],
    ...probeSets(config, spec.steps).flatMap((kv) => ['--set', kv]),
  ];
  try {
    return { plan: parseSweepArgs(argv, () => structuredClone(config), 1), problems: null };
  } catch (e) {
    if (e instanceof ConfigError) return { plan: null, problems: e.problems };
    throw e;
  }
}

/** The plotted number of a run; NaN when it has none. */
export function metricValue(row: Pick<SweepRow, 'finalTestAccuracy' | 'meanTestAccuracy' | 'finalTestLoss'>, metric: SweepMetric): number {
  return metric === 'final' ? row.finalTestAccuracy : metric === 'mean' ? row.meanTestAccuracy : row.finalTestLoss;
}

export function formatMetric(v: number, metric: SweepMetric): string {
  return metric === 'loss' ? formatSignificant(v) : formatFraction(v);
}

/** A value of the varied setting as the view writes it: "2", "0.03". */
export function formatSetting(v: number): string {
  return String(v);
}

export interface SweepPoint {
  x: number;
  y: number;
  row: SweepRow;
}

export interface SweepSeries {
  norm: NormKind;
  /** Colour and dash index. */
  index: number;
  /** The finished runs of this normalization with a finite number, ascending in x. */
  points: SweepPoint[];
}

/** The varied setting as a sentence names it: "batch size". */
export function axisLabelOf(plan: Pick<SweepPlan, 'axes'>): string {
  const key = plan.axes[0]!.key;
  return Object.values(SWEEP_AXIS_INFO).find((a) => a.path === key)?.label ?? key;
}

/** The x value and the normalization of a run of the plan. */
export function runKey(plan: SweepPlan, run: number): { x: number; norm: NormKind } {
  const spec = plan.runs[run - 1]!;
  return { x: plan.axes[0]!.values[spec.cell[0]!] as number, norm: plan.axes[1]!.raw[spec.cell[1]!] as NormKind };
}

/** One line per normalization of the plan, with the points of the runs finished so far. */
export function sweepSeries(plan: SweepPlan, rows: readonly SweepRow[], metric: SweepMetric): SweepSeries[] {
  return (plan.axes[1]!.raw as NormKind[]).map((norm) => ({
    norm,
    index: normIndex(norm),
    points: rows
      .map((row) => ({ row, ...runKey(plan, row.run) }))
      .filter((p) => p.norm === norm && Number.isFinite(metricValue(p.row, metric)))
      .map((p) => ({ x: p.x, y: metricValue(p.row, metric), row: p.row }))
      .sort((a, b) => a.x - b.x),
  }));
}

/** The values the x axis spans: the plan's, finished or not, so the axis does not jump as runs come in. */
export function xValues(plan: SweepPlan): number[] {
  return (plan.axes[0]!.values as number[]).slice().sort((a, b) => a - b);
}

/** The y domain of the finished points: accuracies on [0, 1] padded to what is drawn, losses from 0 up. */
export function yDomain(series: readonly SweepSeries[], metric: SweepMetric): [number, number] {
  const ys = series.flatMap((s) => s.points.map((p) => p.y));
  if (metric !== 'loss') {
    if (!ys.length) return [0, 1];
    const lo = Math.max(0, Math.floor(Math.min(...ys) * 10) / 10);
    return [Math.min(lo, 0.9), 1];
  }
  const hi = ys.length ? Math.max(...ys) : 1;
  return [0, hi > 0 ? hi * 1.08 : 1];
}

/** The pair the caption compares: batch norm against the normalization meant to replace it at small batches. */
function comparedPair(norms: readonly NormKind[]): [NormKind, NormKind] | null {
  if (!norms.includes('batch')) return norms.length >= 2 ? [norms[0]!, norms[1]!] : null;
  const other = (['layer', 'group', 'none'] as const).find((n) => norms.includes(n));
  return other ? ['batch', other] : null;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "2, 4 and 8" */
function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The caption, from the finished runs only: how many are in, which normalization does best at the smallest and the
 * largest setting finished, and at which settings batch norm's number passes the other's (layer norm's, else group
 * norm's, else the plain net's), with the numbers; or that it never does, or always does, in this range. Nothing it
 * says can be contradicted by the points drawn: it reads the same numbers.
 */
export function sweepCaption(plan: SweepPlan, rows: readonly SweepRow[], metric: SweepMetric): string {
  const total = plan.runs.length;
  const axisName = axisLabelOf(plan);
  const info = METRIC_INFO[metric];
  const better = (a: number, b: number) => (info.higherIsBetter ? a > b : a < b);
  const head = rows.length === total ? `All ${total} runs finished (${plan.steps} steps each).` : `${rows.length} of ${total} runs finished.`;
  if (rows.length === 0) return `${head} Each point will be one run’s ${info.label} after ${plan.steps} steps.`;
  const series = sweepSeries(plan, rows, metric);
  const at = (norm: NormKind, x: number) => series.find((s) => s.norm === norm)?.points.find((p) => p.x === x)?.y;
  const fmt = (v: number) => formatMetric(v, metric);
  const sentences = [head];

  // The best at the two ends of what is finished (where every normalization's run is in).
  const complete = xValues(plan).filter((x) => series.every((s) => at(s.norm, x) !== undefined));
  const ends = complete.length > 1 ? [complete[0]!, complete[complete.length - 1]!] : complete;
  if (series.length > 1) {
    for (const x of ends) {
      const ranked = series.map((s) => ({ norm: s.norm, y: at(s.norm, x)! })).sort((a, b) => (better(a.y, b.y) ? -1 : better(b.y, a.y) ? 1 : 0));
      const [first, second] = ranked;
      if (first && second) {
        const tied = ranked.filter((r) => !better(first.y, r.y));
        sentences.push(
          tied.length > 1
            ? `At ${axisName} ${formatSetting(x)}, ${listOf(tied.map((r) => NORM_NAMES[r.norm]))} tie at ${fmt(first.y)}.`
            : `At ${axisName} ${formatSetting(x)}, ${NORM_NAMES[first.norm]} does best: ${fmt(first.y)}, against ${fmt(second.y)} for ${NORM_NAMES[second.norm]}.`,
        );
      }
    }
  }

  // Where batch norm is ahead of the other of the pair, over the settings both have finished.
  const pair = comparedPair(series.map((s) => s.norm));
  if (pair) {
    const [a, b] = pair;
    const both = xValues(plan).filter((x) => at(a, x) !== undefined && at(b, x) !== undefined);
    if (both.length >= 2) {
      const ahead = both.filter((x) => better(at(a, x)!, at(b, x)!));
      const behind = both.filter((x) => better(at(b, x)!, at(a, x)!));
      // "batch size 2", "batch sizes 2 and 8": every axis's label takes an s.
      const settings = (xs: readonly number[]) => `${axisName}${xs.length > 1 ? 's' : ''} ${listOf(xs.map(formatSetting))}`;
      const nums = (x: number) => `${fmt(at(a, x)!)} against ${fmt(at(b, x)!)}`;
      const range = `${axisName} ${formatSetting(both[0]!)} to ${formatSetting(both[both.length - 1]!)}`;
      if (ahead.length === both.length) sentences.push(`${capital(NORM_NAMES[a])} is ahead of ${NORM_NAMES[b]} at every ${axisName} from ${formatSetting(both[0]!)} to ${formatSetting(both[both.length - 1]!)}.`);
      else if (behind.length === both.length) sentences.push(`${capital(NORM_NAMES[a])} never passes ${NORM_NAMES[b]} in this range (${range}).`);
      else {
        // The first setting, counted up, from which batch norm stays ahead: the crossing Wu & He's Figure 1 shows.
        const from = both.findIndex((_, i) => both.slice(i).every((x) => ahead.includes(x)));
        if (from > 0) {
          const x = both[from]!;
          sentences.push(`${capital(NORM_NAMES[a])} passes ${NORM_NAMES[b]} at ${axisName} ${formatSetting(x)} (${nums(x)}) and stays ahead above it.`);
        } else if (ahead.length) {
          const not = both.filter((x) => !ahead.includes(x));
          sentences.push(`${capital(NORM_NAMES[a])} is ahead of ${NORM_NAMES[b]} at ${settings(ahead)} and not at ${settings(not)}.`);
        } else {
          sentences.push(`${capital(NORM_NAMES[a])} never passes ${NORM_NAMES[b]} in this range (${range}); they tie at ${settings(both.filter((x) => !behind.includes(x)))}.`);
        }
      }
    }
  }
  const diverged = rows.filter((r) => r.divergedAt !== null);
  if (diverged.length) sentences.push(`${diverged.length} run${diverged.length > 1 ? 's' : ''} diverged (marked † in the table).`);
  return sentences.join(' ');
}
