import type { ExperimentConfigInput } from '../config/schema';
import { ioffeConfig } from './ioffeMnist';
import { armWith, at, keepTraining, lastStep, missingArms, nowSentence, points, raceParts } from './measures';
import type { Conclusion, Lesson } from './types';

/**
 * Lesson 6: where batch norm sits. Ioffe & Szegedy normalize the nonlinearity's input (x = Wu, before the
 * sigmoid); much practice puts it after. Placement is one setting for the whole run, so the lesson runs twice.
 */
const AT = 500;

const placed = (placement: 'before' | 'after'): ExperimentConfigInput => ({
  ...ioffeConfig,
  normalization: { placement, momentum: 0.1, epsilon: 1e-5, affine: true },
});

export const placement: Lesson = {
  name: 'placement',
  title: 'Before or after the nonlinearity?',
  question: 'Ioffe & Szegedy put batch norm before each sigmoid. Moved after it, normalizing the sigmoid’s output instead, how will it do at step 500?',
  predictions: ['Worse than before the sigmoid', 'About the same', 'Better than before the sigmoid'],
  steps: [
    {
      title: 'Before the sigmoid (the paper)',
      text:
        `Figure 1’s network with batch norm on each sigmoid’s input. Press Play, stop near step ${AT} and note the batch-norm arm’s ` +
        'test accuracy and loss. The Network view shows where the normalization sits.',
      config: placed('before'),
      views: ['convergence', 'network'],
    },
    {
      title: 'After the sigmoid',
      text:
        `The same run with batch norm on each sigmoid’s output. Play to step ${AT} and compare with the previous step (the plain arm ` +
        'is the same run both times: the same numbers). In Activation distributions, layer 2, the sigmoid now receives an ' +
        'unnormalized input again; what is normalized is what the next layer reads.',
      config: placed('after'),
      views: ['convergence', 'network', 'distributions'],
      layer: 1,
    },
  ],
  conclude(history, config): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'the lesson compares the placements there');
    return {
      ready: true,
      parts: [
        `With batch norm ${config.normalization.placement} each ${config.activation}: `,
        ...raceParts([bn, plain], 0.9),
        '. ',
        ...nowSentence([plain, bn], ['testAccuracy', 'testLoss']),
        // The comparison of the two runs, which one run cannot show, in the terms of the claim `npm run lessons:verify` checks.
        ...(config.normalization.placement === 'after'
          ? [' With the lesson’s settings, for seeds 1, 2 and 3 alike, batch norm after the sigmoid is ahead of batch norm before it at step 500 by more than a point: the paper’s placement is not the best one on every network.']
          : []),
      ],
    };
  },
  claims: [
    {
      text: `At step ${AT}, batch norm after the sigmoid is ahead of batch norm before it by at least 1 point of test accuracy`,
      runs: [0, 1],
      trainSteps: AT,
      measure: ([before, after]) => {
        const b = armWith(before!.history, 'batch')!;
        const a = armWith(after!.history, 'batch')!;
        return at(a, a.testAccuracy, AT) - at(b, b.testAccuracy, AT);
      },
      holds: { op: '>=', threshold: 0.01 },
      format: points,
    },
  ],
};
