import type { ArmConfig, ExperimentConfig, ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import { ioffeConfig } from './ioffeMnist';
import { figure, gapText, keepTraining, lastStep, missingArms, other, points, probeAt, probedStep } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 9: Santurkar et al. (2018, §2.1, Figure 2): noise injected after every batch-norm layer, a random shift and
 * scale per unit redrawn at every step (src/engine/norm/noise.ts), gives the layers' inputs a covariate shift larger
 * than the plain network's, and the noisy network still trains about as well as the standard batch-normalized one.
 * On Figure 1's MNIST network this holds: measured here, over seeds 1–3, by `npm run lessons:verify`.
 */
const AT = 500;
/** Probes every 10 steps: the noise changes at every step, and the views see it only when they probe. */
const EVERY = 10;

const withNoise = (noise: number): ExperimentConfigInput => ({
  ...ioffeConfig,
  arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'batch', noise }],
  probe: { interval: EVERY, batchSize: 500, bins: 48, range: 8 },
});

/**
 * The path length of a layer's 15th–85th percentile band (pooled over its units) from the first probe to the probe
 * at `upTo`: Σ (|Δp15| + |Δp85|) / 2 over consecutive probes, everything the band moved, back and forth. It grows
 * with the number of probes for a band that jumps at every step, and hardly at all for one that drifts: the
 * sentences say how often the run probed.
 */
export function bandTravel(arm: ArmHistory, layer: number, upTo: number): number {
  const l = arm.layers[layer];
  const last = probeAt(arm, upTo);
  if (!l || last < 1) return NaN;
  let sum = 0;
  for (let t = 1; t <= last; t++) {
    sum += (Math.abs(l.percentiles.p15[t]! - l.percentiles.p15[t - 1]!) + Math.abs(l.percentiles.p85[t]! - l.percentiles.p85[t - 1]!)) / 2;
  }
  return sum;
}

/** The run's arms by role: the first plain arm, the first batch-norm arm without noise, every noisy one. */
function roles(history: readonly ArmHistory[], config: ExperimentConfig): { plain?: ArmHistory; bn?: ArmHistory; noisy: { arm: ArmHistory; noise: number }[] } {
  const pick = (test: (a: ArmConfig) => boolean) => {
    const i = config.arms.findIndex(test);
    return i >= 0 ? history[i] : undefined;
  };
  const noisy = config.arms.flatMap((a, i) => (a.norm === 'batch' && a.noise && history[i] ? [{ arm: history[i], noise: a.noise }] : []));
  return { plain: pick((a) => a.norm === 'none'), bn: pick((a) => a.norm === 'batch' && !a.noise), noisy };
}

function accAt(arm: ArmHistory, step: number): number {
  const t = probeAt(arm, step);
  return t < 0 ? NaN : arm.testAccuracy[t]!;
}

/** Test accuracy of arm a minus arm b at `step`. */
function lead(a: ArmHistory, b: ArmHistory, step: number): number {
  return accAt(a, step) - accAt(b, step);
}

/** The last hidden layer's band travel, arm a over arm b. */
function travelRatio(a: ArmHistory, b: ArmHistory, upTo: number): number {
  const last = a.layers.length - 1;
  return bandTravel(a, last, upTo) / bandTravel(b, last, upTo);
}

/** The claims' arms of a run of this lesson's own configuration: plain, BN, BN + noise, in that order. */
function armsOf(history: readonly ArmHistory[]): { plain: ArmHistory; bn: ArmHistory; noisy: ArmHistory } {
  return { plain: history[0]!, bn: history[1]!, noisy: history[2]! };
}

export const noisyBn: Lesson = {
  name: 'noisy-bn',
  title: 'Noisy batch norm: does a steady input distribution matter?',
  question:
    'After every batch-norm layer, each unit is shifted and rescaled by new random amounts at every step: its distribution moves more than the plain net’s ever does. At step 500, where will this noisy net’s test accuracy be?',
  predictions: ['With the plain net, or below it', 'Between the plain net and batch norm', 'Close to batch norm'],
  steps: [
    {
      title: 'Shake every distribution',
      text:
        'Figure 1’s network (784-100-100-100-10 sigmoid, SGD at 0.5, batch 60) three times: plain, with batch norm, and with batch ' +
        'norm followed by Santurkar et al.’s noise of strength 1. At every training step each unit’s batch-norm output is multiplied ' +
        'by a random factor between ½ and 2 and shifted by a random amount between −1 and 1, drawn anew each step (inference mode, ' +
        `which the test accuracy uses, adds no noise). Press Play and stop at step ${AT}. In Convergence, where is the noisy net? In ` +
        `Activation distributions (layer 3, the whole layer, training mode, probed every ${EVERY} steps), whose band moves most?`,
      config: withNoise(1),
      views: ['convergence', 'distributions'],
      layer: 2,
      // The whole layer in training mode: the band the closing sentence measures, with the noise that training sees.
      distScope: 'layer',
      distMode: 'train',
    },
    {
      title: 'One unit, step after step',
      text:
        'The same run, now one unit: Activation distributions shows unit 1 of layer 3 in every arm, in training mode. With noise its ' +
        'whole distribution jumps from probe to probe, shifted by up to ±1 and stretched or squeezed by up to a factor of 2, and it ' +
        'jumps at every step in between, where no probe looks: the covariate shift of Santurkar et al.’s Figure 2. Batch norm alone ' +
        'keeps the unit where γ and β put it; the plain net’s unit drifts as the earlier layers learn. Switch the view to inference ' +
        'mode: the noise is gone, as it is when the test set is scored.',
      config: withNoise(1),
      views: ['distributions', 'convergence'],
      layer: 2,
      unit: 0,
      distScope: 'unit',
      distMode: 'train',
    },
    {
      title: 'Turn the noise up to 3',
      text:
        'Strength 3: shifts up to ±3 and scale factors from ⅓ to 3, each step, after every batch-norm layer. A sigmoid whose input ' +
        `moves by 3 goes from 5% to 95% of its range. Play to step ${AT}: does the noisy net fall back to the plain one? The training ` +
        'loss in Convergence is measured with the noise on; the test loss and accuracy without it.',
      config: withNoise(3),
      views: ['convergence', 'distributions'],
      layer: 2,
      distScope: 'layer',
      distMode: 'train',
    },
  ],
  conclude(history, config): Conclusion {
    const { plain, bn, noisy } = roles(history, config);
    if (!bn || !noisy.length) return missingArms('batch-norm arm with noise and one without');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'the comparison is at that step');
    const step = probedStep(bn, AT);
    const at = (a: ArmHistory) => probeAt(a, step);
    const arms = [...(plain ? [plain] : []), bn, ...noisy.map((n) => n.arm)];
    const parts: (string | Figure)[] = [`At step ${step.toLocaleString('en-US')}: `];
    arms.forEach((a, i) => {
      if (i > 0) parts.push(i === arms.length - 1 ? ' and ' : ', ');
      parts.push(`${a.name} `, figure(a, 'testAccuracy', at(a)));
    });
    parts.push(' test accuracy.');
    for (const { arm } of noisy) {
      const d = lead(arm, bn, step);
      parts.push(` ${arm.name} is `, other(arm, gapText(d), step), d >= 0 ? ` ahead of ${bn.name}` : ` behind ${bn.name}`);
      if (plain) {
        const p = lead(arm, plain, step);
        parts.push(' and ', other(arm, gapText(p), step), p >= 0 ? ` ahead of ${plain.name}` : ` behind ${plain.name}`);
      }
      parts.push('.');
    }
    const layer = bn.layers.length - 1;
    const every = config.probe.interval;
    parts.push(
      ` From step 0 to ${step.toLocaleString('en-US')}, the 15–85 band of layer ${layer + 1}’s sigmoid input (pooled over its units, probed every ${every} step${every === 1 ? '' : 's'}) travelled `,
    );
    const travelled = [...noisy.map((n) => n.arm), ...(plain ? [plain] : []), bn];
    travelled.forEach((a, i) => {
      if (i > 0) parts.push(i === travelled.length - 1 ? ' and ' : ', ');
      parts.push(other(a, bandTravel(a, layer, step).toFixed(2), step), ` in ${a.name}`);
    });
    parts.push('.');
    // The verdict, only where the run on screen bears it out: noisier than the plain net, and still trained better.
    if (plain) {
      const first = noisy[0]!.arm;
      const moreShift = bandTravel(first, layer, step) > bandTravel(plain, layer, step);
      const better = lead(first, plain, step) > 0;
      if (moreShift && better) {
        parts.push(` ${first.name}’s band travelled farther than the plain net’s, and it still trained better: a steady input distribution is not what makes batch norm help this network.`);
      } else if (moreShift) {
        parts.push(` ${first.name}’s band travelled farther than the plain net’s, and here it did not train better.`);
      } else {
        parts.push(` Here ${first.name}’s band did not travel farther than the plain net’s over these probes.`);
      }
    }
    return { ready: true, parts };
  },
  claims: [
    {
      text: `At step ${AT}, batch norm with noise of strength 1 is at most 2 points behind batch norm without it`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const { bn, noisy } = armsOf(r!.history);
        return lead(bn, noisy, AT);
      },
      holds: { op: '<=', threshold: 0.02 },
      format: points,
    },
    {
      text: `At step ${AT}, batch norm with noise of strength 1 leads the plain net by at least 5 points`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const { plain, noisy } = armsOf(r!.history);
        return lead(noisy, plain, AT);
      },
      holds: { op: '>=', threshold: 0.05 },
      format: points,
    },
    {
      text: `From step 0 to ${AT} (probes every ${EVERY} steps), layer 3’s sigmoid-input band travels at least 5× farther with noise than with batch norm alone`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const { bn, noisy } = armsOf(r!.history);
        return travelRatio(noisy, bn, AT);
      },
      holds: { op: '>=', threshold: 5 },
      format: (v) => `${v.toFixed(1)}×`,
    },
    {
      text: `From step 0 to ${AT}, the same band travels at least 1.5× farther with noise than in the plain net`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => {
        const { plain, noisy } = armsOf(r!.history);
        return travelRatio(noisy, plain, AT);
      },
      holds: { op: '>=', threshold: 1.5 },
      format: (v) => `${v.toFixed(1)}×`,
    },
    {
      text: `At noise strength 3, the noisy net still leads the plain net at step ${AT} by at least 3 points`,
      runs: [2],
      trainSteps: AT,
      measure: ([r]) => {
        const { plain, noisy } = armsOf(r!.history);
        return lead(noisy, plain, AT);
      },
      holds: { op: '>=', threshold: 0.03 },
      format: points,
    },
  ],
};
