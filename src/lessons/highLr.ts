import type { ExperimentConfig } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import { ioffeConfig } from './ioffeMnist';
import { at, figure, keepTraining, lastStep, maxUpTo, missingArms, nowSentence, other, pct, probeAt, probedStep } from './measures';
import type { Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 3: a learning rate at which the plain net cannot train and batch norm can. Ioffe & Szegedy's BN-x5
 * (5× the rate) shows nothing on this engine: at 2.5 the plain net trains about as well. At 10 it sits at chance.
 */
const HIGH = 10;
/** The plain net at 5× (2.5) still trains: the step where it is measured. */
const FIVE_X_AT = 500;
const UNTIL = 300;
/** MNIST's ten classes: a net that always answers the most common digit scores about 11%. */
const CHANCE_CEILING = 0.15;

/** Each arm's learning rate, index-aligned with the history's arms. */
function armRates(config: ExperimentConfig): number[] {
  return config.arms.map((a) => a.learningRate ?? config.optimizer.learningRate);
}

function verdict(arm: ArmHistory, rate: number, upTo: number): (string | Figure)[] {
  const best = maxUpTo(arm, arm.testAccuracy, upTo);
  const lr = `at learning rate ${rate}`;
  if (arm.divergedAt !== null) return [`${arm.name} ${lr} diverged at step `, other(arm, arm.divergedAt.toLocaleString('en-US'), arm.divergedAt)];
  if (best <= CHANCE_CEILING) return [`${arm.name} ${lr} never got past chance (at most `, other(arm, pct(best), upTo), ')'];
  return [`${arm.name} ${lr} trained (`, figure(arm, 'testAccuracy', probeAt(arm, upTo)), ` at step ${upTo.toLocaleString('en-US')})`];
}

export const highLr: Lesson = {
  name: 'high-lr',
  title: 'Higher learning rates: where the plain net fails and batch norm trains',
  question: 'Raise the learning rate from 0.5 to 10, twenty times higher. What happens in the first 300 steps?',
  predictions: ['Both train faster', 'Both fail', 'Only the plain net trains', 'Only batch norm trains'],
  steps: [
    {
      title: 'The usual rate, 0.5',
      text: 'Press Play and stop at step 300. This is Figure 1’s set-up: both nets train, batch norm faster. Note the accuracies at step 300 in Convergence and the Summary.',
      config: ioffeConfig,
      views: ['convergence', 'distributions'],
    },
    {
      title: 'Five times the rate, 2.5',
      text:
        'Ioffe & Szegedy trained batch norm at 5× the rate (“BN-x5”). Here both nets get 2.5. Press Play and stop at step 300, then ' +
        `go on to ${FIVE_X_AT}: the plain net starts slower, but it does train, so 5× shows no failure on this engine. The next step goes further.`,
      config: { ...ioffeConfig, optimizer: { kind: 'sgd', learningRate: 2.5 } },
      views: ['convergence', 'distributions'],
    },
    {
      title: 'Learning rate 10',
      text:
        'The same nets, the same digits, at learning rate 10, twenty times the usual. Press Play and watch Convergence up to step ' +
        '300. In Activation distributions, see where the plain net’s sigmoid inputs go.',
      config: { ...ioffeConfig, optimizer: { kind: 'sgd', learningRate: HIGH } },
      views: ['convergence', 'distributions'],
    },
    {
      title: 'All four side by side',
      text:
        'Plain and batch norm at 0.5 and at 10 in one run, each arm with its own rate. Batch norm at 10 need not beat batch norm ' +
        'at 0.5: the point is that it trains at all. A layer followed by batch norm gives the same output whatever the scale of ' +
        'its weights, so the large weights that big steps leave behind cannot saturate the sigmoids.',
      config: {
        ...ioffeConfig,
        arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'none', learningRate: HIGH }, { norm: 'batch', learningRate: HIGH }],
      },
      views: ['convergence'],
    },
  ],
  conclude(history, config): Conclusion {
    const rates = armRates(config);
    if (history.length !== rates.length) return missingArms('arms matching the settings');
    if (!history.some((a) => a.norm === 'none') || !history.some((a) => a.norm === 'batch')) return missingArms('plain and batch-norm arms');
    const now = lastStep(history);
    if (now < UNTIL) return keepTraining(now, UNTIL, 'the first 300 steps decide it');
    const upTo = probedStep(history[0]!, UNTIL);
    const parts: (string | Figure)[] = [];
    history.forEach((arm, i) => {
      parts.push(...verdict(arm, rates[i]!, upTo), i === history.length - 1 ? '. ' : '; ');
    });
    return { ready: true, parts: [...parts, ...nowSentence(history)] };
  },
  claims: [
    {
      text: `At learning rate 2.5 (Ioffe & Szegedy’s 5×) the plain net still trains: at least 80% test accuracy at step ${FIVE_X_AT}`,
      runs: [1],
      trainSteps: FIVE_X_AT,
      measure: ([r]) => {
        const plain = r!.history.find((a) => a.norm === 'none')!;
        return at(plain, plain.testAccuracy, FIVE_X_AT);
      },
      holds: { op: '>=', threshold: 0.8 },
      format: pct,
    },
    {
      text: `At learning rate ${HIGH}, the plain net stays at chance: its test accuracy never passes 15% in ${UNTIL} steps`,
      runs: [2],
      trainSteps: UNTIL,
      measure: ([r]) => {
        const plain = r!.history.find((a) => a.norm === 'none')!;
        return maxUpTo(plain, plain.testAccuracy, UNTIL);
      },
      holds: { op: '<=', threshold: CHANCE_CEILING },
      format: pct,
    },
    {
      text: `At learning rate ${HIGH}, batch norm is at 85% test accuracy or more at step ${UNTIL}`,
      runs: [2],
      trainSteps: UNTIL,
      measure: ([r]) => {
        const bn = r!.history.find((a) => a.norm === 'batch')!;
        return at(bn, bn.testAccuracy, UNTIL);
      },
      holds: { op: '>=', threshold: 0.85 },
      format: pct,
    },
  ],
};
