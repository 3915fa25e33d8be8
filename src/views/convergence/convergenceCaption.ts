import type { ConvergenceAxis } from '../../config/link';
import type { ArmHistory } from '../../engine/history';
import { formatSeconds } from './convergenceMath';
import { formatMilestone, formatStep } from '../common/format';
import { chanceLevel, firstReached, formatLossValue, listJoin, liveProbes, milestones, topMilestone } from '../common/outcomes';

/**
 * The convergence view's caption, computed from the run on screen: which arm reached the highest accuracy milestone
 * first, and which has the lowest test loss now. It names whichever arm the numbers favour, so on a run where the
 * plain net wins (the two spirals) it says so. Before the first probe it says what to look for.
 */

export const CONVERGENCE_LOOK_FOR =
  'Which arm reaches a given accuracy in fewer steps, and which ends with the lower test loss?';

/** Test losses closer than this (relative) are "about the same": the third digit of a noisy estimate decides nothing. */
const SAME_LOSS = 0.02;

export function convergenceCaption(history: readonly ArmHistory[], numClasses: number, axis: ConvergenceAxis = 'steps'): string {
  if (!history.some((a) => a.steps.length > 0)) return axis === 'seconds' ? CONVERGENCE_LOOK_FOR_SECONDS : CONVERGENCE_LOOK_FOR;
  const parts: string[] = [];
  const milestone = axis === 'seconds' ? timeMilestoneClause(history, numClasses) : milestoneClause(history, numClasses);
  if (milestone) parts.push(milestone);
  if (axis === 'seconds') {
    const cost = costClause(history);
    if (cost) parts.push(cost);
  } else {
    const loss = lossClause(history);
    if (loss) parts.push(loss);
  }
  const diverged = history.filter((a) => a.divergedAt !== null).map((a) => `${a.name} diverged at step ${formatStep(a.divergedAt!)}`);
  if (diverged.length) parts.push(listJoin(diverged));
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export const CONVERGENCE_LOOK_FOR_SECONDS =
  'Each arm is drawn against its own training time on this machine: which reaches a given accuracy in fewer seconds?';

/** Per-step costs closer than this (relative) are "about the same": timing is noisy to a few percent. */
const SAME_COST = 0.03;

/** This arm's training seconds at its probe index `t` (this machine's clock, probes excluded). */
function secondsAt(arm: ArmHistory, t: number): number {
  return arm.timing.trainingSeconds[t] ?? NaN;
}

/**
 * The milestone race in training seconds: "BN reached 90% test accuracy by 5.7 s of training (step 300), plain by
 * 11.5 s (step 1,000)"; an arm that has not is "not yet (9.8 s so far)". Ordered by time, which need not be the order
 * in steps: a dearer step can lose in seconds a race it wins in steps.
 */
export function timeMilestoneClause(history: readonly ArmHistory[], numClasses: number): string | null {
  if (numClasses < 2) return null;
  const m = topMilestone(history, numClasses);
  if (m === null) {
    const first = milestones(numClasses)[0];
    return first === undefined ? null : `no arm has reached ${formatMilestone(first)} test accuracy yet (chance is ${formatMilestone(chanceLevel(numClasses))})`;
  }
  const reached: { name: string; step: number; s: number }[] = [];
  const notYet: string[] = [];
  for (const arm of history) {
    const step = firstReached(arm, m);
    const s = step === null ? NaN : secondsAt(arm, arm.steps.indexOf(step));
    if (step !== null && Number.isFinite(s)) reached.push({ name: arm.name, step, s });
    else if (arm.divergedAt === null) {
      const n = liveProbes(arm);
      const sofar = n > 0 ? secondsAt(arm, n - 1) : NaN;
      notYet.push(Number.isFinite(sofar) ? `${arm.name} not yet (${formatSeconds(sofar)} so far)` : `${arm.name} not yet`);
    }
  }
  reached.sort((a, b) => a.s - b.s);
  const what = `${formatMilestone(m)} test accuracy`;
  const clauses = reached.map((r, i) => `${r.name} ${i === 0 ? `reached ${what} by ${formatSeconds(r.s)} of training` : `by ${formatSeconds(r.s)}`} (step ${formatStep(r.step)})`);
  return [...clauses, ...notYet].join(', ');
}

/**
 * What a step costs each arm, cheapest first, and how much more the others pay: "a step takes plain 11.5 ms and BN
 * 19.0 ms (65% more) on this machine". Null before the first timed step.
 */
export function costClause(history: readonly ArmHistory[]): string | null {
  const costs = history
    .map((arm) => ({ name: arm.name, ms: arm.timing.msPerStep[arm.timing.msPerStep.length - 1] ?? NaN }))
    .filter((c) => Number.isFinite(c.ms) && c.ms > 0)
    .sort((a, b) => a.ms - b.ms);
  if (!costs.length) return null;
  const base = costs[0]!;
  const items = costs.map((c, i) => {
    const more = c.ms / base.ms - 1;
    const rel = i === 0 ? '' : more < SAME_COST ? ' (about the same)' : ` (${Math.round(more * 100)}% more)`;
    return `${c.name} ${c.ms.toFixed(1)} ms${rel}`;
  });
  return `a step takes ${listJoin(items)} on this machine (probes excluded)`;
}

/** "BN reached 90% test accuracy by step 100, plain by step 450, LN not yet" (probes are every k steps: "by"). */
export function milestoneClause(history: readonly ArmHistory[], numClasses: number): string | null {
  if (numClasses < 2) return null;
  const m = topMilestone(history, numClasses);
  if (m === null) {
    const first = milestones(numClasses)[0];
    return first === undefined ? null : `no arm has reached ${formatMilestone(first)} test accuracy yet (chance is ${formatMilestone(chanceLevel(numClasses))})`;
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
  const what = `${formatMilestone(m)} test accuracy`;
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
