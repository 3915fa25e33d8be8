import { settingsAt } from '../config/schedule';
import type { ExperimentConfig, ExperimentConfigInput } from '../config/schema';
import { ioffeConfig } from './ioffeMnist';
import { armWith, at, figure, keepTraining, lastIndex, lastStep, missingArms, nowSentence, pct, probeAt } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 5: training versus inference mode. Training normalizes with the batch's statistics; test accuracy and
 * test loss use the running averages. With a tiny running-statistics momentum those averages are still close to
 * their start (mean 0, variance 1) long after the weights have learned, and the test loss shows it.
 */
const SLOW = 0.001;
const AT = 500;
const SWITCH = 500;
const CAUGHT_UP = 550;

const withMomentum = (momentum: number, extra: Partial<ExperimentConfigInput> = {}): ExperimentConfigInput => ({
  ...ioffeConfig,
  normalization: { placement: 'before', momentum, epsilon: 1e-5, affine: true },
  ...extra,
});

/**
 * The weight the running averages still give their starting values (mean 0, variance 1) after `steps` steps:
 * Π(1 − momentum) over the steps, each with the momentum in force then (a schedule may change it). Steps with batch
 * norm switched to inference mode leave the averages frozen, so they don't count.
 */
export function startWeight(config: ExperimentConfig, steps: number): number {
  let w = 1;
  for (let s = 0; s < steps; s++) {
    const now = settingsAt(config, s);
    if (now.bnMode !== 'inference') w *= 1 - now.bnMomentum;
  }
  return w;
}

/** BN's test loss minus its training loss at `step`. */
function gap(history: Parameters<Lesson['conclude']>[0], step: number): number {
  const bn = armWith(history, 'batch')!;
  return at(bn, bn.testLoss, step) - at(bn, bn.trainLoss, step);
}

export const inferenceMode: Lesson = {
  name: 'inference-mode',
  title: 'Training mode and inference mode: the running averages',
  question: 'Batch norm’s running averages are updated with momentum 0.001 instead of 0.1 (PyTorch’s convention; Keras calls it 0.999). Training is unchanged. What happens to the test loss?',
  predictions: ['Nothing: training is the same', 'It stays far above the training loss for hundreds of steps', 'It is lower than the training loss', 'The net diverges'],
  steps: [
    {
      title: 'Momentum 0.1',
      text:
        'Press Play and stop near step 500. The training loss is measured as training sees it, batch norm normalizing with each ' +
        'batch’s own mean and variance; the test loss and accuracy use inference mode, the running averages. With momentum 0.1 the ' +
        'averages follow the batches closely and the two losses agree. In “Inside batch norm”, the scatter plots compare the batch ' +
        'statistics with the running ones.',
      config: withMomentum(0.1),
      views: ['convergence', 'inspector'],
      layer: 0,
    },
    {
      title: 'Momentum 0.001',
      text:
        'The running averages now move 0.1% of the way toward each batch. Training is identical (same weights, same training loss) ' +
        'but at test time the averages are still mostly their starting values, mean 0 and variance 1. Play to step 500 and compare ' +
        'the train and test loss of the batch-norm arm in the Summary; in the inspector the running points lag far behind the batch ones.',
      config: withMomentum(SLOW),
      views: ['convergence', 'inspector'],
      layer: 0,
    },
    {
      title: 'Catching up',
      text:
        `The same slow averages, but from step ${SWITCH} on the momentum is 0.1 again (a scheduled change, marked on the step axis). ` +
        `This step trains to step ${CAUGHT_UP + 50} by itself and pauses: watch the test loss in Convergence around step ${SWITCH}, ` +
        'and the running points in the inspector join the batch ones.',
      config: withMomentum(SLOW, { schedule: [{ step: SWITCH, set: { bnMomentum: 0.1 } }] }),
      to: CAUGHT_UP + 50,
      views: ['convergence', 'inspector'],
      layer: 0,
    },
  ],
  conclude(history, config): Conclusion {
    const bn = armWith(history, 'batch');
    const plain = armWith(history, 'none');
    if (!bn) return missingArms('batch-norm arm');
    const now = lastStep(history);
    const needed = config.schedule.some((e) => e.set.bnMomentum !== undefined) ? CAUGHT_UP : AT;
    if (now < needed) return keepTraining(now, needed, needed === AT ? 'the running averages need time' : 'the averages catch up after the change');
    const t = lastIndex(bn);
    const stillStart = startWeight(config, now);
    const parts: (string | Figure)[] = [
      `At step ${now.toLocaleString('en-US')}, ${bn.name}’s training loss (batch statistics) is `,
      figure(bn, 'trainLoss', t),
      ' and its test loss (running averages) ',
      figure(bn, 'testLoss', t),
    ];
    if (plain) {
      const p = lastIndex(plain);
      parts.push('; the plain net’s are ', figure(plain, 'trainLoss', p), ' and ', figure(plain, 'testLoss', p));
    }
    parts.push(
      `. After ${now.toLocaleString('en-US')} steps the running averages still give their starting values (mean 0, variance 1) a weight of ${(stillStart * 100).toFixed(stillStart < 0.001 ? 2 : 0)}%. `,
    );
    const switchAt = config.schedule.find((e) => e.set.bnMomentum !== undefined);
    if (switchAt && probeAt(bn, switchAt.step) >= 0 && bn.steps[probeAt(bn, switchAt.step)] === switchAt.step) {
      const s = switchAt.step;
      parts.push(
        `When the momentum changed at step ${s.toLocaleString('en-US')}, ${bn.name}’s test accuracy was `,
        figure(bn, 'testAccuracy', probeAt(bn, s)),
        `; ${(now - s).toLocaleString('en-US')} steps later it is `,
        figure(bn, 'testAccuracy', t),
        '.',
      );
    } else parts.push(...nowSentence(plain ? [plain, bn] : [bn]));
    return { ready: true, parts };
  },
  claims: [
    {
      text: `With momentum ${SLOW}, batch norm’s test loss is at least 0.5 above its training loss at step ${AT}`,
      runs: [1],
      trainSteps: AT,
      measure: ([r]) => gap(r!.history, AT),
      holds: { op: '>=', threshold: 0.5 },
      format: (v) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`,
    },
    {
      text: `With momentum 0.1, the two losses are within 0.1 of each other at step ${AT}`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => Math.abs(gap(r!.history, AT)),
      holds: { op: '<=', threshold: 0.1 },
      format: (v) => v.toFixed(3),
    },
    {
      text: `Switched to momentum 0.1 at step ${SWITCH}, batch norm is at 88% test accuracy or more by step ${CAUGHT_UP}`,
      runs: [2],
      trainSteps: CAUGHT_UP,
      measure: ([r]) => {
        const bn = armWith(r!.history, 'batch')!;
        return at(bn, bn.testAccuracy, CAUGHT_UP);
      },
      holds: { op: '>=', threshold: 0.88 },
      format: pct,
    },
  ],
};
