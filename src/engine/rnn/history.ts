import { RNN_NORM_LABELS, type RnnConfig, type RnnNorm } from './config';
import type { RnnArmProbe, RnnProbe } from './lockstep';

/**
 * The recurrent run's probes gathered per arm: the convergence curves, and every probe's per-time-step statistics
 * (28 rows × 4 numbers an arm, small enough to keep them all). Pure data, shared by the CLI's JSON and the RNN view.
 */
export interface RnnArmHistory {
  norm: RnnNorm;
  label: string;
  steps: number[];
  trainLoss: number[];
  testLoss: number[];
  testAccuracy: number[];
  /** Per probe, per time step: a_t's mean and std, the tanh input's mean and std. */
  preMean: number[][];
  preStd: number[][];
  inMean: number[][];
  inStd: number[][];
}

export function createRnnHistory(norms: readonly RnnNorm[]): RnnArmHistory[] {
  return norms.map((norm) => ({ norm, label: RNN_NORM_LABELS[norm], steps: [], trainLoss: [], testLoss: [], testAccuracy: [], preMean: [], preStd: [], inMean: [], inStd: [] }));
}

/** Appends a probe in place (the CLI) and returns the same history. */
export function appendRnnProbe(history: RnnArmHistory[], probe: RnnProbe): RnnArmHistory[] {
  probe.arms.forEach((a: RnnArmProbe, i) => {
    const h = history[i]!;
    h.steps.push(probe.step);
    h.trainLoss.push(a.trainLoss);
    h.testLoss.push(a.testLoss);
    h.testAccuracy.push(a.testAccuracy);
    h.preMean.push(a.preMean);
    h.preStd.push(a.preStd);
    h.inMean.push(a.inMean);
    h.inStd.push(a.inStd);
  });
  return history;
}

/** The value at the last probe at or before `step` (NaN before the first). */
export function rnnValueAt(steps: readonly number[], values: readonly number[], step: number): number {
  let v = NaN;
  for (let i = 0; i < steps.length && steps[i]! <= step; i++) v = values[i]!;
  return v;
}

const last = <T>(a: readonly T[]): T | undefined => a[a.length - 1];

/** The smallest and largest of a per-row statistic over the rows from `from` on (0-based). */
export function rowRange(values: readonly number[], from = 0): { min: number; max: number; minRow: number; maxRow: number } {
  let min = Infinity;
  let max = -Infinity;
  let minRow = -1;
  let maxRow = -1;
  values.forEach((v, t) => {
    if (t < from) return;
    if (v < min) [min, minRow] = [v, t];
    if (v > max) [max, maxRow] = [v, t];
  });
  return { min, max, minRow, maxRow };
}

/**
 * The steps the CLI's table reports test accuracy at: a quarter, half and all of the run (each a probe step, the last
 * probe at or before it).
 */
export function reportSteps(total: number, probeEvery: number): number[] {
  const at = [Math.floor(total / 4 / probeEvery) * probeEvery, Math.floor(total / 2 / probeEvery) * probeEvery, total].filter((s) => s > 0);
  return [...new Set(at)];
}

/**
 * The run in one Markdown table: test accuracy along the way, the final losses (training: the mean over the
 * batches since the previous probe, batch norm with batch statistics; test: batch norm with its running averages)
 * and the spread over rows 2–28 of a_t's std, the pre-activation before normalization, at the last probe.
 */
export function rnnSummaryTable(history: readonly RnnArmHistory[], total: number, probeEvery: number): string {
  const at = reportSteps(total, probeEvery);
  const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');
  const rows = history.map((arm) => {
    const trainLoss = last(arm.trainLoss) ?? NaN;
    const testLoss = last(arm.testLoss) ?? NaN;
    const pre = rowRange(last(arm.preStd) ?? [], 1);
    return [
      arm.label,
      ...at.map((s) => pct(rnnValueAt(arm.steps, arm.testAccuracy, s))),
      trainLoss.toFixed(3),
      testLoss.toFixed(3),
      `${testLoss - trainLoss >= 0 ? '+' : '−'}${Math.abs(testLoss - trainLoss).toFixed(3)}`,
      `${pre.min.toFixed(2)} … ${pre.max.toFixed(2)}`,
    ];
  });
  const header = ['arm', ...at.map((s) => `test acc @${s}`), 'final train loss', 'final test loss', 'test − train', 'a_t std, rows 2–28 (min … max)'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  return [line(header), '|' + widths.map((w, c) => '-'.repeat(w + 1) + (c === 0 ? '-' : ':')).join('|') + '|', ...rows.map(line)].join('\n');
}

/** The CLI's JSON: the configuration, the backend and every probe of every arm. */
export function rnnJson(input: { config: RnnConfig; steps: number; backend: string; seconds: number; arms: readonly RnnArmHistory[] }): string {
  return JSON.stringify(
    {
      tool: 'batchnorm-explorer rnn',
      model: 'tanh RNN reading MNIST digits row by row (28 steps × 28 pixels), softmax read-out from the last hidden state',
      ...input,
    },
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
  );
}
