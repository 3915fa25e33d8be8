import { PRESETS } from '../config/presets';
import type { ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import type { BnMode } from '../engine/probes/types';
import { warmStep } from '../config/schedule';
import { armWith, at, bandChange, gapText, keepTraining, lastStep, medianDrift, missingArms, nowSentence, other, points, probedStep, raceParts } from './measures';
import type { ClaimRun, Conclusion, Lesson } from './types';

/** Ioffe & Szegedy's Figure 1 set-up: the ioffe-mnist preset as it is. */
export const ioffeConfig: ExperimentConfigInput = PRESETS.find((p) => p.name === 'ioffe-mnist')!.config;

const EARLY = 300;
const DRIFT_TO = 500;
/**
 * The first probe at which batch norm's running averages are warm (momentum 0.1: from step 44 on they give their
 * starting values under 1%). Before it, inference mode is still mostly the starting mean 0 and variance 1, and at step
 * 0 both nets compute the same function; from it on, the two arms' bands can be compared in inference mode.
 */
const WARM_PROBE = 50;

const signedText = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/** Test accuracy of BN minus plain at `step`. */
function lead(bn: ArmHistory, plain: ArmHistory, step: number): number {
  return at(bn, bn.testAccuracy, step) - at(plain, plain.testAccuracy, step);
}

/** The last hidden layer's pooled 15–85 width change from `from` to `upTo`, plain over BN, batch norm in `mode`. */
function widthRatio(plain: ArmHistory, bn: ArmHistory, from: number, upTo: number, mode: BnMode): number {
  const last = plain.layers.length - 1;
  return bandChange(plain, last, from, upTo, mode).widthChange / bandChange(bn, last, from, upTo, mode).widthChange;
}

/** The last hidden layer's pooled median drift, plain over BN, batch norm in `mode`. */
function driftRatio(plain: ArmHistory, bn: ArmHistory, upTo: number, mode: BnMode): number {
  const last = plain.layers.length - 1;
  return medianDrift(plain, last, upTo, mode) / medianDrift(bn, last, upTo, mode);
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
        'sigmoid over training, as in Figure 1b–c. The view opens on what the paper plots: one unit (pick another in the list) ' +
        'of the network as the test set sees it, “Batch norm: inference mode” (the running averages). At step 0 the two nets ' +
        'compute the same thing: the running averages start at mean 0 and variance 1, so batch norm normalizes nothing yet. ' +
        'One unit is noisy: press “Whole layer” to pool all 100, as the closing sentence does. Pooled, the plain net’s median ' +
        'moves several times farther than batch norm’s, and from step 50, once the running averages have caught up, its band ' +
        'also widens more than twice as much. Then press “training mode”: each batch-norm unit is normalized with the batch’s ' +
        'own statistics and set by its γ and β, so that band moves only as γ and β learn. Steady by construction, it shows the ' +
        'mechanism, not the effect: the comparison is made in inference mode.',
      config: ioffeConfig,
      views: ['distributions', 'convergence'],
      layer: 2,
      distScope: 'unit',
      distMode: 'inference',
    },
  ],
  conclude(history, config): Conclusion {
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
        other(bn, medianDrift(bn, last, to, 'inference').toFixed(2), to),
        ' with batch norm in inference mode (',
        other(bn, medianDrift(bn, last, to, 'train').toFixed(2), to),
        ' in training mode).',
      );
      // Widths from the first probe with warm running averages: before it, batch norm's inference band is not yet normalized.
      const warm = warmStep(config, to);
      const from = warm === null ? null : bn.steps.find((s) => s >= warm && s < to);
      if (from !== undefined && from !== null) {
        parts.push(
          ` From step ${from.toLocaleString('en-US')}, once batch norm’s running averages are warm, to ${to.toLocaleString('en-US')}, the 15–85 width changed by `,
          other(plain, signedText(bandChange(plain, last, from, to).widthChange), to),
          ' in the plain net and ',
          other(bn, signedText(bandChange(bn, last, from, to, 'inference').widthChange), to),
          ' with batch norm (inference mode).',
        );
      }
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
    // Net displacements of the pooled median (not path lengths): the probe interval does not change them.
    ...(['inference', 'train'] as const).map((mode) => ({
      text: `From step 0 to ${DRIFT_TO}, the last sigmoid input’s median (pooled, batch norm in ${mode === 'train' ? 'training' : 'inference'} mode) moves at least 5× farther without batch norm`,
      runs: [0],
      trainSteps: DRIFT_TO,
      measure: ([r]: readonly ClaimRun[]) => driftRatio(armWith(r!.history, 'none')!, armWith(r!.history, 'batch')!, DRIFT_TO, mode),
      holds: { op: '>=' as const, threshold: 5 },
      format: (v: number) => `${v.toFixed(1)}×`,
    })),
    {
      text: `From step ${WARM_PROBE} (batch norm’s running averages warm) to ${DRIFT_TO}, the last sigmoid input’s 15–85 width (pooled, inference mode) grows at least twice as much without batch norm`,
      runs: [0],
      trainSteps: DRIFT_TO,
      measure: ([r]) => widthRatio(armWith(r!.history, 'none')!, armWith(r!.history, 'batch')!, WARM_PROBE, DRIFT_TO, 'inference'),
      holds: { op: '>=', threshold: 2 },
      format: (v) => `${v.toFixed(2)}×`,
    },
  ],
};
