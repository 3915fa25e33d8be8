import type { ArmHistory } from '../engine/history';
import { formatSignificant } from '../views/common/format';

/**
 * The loss-landscape table of `npm run landscape` (Santurkar et al. 2018, §3.1, Figure 4): per seed and probe step,
 * the plain and the batch-norm arm's loss variation (the range of the loss along the gradient over the step sizes),
 * gradient predictiveness (the range of ‖∇L(w) − ∇L(w − ηg)‖₂) and effective β-smoothness. Pure: no Node, no tfjs.
 */

/** One arm's landscape at one probe. */
export interface LandscapeCell {
  lossMin: number;
  lossMax: number;
  gradientChangeMin: number;
  gradientChangeMax: number;
  betaSmoothness: number;
}

/** One seed's run: its arms' histories (they must have measured the landscape). */
export interface LandscapeRun {
  seed: number;
  arms: readonly ArmHistory[];
}

/** The arm's landscape at the probe of exactly `step`, or null where it has no such probe or did not measure it there. */
export function landscapeAt(arm: ArmHistory, step: number): LandscapeCell | null {
  const t = arm.steps.indexOf(step);
  const l = arm.landscape;
  if (t < 0 || !l || !Number.isFinite(l.lossMin[t]!)) return null;
  return {
    lossMin: l.lossMin[t]!,
    lossMax: l.lossMax[t]!,
    gradientChangeMin: l.gradientChangeMin[t]!,
    gradientChangeMax: l.gradientChangeMax[t]!,
    betaSmoothness: l.betaSmoothness[t]!,
  };
}

/** The plain arm and the batch-norm arm of a run, the first of each. */
export function plainAndBn(arms: readonly ArmHistory[]): { plain: ArmHistory; bn: ArmHistory } | null {
  const plain = arms.find((a) => a.norm === 'none');
  const bn = arms.find((a) => a.norm === 'batch');
  return plain && bn ? { plain, bn } : null;
}

const fmt = (v: number) => formatSignificant(v, { digits: 3 });
const range = (lo: number, hi: number) => `${fmt(lo)}–${fmt(hi)}`;

/** How often batch norm's landscape was the smoother one, over the (seed, step) cells that have both arms. */
export interface LandscapeTally {
  cells: number;
  /** Batch norm's loss range (max − min) was the narrower. */
  narrowerLoss: number;
  /** Batch norm's largest ‖Δ∇L‖ was the smaller. */
  smallerGradientChange: number;
  /** Batch norm's β-smoothness was the smaller. */
  smallerBeta: number;
}

export function landscapeTally(runs: readonly LandscapeRun[], steps: readonly number[]): LandscapeTally {
  const tally: LandscapeTally = { cells: 0, narrowerLoss: 0, smallerGradientChange: 0, smallerBeta: 0 };
  for (const run of runs) {
    const pair = plainAndBn(run.arms);
    if (!pair) continue;
    for (const step of steps) {
      const p = landscapeAt(pair.plain, step);
      const b = landscapeAt(pair.bn, step);
      if (!p || !b) continue;
      tally.cells++;
      if (b.lossMax - b.lossMin < p.lossMax - p.lossMin) tally.narrowerLoss++;
      if (b.gradientChangeMax < p.gradientChangeMax) tally.smallerGradientChange++;
      if (b.betaSmoothness < p.betaSmoothness) tally.smallerBeta++;
    }
  }
  return tally;
}

/**
 * The table: a row per step and seed, each arm's loss range and ‖Δ∇L‖₂ range over the step sizes, and β; then how
 * often batch norm's was the smoother, counted, not asserted.
 */
export function landscapeTable(runs: readonly LandscapeRun[], steps: readonly number[], multipliers: readonly number[]): string {
  const header = ['step', 'seed', 'loss range, plain', 'loss range, BN', '‖Δ∇L‖ range, plain', '‖Δ∇L‖ range, BN', 'β, plain', 'β, BN'];
  const rows: string[][] = [];
  for (const step of steps) {
    for (const run of runs) {
      const pair = plainAndBn(run.arms);
      const p = pair && landscapeAt(pair.plain, step);
      const b = pair && landscapeAt(pair.bn, step);
      const cell = (c: LandscapeCell | null, f: (c: LandscapeCell) => string) => (c ? f(c) : '–');
      rows.push([
        step.toLocaleString('en-US'),
        String(run.seed),
        cell(p, (c) => range(c.lossMin, c.lossMax)),
        cell(b, (c) => range(c.lossMin, c.lossMax)),
        cell(p, (c) => range(c.gradientChangeMin, c.gradientChangeMax)),
        cell(b, (c) => range(c.gradientChangeMin, c.gradientChangeMax)),
        cell(p, (c) => fmt(c.betaSmoothness)),
        cell(b, (c) => fmt(c.betaSmoothness)),
      ]);
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((s, c) => (c < 2 ? s.padEnd(widths[c]!) : s.padStart(widths[c]!))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => '-'.repeat(w + 1) + (c < 2 ? '-' : ':')).join('|') + '|';
  const t = landscapeTally(runs, steps);
  const ks = multipliers.map((k) => `${k}`).join(', ');
  return [
    line(header),
    rule,
    ...rows.map(line),
    `along −∇L of the probe step's mini-batch, at ${ks} × the learning rate (loss range includes the starting point)`,
    `batch norm's loss range is the narrower in ${t.narrowerLoss} of ${t.cells} (seed, step) cells, its largest ‖Δ∇L‖ the smaller in ${t.smallerGradientChange} of ${t.cells}, its β the smaller in ${t.smallerBeta} of ${t.cells}`,
  ].join('\n');
}
