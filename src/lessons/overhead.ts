import type { ArmHistory } from '../engine/history';
import { ioffeConfig } from './ioffeMnist';
import { armWith, firstReach, lastIndex, lastStep, missingArms, other } from './measures';
import type { ClaimRun, Conclusion, Figure, Lesson } from './types';

/**
 * The price of batch norm: it adds work to every step (per layer a mean and a variance over the batch, the
 * normalization, γ and β, their gradients, the running averages), and it saves steps. Which wins is a question of
 * seconds, measured on the learner's own machine. The steps are deterministic (the seed decides them); the seconds are
 * not, so the sentence on screen quotes this machine's numbers, and the claims that involve time say "on the machine
 * that runs the check" and leave a wide margin.
 */

/** The accuracy the race is run to (both arms get there within the claims' 1,500 steps). */
const LEVEL = 0.9;
/** Steps the claims train: plain reaches 90% around step 1,000 (seed 1). */
const RACE_STEPS = 1500;
/** Per-step costs within this (relative) are "about the same": step timing is noisy to a few percent. */
const SAME_COST = 0.03;

/** The index of the first probe at which the arm reached `level`, or −1. */
function reachIndex(arm: ArmHistory, level: number): number {
  const step = firstReach(arm, level);
  return step === null ? -1 : arm.steps.indexOf(step);
}

/** The arm's ms per step at its newest probe, as the Summary table's ms / step column shows it. */
function msNow(arm: ArmHistory): number {
  return arm.timing.msPerStep[lastIndex(arm)] ?? NaN;
}

/** A figure for the Summary's ms / step cell of this arm at its newest probe. */
function msFigure(arm: ArmHistory): Figure {
  const t = lastIndex(arm);
  return { text: msNow(arm).toFixed(1), arm: arm.name, metric: 'msPerStep', step: arm.steps[t]! };
}

/** "5.7 s": training seconds in a sentence, as Convergence's read-outs write them. */
function secondsText(v: number): string {
  return `${v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} s`;
}

/** Training seconds of the arm when it first reached `level` (NaN if it has not). */
export function secondsTo(arm: ArmHistory, level: number): number {
  const t = reachIndex(arm, level);
  return t < 0 ? NaN : (arm.timing.trainingSeconds[t] ?? NaN);
}

/** Plain's steps to `level` over batch norm's: how much dearer BN's step could be and still win in seconds. */
export function stepsRatio(plain: ArmHistory, bn: ArmHistory, level: number): number {
  const p = firstReach(plain, level);
  const b = firstReach(bn, level);
  return p === null || b === null || b === 0 ? NaN : p / b;
}

/** Batch norm's training time over the plain net's, at the newest probe (both trained the same steps): its price. */
export function costRatio(plain: ArmHistory, bn: ArmHistory): number {
  const p = plain.timing.trainingSeconds[lastIndex(plain)] ?? NaN;
  const b = bn.timing.trainingSeconds[lastIndex(bn)] ?? NaN;
  return p > 0 ? b / p : NaN;
}

/** "costs 65% more per step", "costs 4% less per step", "costs about the same per step". */
function costWords(plainMs: number, bnMs: number): string {
  const more = bnMs / plainMs - 1;
  if (Math.abs(more) < SAME_COST) return 'costs about the same per step';
  return `costs ${Math.round(Math.abs(more) * 100)}% ${more > 0 ? 'more' : 'less'} per step`;
}

function runArms(r: ClaimRun | undefined): { plain: ArmHistory; bn: ArmHistory } {
  const plain = r && armWith(r.history, 'none');
  const bn = r && armWith(r.history, 'batch');
  if (!plain || !bn) throw new Error('overhead: the run needs a plain and a batch-norm arm');
  return { plain, bn };
}

const pct = `${Math.round(LEVEL * 100)}%`;

export const overhead: Lesson = {
  name: 'overhead',
  title: 'The price of batch norm: time per step against steps saved',
  question: `Batch norm adds work to every step. Counted in seconds on this computer, which net reaches ${pct} test accuracy first?`,
  predictions: ['The plain net: its steps are cheaper', 'Batch norm: it needs far fewer steps', 'About the same time'],
  steps: [
    {
      title: 'What a step costs',
      text:
        'Press Play. In every layer batch norm computes a mean and a variance over the mini-batch, normalizes, applies γ and β, ' +
        'takes the gradients of all of that and updates the running averages: work the plain net does not do. The Summary’s ' +
        'ms / step column times each arm’s training step on its own, on this computer (the median of its recent steps; the ' +
        'probes that feed these views are left out). Convergence counts steps: see how many fewer batch norm needs to reach ' +
        `${pct} test accuracy (784-100-100-100-10 sigmoid, batch 60, SGD at 0.5, as in Figure 1).`,
      config: ioffeConfig,
      views: ['convergence', 'network'],
    },
    {
      title: 'Against the clock',
      text:
        'The same run, with Convergence’s x axis on seconds (the switch above the chart): each arm is drawn against its own ' +
        'training time, so whatever batch norm’s extra work costs a step stretches its curves to the right. Does it still get there first? The ' +
        'seconds are this computer’s and this backend’s (WebAssembly, WebGL or plain JavaScript, in the header): on another ' +
        'machine the price of a step changes, while the steps each arm needs stay exactly the same, because the seed fixes them.',
      config: ioffeConfig,
      views: ['convergence'],
      xAxis: 'seconds',
    },
  ],
  conclude(history): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now === 0) return { ready: false, parts: [`Press Play: the comparison needs batch norm at ${pct} test accuracy (usually a few hundred steps).`] };
    const bnAt = reachIndex(bn, LEVEL);
    const plainMs = msNow(plain);
    const bnMs = msNow(bn);
    if (bnAt < 0 || !Number.isFinite(plainMs) || !Number.isFinite(bnMs)) {
      return { ready: false, parts: [`Keep training: the comparison starts when batch norm reaches ${pct} test accuracy; the run is at step ${now.toLocaleString('en-US')}.`] };
    }
    const bnSteps = bn.steps[bnAt]!;
    const bnSec = bn.timing.trainingSeconds[bnAt]!;
    const parts: (string | Figure)[] = ['Here batch norm ', costWords(plainMs, bnMs), ' (BN ', msFigure(bn), ' ms, plain ', msFigure(plain), ' ms)'];
    const plainAt = reachIndex(plain, LEVEL);
    if (plainAt < 0) {
      const t = lastIndex(plain);
      const plainSoFar = plain.timing.trainingSeconds[t]!;
      parts.push(
        ` and reached ${pct} test accuracy in `,
        other(bn, secondsText(bnSec), bnSteps),
        ' of training (step ',
        other(bn, bnSteps.toLocaleString('en-US'), bnSteps),
        `); the plain net has not, after `,
        other(plain, secondsText(plainSoFar), plain.steps[t]!),
        ' (step ',
        other(plain, plain.steps[t]!.toLocaleString('en-US'), plain.steps[t]!),
        // Until the plain net has trained as long as batch norm needed, it could still arrive sooner in seconds.
        plainSoFar >= bnSec ? '), so batch norm is first in seconds too.' : '): it has trained for less time than that, so the race in seconds is still open. Keep training.',
      );
      return { ready: plainSoFar >= bnSec, parts };
    }
    const plainSteps = plain.steps[plainAt]!;
    const plainSec = plain.timing.trainingSeconds[plainAt]!;
    parts.push(
      ` and reaches ${pct} test accuracy ${bnSec <= plainSec ? 'in' : 'later: in'} `,
      other(bn, secondsText(bnSec), bnSteps),
      ' vs ',
      other(plain, secondsText(plainSec), plainSteps),
      ' of training (step ',
      other(bn, bnSteps.toLocaleString('en-US'), bnSteps),
      ' vs step ',
      other(plain, plainSteps.toLocaleString('en-US'), plainSteps),
      ').',
    );
    const ratio = plainSteps / bnSteps;
    if (ratio > 1) {
      parts.push(
        ' The plain net needed ',
        other(plain, `${ratio.toFixed(1)}×`, plainSteps),
        ` as many steps, so batch norm wins in seconds wherever its step costs less than ${ratio.toFixed(1)}× the plain net’s.`,
      );
    }
    return { ready: true, parts };
  },
  claims: [
    {
      text: `The plain net needs at least 2.5× the steps batch norm needs to reach ${pct} (so batch norm wins in seconds unless its step costs 2.5× as much)`,
      runs: [0],
      trainSteps: RACE_STEPS,
      measure: ([r]) => {
        const { plain, bn } = runArms(r);
        return stepsRatio(plain, bn, LEVEL);
      },
      holds: { op: '>=', threshold: 2.5 },
      format: (v) => `${v.toFixed(2)}×`,
    },
    {
      // The price is the machine's: on the fast WebAssembly path batch norm's kernels add a few percent to a step, on
      // tfjs's kernel-by-kernel path far more. The lesson's point needs only that it stays below the steps it saves.
      text: `On the machine running this check, batch norm's training time to step ${RACE_STEPS.toLocaleString('en-US')} is at most 1.5× the plain net's (less than the 2.5× steps it saves)`,
      runs: [0],
      trainSteps: RACE_STEPS,
      measure: ([r]) => {
        const { plain, bn } = runArms(r);
        return costRatio(plain, bn);
      },
      holds: { op: '<=', threshold: 1.5 },
      format: (v) => `${v.toFixed(2)}×`,
    },
    {
      text: `On the machine running this check, batch norm reaches ${pct} in at most 0.8× the plain net's training seconds`,
      runs: [0],
      trainSteps: RACE_STEPS,
      measure: ([r]) => {
        const { plain, bn } = runArms(r);
        return secondsTo(bn, LEVEL) / secondsTo(plain, LEVEL);
      },
      holds: { op: '<=', threshold: 0.8 },
      format: (v) => `${v.toFixed(2)}×`,
    },
  ],
};
