import type { ArmHistory } from '../../engine/history';
import { chanceLevel, firstReached, formatLossValue, formatPercent, formatStep, listJoin, liveProbes, milestones, topMilestone } from '../common/outcomes';

/**
 * The convergence view's caption, computed from the run on screen: which arm reached the highest accuracy milestone
 * first, and which has the lowest test loss now. It names whichever arm the numbers favour, so on a run where the
 * plain net wins (the two spirals) it says so. Before the first probe it says what to look for.
 */

export const CONVERGENCE_LOOK_FOR =
  'Which arm reaches a given accuracy in fewer steps, and which ends with the lower test loss?';

/** Test losses closer than this (relative) are "about the same": the third digit of a noisy estimate decides nothing. */
const SAME_LOSS = 0.02;

export function convergenceCaption(history: readonly ArmHistory[], numClasses: number): string {
  if (!history.some((a) => a.steps.length > 0)) return CONVERGENCE_LOOK_FOR;
  const parts: string[] = [];
  const milestone = milestoneClause(history, numClasses);
  if (milestone) parts.push(milestone);
  const loss = lossClause(history);
  if (loss) parts.push(loss);
  const diverged = history.filter((a) => a.divergedAt !== null).map((a) => `${a.name} diverged at step ${formatStep(a.divergedAt!)}`);
  if (diverged.length) parts.push(listJoin(diverged));
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** "BN reached 90% test accuracy by step 100, plain by step 450, LN not yet" (probes are every k steps: "by"). */
export function milestoneClause(history: readonly ArmHistory[], numClasses: number): string | null {
  if (numClasses < 2) return null;
  const m = topMilestone(history, numClasses);
  if (m === null) {
    const first = milestones(numClasses)[0];
    return first === undefined ? null : `no arm has reached ${formatPercent(first)} test accuracy yet (chance is ${formatPercent(chanceLevel(numClasses))})`;
  }
  const reached = new Map<number, string[]>();
  const notYet: string[] = [];
  for (const arm of history) {
    const s = firstReached(arm, m);
    if (s !== null) reached.set(s, [...(reached.get(s) ?? []), arm.name]);
    // A diverged arm is named in its own clause; "not yet" would promise it still might.
    else if (arm.divergedAt === null) notYet.push(arm.name);
  }
  const groups = [...reached.entries()].sort((a, b) => a[0] - b[0]);
  const what = `${formatPercent(m)} test accuracy`;
  const together = groups[0];
  if (groups.length === 1 && together && together[1].length === history.length && history.length > 1) {
    const [step, names] = together;
    return `${history.length === 2 ? `${listJoin(names)} both` : 'all arms'} reached ${what} by step ${formatStep(step)}`;
  }
  const clauses = groups.map(([step, names], i) => (i === 0 ? `${listJoin(names)} reached ${what} by step ${formatStep(step)}` : `${listJoin(names)} by step ${formatStep(step)}`));
  if (notYet.length) clauses.push(`${listJoin(notYet)} not yet`);
  return clauses.join(', ');
}

/** "at step 920 plain has the lower test loss (0.021 vs 0.122)", over the arms still training. */
export function lossClause(history: readonly ArmHistory[]): string | null {
  const now = history
    .map((arm) => {
      const n = liveProbes(arm);
      return arm.divergedAt === null && n > 0 ? { name: arm.name, step: arm.steps[n - 1]!, loss: arm.testLoss[n - 1]! } : null;
    })
    .filter((a): a is { name: string; step: number; loss: number } => a !== null && Number.isFinite(a.loss));
  if (!now.length) return null;
  const step = Math.max(...now.map((a) => a.step));
  const ranked = [...now].sort((a, b) => a.loss - b.loss);
  const best = ranked[0]!;
  const at = `at step ${formatStep(step)}`;
  if (ranked.length === 1) return `${at} ${best.name}'s test loss is ${formatLossValue(best.loss)}`;
  const same = ranked.filter((a) => a.loss - best.loss <= SAME_LOSS * Math.max(best.loss, 1e-12));
  if (same.length > 1) {
    const rest = ranked.filter((a) => !same.includes(a));
    const together = same.length === ranked.length && ranked.length === 2 ? `${listJoin(same.map((a) => a.name))} have about the same test loss` : `${listJoin(same.map((a) => a.name))} have about the same, lowest test loss`;
    return `${at} ${together} (${same.map((a) => formatLossValue(a.loss)).join(', ')}${rest.length ? `; ${rest.map((a) => `${a.name} ${formatLossValue(a.loss)}`).join(', ')}` : ''})`;
  }
  if (ranked.length === 2) return `${at} ${best.name} has the lower test loss (${formatLossValue(best.loss)} vs ${formatLossValue(ranked[1]!.loss)})`;
  return `${at} ${best.name} has the lowest test loss (${formatLossValue(best.loss)}; ${ranked
    .slice(1)
    .map((a) => `${a.name} ${formatLossValue(a.loss)}`)
    .join(', ')})`;
}
