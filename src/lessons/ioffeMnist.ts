import { PRESETS } from '../config/presets';
import type { ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import { armWith, at, gapText, keepTraining, lastStep, medianDrift, missingArms, nowSentence, other, points, probedStep, raceParts } from './measures';
import type { Conclusion, Lesson } from './types';

/** Ioffe & Szegedy's Figure 1 set-up: the ioffe-mnist preset as it is. */
export const ioffeConfig: ExperimentConfigInput = PRESETS.find((p) => p.name === 'ioffe-mnist')!.config;

const EARLY = 300;
const DRIFT_TO = 500;

/** Test accuracy of BN minus plain at `step`. */
function lead(bn: ArmHistory, plain: ArmHistory, step: number): number {
  return at(bn, bn.testAccuracy, step) - at(plain, plain.testAccuracy, step);
}

/** The last hidden layer's median drift, plain over BN. */
function driftRatio(plain: ArmHistory, bn: ArmHistory, upTo: number): number {
  const last = plain.layers.length - 1;
  return medianDrift(plain, last, upTo) / medianDrift(bn, last, upTo);
}

export const ioffeMnist: Lesson = {
  name: 'ioffe-mnist',
  title: 'Figure 1 of Ioffe & Szegedy: faster early, steadier inputs',
  question: 'Both nets start from the same weights and see the same digits. At step 300, how far apart will their test accuracies be?',
  predictions: ['About the same', 'Batch norm ahead by a few points', 'Batch norm ahead by 20 points or more', 'The plain net ahead'],
  steps: [
    {
      title: 'Who learns faster?',
      text:
        'Press Play and watch Convergence: test accuracy of the plain net and of the same net with batch norm before each sigmoid ' +
        '(784-100-100-100-10, batch 60, SGD at 0.5, initial weights with std 0.1). Look at step 300 and at step 500, not at the ' +
        'end: trained long enough, both reach about 95% (the paper’s point is speed, and it shows early).',
      config: ioffeConfig,
      views: ['convergence', 'distributions'],
    },
    {
      title: 'The sigmoid’s input',
      text:
        'Same run, now look at Activation distributions, layer 3: the 15th, 50th and 85th percentiles of the input of the last ' +
        'sigmoid over training, as in Figure 1b–c. Without batch norm the band drifts as the earlier layers learn; with it the ' +
        'median stays near 0. Read it carefully: this view shows batch norm in training mode, where every unit’s input is ' +
        'normalized and then set by its γ and β, so the batch-norm band moves only as γ and β learn. Pick one unit in the view ' +
        'to see what Ioffe & Szegedy plotted.',
      config: ioffeConfig,
      views: ['distributions', 'convergence'],
      layer: 2,
    },
  ],
  conclude(history): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < EARLY) return keepTraining(now, EARLY, 'the paper’s point shows early');
    const parts: Conclusion['parts'][number][] = [...raceParts([bn, plain], 0.9), '. ', ...nowSentence([plain, bn])];
    const early = probedStep(bn, EARLY);
    const d = lead(bn, plain, early);
    parts.push(` At step ${early.toLocaleString('en-US')} batch norm was ${d >= 0 ? 'ahead' : 'behind'} by `, other(bn, gapText(d), early), '.');
    if (now >= DRIFT_TO && plain.layers.length === bn.layers.length) {
      const last = plain.layers.length - 1;
      const to = probedStep(bn, DRIFT_TO);
      parts.push(
        ` From step 0 to ${to.toLocaleString('en-US')}, the median of the last sigmoid’s input (pooled over its units) moved `,
        other(plain, medianDrift(plain, last, to).toFixed(2), to),
        ' in the plain net and ',
        other(bn, medianDrift(bn, last, to).toFixed(2), to),
        ' with batch norm.',
      );
    }
    return { ready: true, parts };
  },
  claims: [
    {
      text: `At step ${EARLY}, batch norm leads the plain net in test accuracy by at least 20 points`,
      runs: [0],
      trainSteps: DRIFT_TO,
      measure: ([r]) => lead(armWith(r!.history, 'batch')!, armWith(r!.history, 'none')!, EARLY),
      holds: { op: '>=', threshold: 0.2 },
      format: points,
    },
    {
      text: `From step 0 to ${DRIFT_TO}, the last sigmoid input’s median (pooled, training mode) moves at least 5× farther without batch norm`,
      runs: [0],
      trainSteps: DRIFT_TO,
      measure: ([r]) => driftRatio(armWith(r!.history, 'none')!, armWith(r!.history, 'batch')!, DRIFT_TO),
      holds: { op: '>=', threshold: 5 },
      format: (v) => `${v.toFixed(1)}×`,
    },
  ],
};
