import type { ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import { ioffeConfig } from './ioffeMnist';
import { armWith, at, gapText, keepTraining, lastIndex, lastStep, missingArms, nowSentence, other, points, probedStep } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 7: small batches, batch norm against layer norm (group norm is an arm choice too; the sweep CLI compares all four). On this
 * engine batch norm is still ahead at batch 4 (the preset's old text said the opposite); at batch 2 layer norm
 * is far ahead. At batch 4 the cost of noisy batch statistics shows as a training loss (batch statistics)
 * well above the test loss (running averages), which layer norm, the same in both modes, does not have.
 */
const AT = 1000;
const BATCHES = [60, 4, 2] as const;

export const withBatch = (batchSize: number): ExperimentConfigInput => ({
  ...ioffeConfig,
  batchSize,
  optimizer: { kind: 'sgd', learningRate: 0.05 },
  arms: [{ norm: 'batch' }, { norm: 'layer' }],
});

/** An arm's training loss minus its test loss at the probe at or before `step`. */
function modeGap(arm: ArmHistory, step: number): number {
  return at(arm, arm.trainLoss, step) - at(arm, arm.testLoss, step);
}

function lnLead(history: readonly ArmHistory[], step: number): number {
  const bn = armWith(history, 'batch')!;
  const ln = armWith(history, 'layer')!;
  return at(ln, ln.testAccuracy, step) - at(bn, bn.testAccuracy, step);
}

export const smallBatch: Lesson = {
  name: 'small-batch',
  title: 'Small batches: where batch norm’s statistics get noisy',
  question: 'Layer norm normalizes each example by itself; batch norm needs the batch. With batches of 2 digits, which one is ahead after 1,000 steps?',
  predictions: ['Batch norm', 'Layer norm', 'About the same'],
  steps: BATCHES.map((b, i) => ({
    title: `Batch size ${b}`,
    text:
      (i === 0
        ? 'Batch norm and layer norm, SGD at 0.05, batches of 60. '
        : `The same nets with batches of ${b}: ${b === 2 ? 'almost every batch-norm x̂ is ±1 (lesson 1)' : 'each statistic is a mean of 4 numbers'}. `) +
      `Press Play to step ${AT.toLocaleString('en-US')}. Compare the two arms’ test accuracy, and each arm’s train loss (training mode: batch norm uses the ` +
      'batch’s statistics) with its test loss (inference mode: the running averages) in the Summary. Steps are not examples: at ' +
      `batch ${b} the nets have seen ${(b * AT).toLocaleString('en-US')} digits by step ${AT.toLocaleString('en-US')}.`,
    config: withBatch(b),
    views: ['convergence', 'inspector'],
  })),
  conclude(history, config): Conclusion {
    const bn = armWith(history, 'batch');
    const ln = armWith(history, 'layer');
    if (!bn || !ln) return missingArms('batch-norm and layer-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'small batches learn slowly per step');
    const t = lastIndex(bn);
    const lead = lnLead(history, now);
    const ahead = lead >= 0 ? ln : bn;
    const parts: (string | Figure)[] = [
      `At batch size ${config.batchSize}, ${ahead.name} is ahead by `,
      other(ahead, gapText(lead), now),
      '. ',
      ...nowSentence([bn, ln], ['testAccuracy', 'trainLoss', 'testLoss']),
      ` ${bn.name}’s training loss is `,
      other(bn, `${Math.abs(modeGap(bn, now)).toFixed(3)} ${modeGap(bn, now) >= 0 ? 'above' : 'below'}`, bn.steps[t]!),
      ` its test loss, ${ln.name}’s `,
      other(ln, `${Math.abs(modeGap(ln, now)).toFixed(3)} ${modeGap(ln, now) >= 0 ? 'above' : 'below'}`, bn.steps[t]!),
      ' its test loss.',
    ];
    return { ready: true, parts };
  },
  claims: [
    {
      text: `At batch size 2, layer norm leads batch norm in test accuracy at step ${AT.toLocaleString('en-US')} by at least 15 points`,
      runs: [2],
      trainSteps: AT,
      measure: ([r]) => lnLead(r!.history, probedStep(r!.history[0]!, AT)),
      holds: { op: '>=', threshold: 0.15 },
      format: points,
    },
    {
      text: `At batch size 4, batch norm still leads layer norm at step ${AT.toLocaleString('en-US')} by at least 2 points`,
      runs: [1],
      trainSteps: AT,
      measure: ([r]) => -lnLead(r!.history, AT),
      holds: { op: '>=', threshold: 0.02 },
      format: points,
    },
    {
      text: `At batch size 4, batch norm’s training loss (batch statistics) is at least 0.15 above its test loss (running averages)`,
      runs: [1],
      trainSteps: AT,
      measure: ([r]) => modeGap(armWith(r!.history, 'batch')!, AT),
      holds: { op: '>=', threshold: 0.15 },
      format: (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`,
    },
  ],
};
