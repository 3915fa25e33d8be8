import type { ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import { ioffeConfig } from './ioffeMnist';
import { armWith, at, keepTraining, lastIndex, lastStep, missingArms, nowSentence, other } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 8: regularization. Ioffe & Szegedy note that a training example is seen together with random others, so
 * batch norm adds noise that can regularize (they dropped dropout). The lab's training set is fixed at 8,000
 * digits, so to overfit, the net is made to fit fast (ReLU, Adam) and trained for 11 epochs. On this engine the
 * noise does not narrow the train/test gap by much: the lesson says so, with the numbers.
 */
const AT = 1500;

const config: ExperimentConfigInput = {
  ...ioffeConfig,
  activation: 'relu',
  init: { scheme: 'he', scale: 1 },
  optimizer: { kind: 'adam', learningRate: 0.001 },
};

/** Test loss minus training loss at the probe at or before `step`. */
export function lossGap(arm: ArmHistory, step: number): number {
  return at(arm, arm.testLoss, step) - at(arm, arm.trainLoss, step);
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
}

export const regularization: Lesson = {
  name: 'regularization',
  title: 'Regularization: does batch norm’s batch noise narrow the train/test gap?',
  question: 'Trained for 11 passes over 8,000 digits, both nets fit the training set almost perfectly. Whose test loss will sit further above its training loss?',
  predictions: ['The plain net’s: batch norm regularizes', 'About the same', 'Batch norm’s'],
  steps: [
    {
      title: 'Train until it overfits',
      text:
        `ReLU layers with He initialization and Adam at 0.001, batch 60: both nets fit fast. Press Play and let it run to step ${AT.toLocaleString('en-US')} ` +
        '(11 epochs). In Convergence, switch to log scale: the training loss keeps falling while the test loss levels off. ' +
        'That gap is overfitting. In training mode each digit is normalized with 59 random companions, a noise ' +
        'that could act like dropout; compare the two arms’ gaps in the Summary. (The lab’s training set is fixed at 8,000 digits; a ' +
        'smaller one would overfit sooner.)',
      config,
      views: ['convergence'],
    },
  ],
  conclude(history): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'overfitting takes several passes over the data');
    const narrowed = lossGap(plain, now) - lossGap(bn, now);
    const parts: (string | Figure)[] = [
      ...nowSentence([plain, bn], ['trainLoss', 'testLoss', 'testAccuracy']),
      ' Test minus train loss: ',
      other(plain, signed(lossGap(plain, now)), now),
      ` for ${plain.name}, `,
      other(bn, signed(lossGap(bn, now)), now),
      ` for ${bn.name}. `,
      narrowed > 0 ? 'Batch norm narrowed the gap by ' : 'Batch norm did not narrow the gap: it is wider by ',
      other(bn, Math.abs(narrowed).toFixed(3), bn.steps[lastIndex(bn)]!),
      narrowed > 0 ? `, ${Math.round((100 * narrowed) / Math.max(lossGap(plain, now), 1e-9))}% of the plain net’s gap.` : '.',
    ];
    return { ready: true, parts };
  },
  claims: [
    {
      text: `Both nets overfit: at step ${AT.toLocaleString('en-US')} each one’s test loss is at least 4× its training loss`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => Math.min(...r!.history.map((a) => at(a, a.testLoss, AT) / at(a, a.trainLoss, AT))),
      holds: { op: '>=', threshold: 4 },
      format: (v) => `${v.toFixed(1)}×`,
    },
    {
      text: `Batch norm narrows the train/test loss gap at step ${AT.toLocaleString('en-US')} by less than 0.05`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => lossGap(armWith(r!.history, 'none')!, AT) - lossGap(armWith(r!.history, 'batch')!, AT),
      holds: { op: '<=', threshold: 0.05 },
      format: signed,
    },
  ],
};
