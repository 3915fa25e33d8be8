import { bandDrift, modeHistory, type ArmHistory, type BandDrift } from '../engine/history';
import type { BnMode } from '../engine/probes/types';
import type { Conclusion, Figure } from './types';

/**
 * Measurements of a run's probe histories, shared by the lessons' closing sentences and their claims, so the
 * sentence on screen and the number `lessons:verify` checks come from one function.
 */

/** The first arm with this normalization ('none', 'batch', 'layer', 'group'). */
export function armWith(history: readonly ArmHistory[], norm: string): ArmHistory | undefined {
  return history.find((a) => a.norm === norm);
}

/** The newest probe's index, or -1 before the first probe. */
export function lastIndex(arm: ArmHistory): number {
  return arm.steps.length - 1;
}

/** The step of the newest probe (0 before the first). */
export function lastStep(history: readonly ArmHistory[]): number {
  const a = history[0];
  return a && a.steps.length ? a.steps[a.steps.length - 1]! : 0;
}

/**
 * The index of the last probe at or before `step`, or -1 when there was none. The lessons' steps probe on the
 * steps they name; a learner who changes the probe interval gets the nearest earlier probe, and the sentences
 * name the step actually read.
 */
export function probeAt(arm: ArmHistory, step: number): number {
  let found = -1;
  for (let t = 0; t < arm.steps.length && arm.steps[t]! <= step; t++) found = t;
  return found;
}

/** The step of the probe `probeAt` reads for `step`. */
export function probedStep(arm: ArmHistory, step: number): number {
  const t = probeAt(arm, step);
  return t < 0 ? 0 : arm.steps[t]!;
}

/** The first probe step at which test accuracy reached `level` (0–1), or null. */
export function firstReach(arm: ArmHistory, level: number): number | null {
  const t = arm.testAccuracy.findIndex((v) => v >= level);
  return t < 0 ? null : arm.steps[t]!;
}

/** A series' value at the last probe at or before `step` (NaN before the first probe). */
export function at(arm: ArmHistory, series: readonly number[], step: number): number {
  const t = probeAt(arm, step);
  return t < 0 ? NaN : series[t]!;
}

/** The largest value of a series over the probes up to `upTo`. */
export function maxUpTo(arm: ArmHistory, series: readonly number[], upTo: number): number {
  let best = -Infinity;
  for (let t = 0; t < arm.steps.length && arm.steps[t]! <= upTo; t++) best = Math.max(best, series[t]!);
  return best;
}

/** Test accuracy as the Summary table writes it. */
export function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–';
}

/** A loss as the Summary table writes it. */
export function lossText(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : '∞';
}

/** A difference of accuracies in percentage points, unsigned, for sentences: "10.1 points". */
export function gapText(v: number): string {
  return `${Math.abs(v * 100).toFixed(1)} points`;
}

/** Percentage points, signed, for the verification table: "+10.1 pp". */
export function points(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)} pp`;
}

/** A number in a sentence, tied to the arm, metric and probe it was read from (the page marks it up). */
export function figure(arm: ArmHistory, metric: 'testAccuracy' | 'trainLoss' | 'testLoss', t: number): Figure {
  const v = arm[metric][t]!;
  return { text: metric === 'testAccuracy' ? pct(v) : lossText(v), arm: arm.name, metric, step: arm.steps[t]! };
}

/** A derived number (a step, a ratio) that no Summary cell shows. */
export function other(arm: ArmHistory, text: string, step: number): Figure {
  return { text, arm: arm.name, metric: 'other', step };
}

const METRIC_WORDS = { testAccuracy: 'test accuracy', trainLoss: 'train loss', testLoss: 'test loss' } as const;
type Metric = keyof typeof METRIC_WORDS;

/**
 * Every arm's newest values: one metric as "plain 80.9%, BN 91.0%", several as
 * "plain: test accuracy 80.9%, train loss 0.616; BN: test accuracy 91.0%, train loss 0.285".
 */
export function nowParts(arms: readonly ArmHistory[], metrics: readonly Metric[] = ['testAccuracy']): (string | Figure)[] {
  const parts: (string | Figure)[] = [];
  const several = metrics.length > 1;
  arms.forEach((a, i) => {
    const t = lastIndex(a);
    if (i > 0) parts.push(several ? '; ' : i === arms.length - 1 ? (arms.length > 2 ? ', and ' : ' and ') : ', ');
    parts.push(several ? `${a.name}: ` : `${a.name} `);
    metrics.forEach((m, k) => {
      if (k > 0) parts.push(', ');
      if (several) parts.push(`${METRIC_WORDS[m]} `);
      parts.push(figure(a, m, t));
    });
  });
  return parts;
}

/** The sentence while the run is too short to say anything. */
export function keepTraining(now: number, needed: number, what: string): Conclusion {
  return {
    ready: false,
    parts: [now === 0 ? `Press Play: the comparison needs ${needed.toLocaleString('en-US')} steps (${what}).` : `Keep training: the comparison needs step ${needed.toLocaleString('en-US')} (${what}); the run is at step ${now.toLocaleString('en-US')}.`],
  };
}

/** The sentence when the run on screen lacks the arms the lesson compares (the learner changed them). */
export function missingArms(what: string): Conclusion {
  return { ready: false, parts: [`This run has no ${what} to compare: press “Restart this step” to get the lesson’s settings back.`] };
}

/** A conclusion's text, as one string (for tests, the CLI and accessible names). */
export function conclusionText(c: Conclusion): string {
  return c.parts.map((p) => (typeof p === 'string' ? p : p.text)).join('');
}

/**
 * How far a layer's pooled median moved, unsigned, from the first probe to the probe at `upTo`, with batch norm in
 * `mode`: a net displacement (engine/history's bandDrift), which does not depend on the probe interval as a path
 * length would. Arms without batch norm have one history for both modes.
 */
export function medianDrift(arm: ArmHistory, layer: number, upTo: number, mode: BnMode = 'train'): number {
  return Math.abs(bandChange(arm, layer, 0, upTo, mode).medianShift);
}

/**
 * A layer's pooled band drift, signed, between the probes `probeAt` reads for `from` and `upTo`, with batch norm in
 * `mode` (NaN values where there is no such probe, or only one).
 */
export function bandChange(arm: ArmHistory, layer: number, from: number, upTo: number, mode: BnMode = 'train'): BandDrift {
  const l = arm.layers[layer];
  const a = probeAt(arm, from);
  const b = probeAt(arm, upTo);
  if (!l || a < 0 || b < a) return { fromStep: NaN, toStep: NaN, medianShift: NaN, widthChange: NaN };
  return bandDrift({ steps: arm.steps, ...modeHistory(l, mode).percentiles }, b, a);
}

/** "reached 90% test accuracy at step 300" or "has not reached 90% by step 500", for each arm in turn. */
export function raceParts(arms: readonly ArmHistory[], level: number): (string | Figure)[] {
  const parts: (string | Figure)[] = [];
  arms.forEach((a, i) => {
    if (i > 0) parts.push(i === arms.length - 1 ? '; ' : ', ');
    const reached = firstReach(a, level);
    const now = a.steps[lastIndex(a)] ?? 0;
    parts.push(`${a.name} `);
    if (reached === null) parts.push(`has not reached ${Math.round(level * 100)}% test accuracy by step `, other(a, now.toLocaleString('en-US'), now));
    else parts.push(`reached ${Math.round(level * 100)}% test accuracy at step `, other(a, reached.toLocaleString('en-US'), reached));
  });
  return parts;
}

/** "At step 500: plain 80.9%, BN 91.0% test accuracy." */
export function nowSentence(arms: readonly ArmHistory[], metrics: readonly Metric[] = ['testAccuracy']): (string | Figure)[] {
  const first = arms[0];
  const step = first ? (first.steps[lastIndex(first)] ?? 0) : 0;
  const tail = metrics.length === 1 ? ` ${METRIC_WORDS[metrics[0]!]}` : '';
  return [`At step ${step.toLocaleString('en-US')}: `, ...nowParts(arms, metrics), `${tail}.`];
}
