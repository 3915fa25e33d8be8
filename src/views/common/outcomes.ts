import type { ArmHistory } from '../../engine/history';

/**
 * Facts about a run read off its probe history, shared by the sentences the lab shows (the convergence caption, the
 * scoreboard's state column). Each is a fact of the probes on screen, so a sentence built from them cannot be
 * contradicted by the curves next to it. Pure: no React, no DOM.
 */

/** Accuracy milestones a sentence may name; only those well above chance count (see `milestones`). */
export const ACCURACY_MILESTONES = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99] as const;

/** Within this much of chance (1/classes) a test accuracy counts as "at chance". */
export const CHANCE_MARGIN = 0.05;

/** The chance accuracy of a classifier over `numClasses` classes (0 when unknown). */
export function chanceLevel(numClasses: number): number {
  return numClasses > 1 ? 1 / numClasses : 0;
}

/**
 * The milestones worth naming for this many classes: at least halfway from chance to 100% (50% means nothing for
 * two classes, where the untrained net already sits there).
 */
export function milestones(numClasses: number): number[] {
  const chance = chanceLevel(numClasses);
  return ACCURACY_MILESTONES.filter((m) => m >= chance + (1 - chance) / 2);
}

/** The probes of an arm up to its divergence (an arm that diverged trains no further; its later values mean nothing). */
export function liveProbes(arm: ArmHistory): number {
  if (arm.divergedAt === null) return arm.steps.length;
  let n = 0;
  while (n < arm.steps.length && arm.steps[n]! < arm.divergedAt) n++;
  return n;
}

/** The step of the first probe at which the arm's test accuracy was at least `threshold`, or null. */
export function firstReached(arm: ArmHistory, threshold: number): number | null {
  const n = liveProbes(arm);
  for (let t = 0; t < n; t++) if (arm.testAccuracy[t]! >= threshold) return arm.steps[t]!;
  return null;
}

/** The highest milestone that any of the arms has reached, or null. */
export function topMilestone(history: readonly ArmHistory[], numClasses: number): number | null {
  let best: number | null = null;
  for (const m of milestones(numClasses)) if (history.some((a) => firstReached(a, m) !== null)) best = m;
  return best;
}

/** A loss with three significant digits, as the scoreboard shows it nearby. */
export function formatLossValue(v: number): string {
  if (!Number.isFinite(v)) return '∞';
  const a = Math.abs(v);
  if (a !== 0 && a < 0.001) return v.toExponential(1);
  return a >= 100 ? v.toFixed(0) : v.toFixed(3);
}

/**
 * The step since which the arm's test accuracy has been within CHANCE_MARGIN of chance at every probe, counting back
 * from the newest; null when the newest probe is above that or the streak is shorter than `minProbes`.
 */
export function atChanceSince(arm: ArmHistory, numClasses: number, minProbes = 3): number | null {
  if (numClasses < 2) return null;
  const n = liveProbes(arm);
  const limit = chanceLevel(numClasses) + CHANCE_MARGIN;
  let t = n - 1;
  while (t >= 0 && arm.testAccuracy[t]! <= limit) t--;
  const streak = n - 1 - t;
  return streak >= minProbes ? arm.steps[t + 1]! : null;
}

/** "a", "a and b", "a, b and c". */
export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
