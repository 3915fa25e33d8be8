import type { ExperimentConfigInput } from '../config/schema';
import { ioffeConfig } from './ioffeMnist';
import { armWith, at, figure, keepTraining, lastStep, missingArms, nowSentence, other, probeAt, probedStep } from './measures';
import type { ClaimRun, Conclusion, Lesson } from './types';

/**
 * Lesson 4: the initial scale. Batch norm before the sigmoid makes each hidden layer's output independent of the
 * scale of its weights (BN(a·Wx) = BN(Wx) for a > 0), so only the classifier's start and the effective step size
 * still depend on it: less sensitive, not insensitive. Four runs, one per scale; the claims compare them.
 */
const SCALES = [0.1, 0.01, 0.5, 2] as const;
const AT = 500;

const withScale = (scale: number): ExperimentConfigInput => ({ ...ioffeConfig, init: { scheme: 'gaussian', scale } });

/** Largest minus smallest test accuracy at step AT across the runs, for one kind of arm. */
function spread(runs: readonly ClaimRun[], norm: 'none' | 'batch'): number {
  const values = runs.map((r) => {
    const arm = armWith(r.history, norm)!;
    return at(arm, arm.testAccuracy, AT);
  });
  return Math.max(...values) - Math.min(...values);
}

/** A span of accuracies in percentage points. */
function spanText(v: number): string {
  return `${(v * 100).toFixed(1)} pp`;
}

function describe(scale: number): string {
  if (scale <= 0.02) return 'tiny weights: the plain net’s signals shrink layer after layer and its gradients nearly vanish';
  if (scale >= 1) return 'large weights: the plain net’s sigmoids start saturated';
  return 'moderate weights';
}

export const initScale: Lesson = {
  name: 'init-scale',
  title: 'The initial scale: batch norm makes training much less sensitive to it',
  question: 'Start the weights 10× smaller (std 0.01) or 20× larger (std 2) than in Figure 1. Which net cares?',
  predictions: ['Neither: both train the same', 'Only the plain net suffers', 'Both suffer about equally', 'Only batch norm suffers'],
  steps: SCALES.map((scale, i) => ({
    title: `Initial weights with std ${scale}`,
    text:
      i === 0
        ? `Figure 1’s scale, std ${scale}. Press Play and note both accuracies at step ${AT} in the Summary: the baseline for the next three steps.`
        : `Std ${scale}: ${describe(scale)}. Press Play to step ${AT} and compare with the previous steps. Look at Activation distributions, layer 1, ` +
          'for where the sigmoid inputs start.',
    config: withScale(scale),
    views: ['convergence', 'distributions'],
    layer: 0,
  })),
  conclude(history, config): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'the lesson compares the scales at that step');
    const step = probedStep(bn, AT);
    const gap = at(bn, bn.testAccuracy, step) - at(plain, plain.testAccuracy, step);
    return {
      ready: true,
      parts: [
        `With initial std ${config.init.scale} (${describe(config.init.scale)}), at step ${step.toLocaleString('en-US')} batch norm is `,
        other(bn, `${Math.abs(gap * 100).toFixed(1)} points ${gap >= 0 ? 'ahead of' : 'behind'}`, step),
        ' the plain net (',
        figure(plain, 'testAccuracy', probeAt(plain, step)),
        ' plain, ',
        figure(bn, 'testAccuracy', probeAt(bn, step)),
        ' batch norm).',
        ...(now > step ? [' ', ...nowSentence([plain, bn])] : []),
        // What one run cannot show: the four runs side by side, in the terms of the claims `npm run lessons:verify` checks.
        ...(config.init.scale === SCALES[SCALES.length - 1]
          ? [` Over the lesson’s four scales, for seeds 1, 2 and 3 alike, the plain net’s accuracy at step ${AT} spans more than 50 points and batch norm’s less than 15: much less sensitive, not insensitive.`]
          : []),
      ],
    };
  },
  claims: [
    {
      text: `Across initial std ${SCALES.join(', ')}, the plain net’s test accuracy at step ${AT} spans at least 50 points`,
      runs: [0, 1, 2, 3],
      trainSteps: AT,
      measure: (runs) => spread(runs, 'none'),
      holds: { op: '>=', threshold: 0.5 },
      format: spanText,
    },
    {
      text: `Across the same scales, batch norm’s spans at most 15 points (less sensitive, not insensitive)`,
      runs: [0, 1, 2, 3],
      trainSteps: AT,
      measure: (runs) => spread(runs, 'batch'),
      holds: { op: '<=', threshold: 0.15 },
      format: spanText,
    },
  ],
};
