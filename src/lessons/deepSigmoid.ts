import { PRESETS } from '../config/presets';
import type { ArmHistory } from '../engine/history';
import { armWith, at, keepTraining, lastStep, maxUpTo, missingArms, nowSentence, other, pct, probeAt } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 9 (10 in the list): vanishing gradients. The sigmoid's slope is at most 1/4, so without
 * normalization each layer multiplies the backward signal by a small factor and the first layers hardly learn.
 */
const config = PRESETS.find((p) => p.name === 'deep-sigmoid')!.config;
const AT = 500;

/** The first hidden layer's mean ‖∂ℓ/∂W‖₂ over the probes up to `upTo`, divided by the last hidden layer's. */
export function gradientRatio(arm: ArmHistory, upTo: number): number {
  const last = probeAt(arm, upTo);
  const mean = (series: readonly number[]) => series.slice(0, last + 1).reduce((a, b) => a + b, 0) / (last + 1);
  const layers = arm.layers;
  return mean(layers[0]!.gradNorm) / mean(layers[layers.length - 1]!.gradNorm);
}

function ratioText(r: number): string {
  return r >= 1 ? `${r.toFixed(1)}×` : `1/${Math.round(1 / r).toLocaleString('en-US')}`;
}

export const deepSigmoid: Lesson = {
  name: 'deep-sigmoid',
  title: 'A deep sigmoid net: vanishing gradients, and batch norm against them',
  question: 'Six sigmoid layers deep. Compared with the last hidden layer, how large is the first layer’s gradient in the plain net?',
  predictions: ['About the same', 'Ten times smaller', 'Hundreds of times smaller', 'Larger'],
  steps: [
    {
      title: 'Six layers of 64 sigmoids',
      text:
        'Glorot initialization, SGD at 0.2, batch 60. Press Play and watch Convergence: does the plain net learn? Then hover each ' +
        'layer in the Network view: its tooltip gives each arm’s gradient norm ‖∂ℓ/∂W‖₂ for that layer. Compare layer 1 with ' +
        'layer 6, without and with batch norm.',
      config,
      views: ['convergence', 'network', 'ics'],
      layer: 0,
    },
    {
      title: 'Where the signal dies',
      text:
        'Look at Activation distributions for layer 1 and then layer 6. A sigmoid’s slope is at most 1/4: each plain layer ' +
        'shrinks the backward signal, and six of them leave the first layer almost nothing. Batch norm rescales each layer’s ' +
        'input to unit variance, and the backward pass (§3 of the paper) rescales the gradient with it.',
      config,
      views: ['distributions', 'network'],
      layer: 0,
    },
  ],
  conclude(history): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!plain || !bn) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'gradients are averaged over the probes up to there');
    const parts: (string | Figure)[] = [
      `Averaged over the probes up to step ${now.toLocaleString('en-US')}, the first hidden layer’s gradient is `,
      other(plain, ratioText(gradientRatio(plain, now)), now),
      ` of the last hidden layer’s in ${plain.name} and `,
      other(bn, ratioText(gradientRatio(bn, now)), now),
      ` in ${bn.name}. `,
    ];
    const best = maxUpTo(plain, plain.testAccuracy, now);
    if (best <= 0.15) parts.push(`${plain.name} never got past chance (at most `, other(plain, pct(best), now), '). ');
    return { ready: true, parts: [...parts, ...nowSentence([plain, bn])] };
  },
  claims: [
    {
      text: `Plain: the first layer’s gradient is at most 1/100 of the last hidden layer’s (mean over probes to step ${AT})`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => gradientRatio(armWith(r!.history, 'none')!, AT),
      holds: { op: '<=', threshold: 0.01 },
      format: (v) => v.toExponential(1),
    },
    {
      text: `Batch norm: the same ratio is at least 1/3`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => gradientRatio(armWith(r!.history, 'batch')!, AT),
      holds: { op: '>=', threshold: 1 / 3 },
      format: (v) => v.toFixed(2),
    },
    {
      text: `At step ${AT}, the plain net is below 15% test accuracy (chance is about 10%)`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const plain = armWith(r!.history, 'none')!;
        return at(plain, plain.testAccuracy, AT);
      },
      holds: { op: '<=', threshold: 0.15 },
      format: pct,
    },
    {
      text: `At step ${AT}, batch norm is at 85% test accuracy or more`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const bn = armWith(r!.history, 'batch')!;
        return at(bn, bn.testAccuracy, AT);
      },
      holds: { op: '>=', threshold: 0.85 },
      format: pct,
    },
  ],
};
