import type { ArmHistory } from '../engine/history';
import { formatMilestone, formatStep } from '../views/common/format';
import { atChanceSince, firstReached, formatLossValue, liveProbes, milestones } from '../views/common/outcomes';

/**
 * The scoreboard's "state" of an arm, computed from its probe history: what happened, in a few words ("diverged at
 * step 50", "at chance since step 400", "reached 90% by step 300"). Pure.
 */

export type ArmStateKind = 'waiting' | 'diverged' | 'chance' | 'rising' | 'milestone' | 'training';

export interface ArmState {
  kind: ArmStateKind;
  text: string;
}

/** A test loss this far above its best, for this many probes, is worth saying (overfitting, or an unstable rate). */
const RISE = 1.5;
const RISE_PROBES = 3;

export function armState(arm: ArmHistory | undefined, numClasses: number): ArmState {
  if (!arm || arm.steps.length === 0) return { kind: 'waiting', text: 'waiting' };
  if (arm.divergedAt !== null) return { kind: 'diverged', text: `diverged at step ${formatStep(arm.divergedAt)}: lower its learning rate` };
  const n = liveProbes(arm);
  // Three probes at chance in a row, the newest among them: one low probe after a start is not "stuck".
  const since = atChanceSince(arm, numClasses, 3);
  if (since !== null) return { kind: 'chance', text: `at chance since step ${formatStep(since)}` };
  let best = -1;
  for (let t = 0; t < n; t++) if (Number.isFinite(arm.testLoss[t]!) && (best < 0 || arm.testLoss[t]! < arm.testLoss[best]!)) best = t;
  const last = arm.testLoss[n - 1]!;
  if (best >= 0 && n - 1 - best >= RISE_PROBES && last > RISE * arm.testLoss[best]!) {
    return { kind: 'rising', text: `test loss up from ${formatLossValue(arm.testLoss[best]!)} at step ${formatStep(arm.steps[best]!)}` };
  }
  let reached: { m: number; step: number } | null = null;
  for (const m of milestones(numClasses)) {
    const step = firstReached(arm, m);
    if (step !== null) reached = { m, step };
  }
  if (reached) return { kind: 'milestone', text: `reached ${formatMilestone(reached.m)} by step ${formatStep(reached.step)}` };
  return { kind: 'training', text: 'training' };
}
