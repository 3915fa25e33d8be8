import type { ExperimentConfigInput } from '../config/schema';
import type { ProbeSnapshot } from '../engine/probes/types';
import { normalizeValue } from '../views/inspector/inspectorMath';
import { armWith, figure, lastIndex, lastStep } from './measures';
import type { Conclusion, Figure, Lesson } from './types';
import { formatSignificant } from '../views/common/format';

/**
 * Lesson 1: one batch-norm layer, a mini-batch at a time, in the step inspector. At batch size 2 the
 * normalization leaves each unit only two values, x̂ = ±1 (up to ε): the claim measured here.
 */
const base: ExperimentConfigInput = {
  seed: 1,
  dataset: { name: 'mnist' },
  model: { kind: 'mlp', depth: 1, width: 16 },
  activation: 'sigmoid',
  init: { scheme: 'gaussian', scale: 0.1 },
  optimizer: { kind: 'sgd', learningRate: 0.5 },
  batchSize: 16,
  arms: [{ norm: 'batch' }],
  // A probe after every step: each press of Step shows the next mini-batch in the inspector.
  probe: { interval: 1, batchSize: 100, bins: 48, range: 8 },
};

/** Mini-batches the claim pools (one probe per step): 640 values of x̂, so one unlucky batch cannot decide it. */
const SAMPLED = 20;

/** Within this of ±1 counts as ±1: at batch size 2, 1 − |x̂| = 1 − d/√(d² + ε) ≈ ε/(2d²) for half-gap d. */
const TOLERANCE = 0.01;

interface PairCount {
  within: number;
  total: number;
  /** The closest pair of inputs among the units that missed, to say why. */
  closest: number | null;
}

/** At batch size 2: how many x̂ of the inspected layer are ±1 within TOLERANCE (from the engine's μ_B, σ²_B). */
function plusMinusOne(latest: ProbeSnapshot, armIndex: number, epsilon: number): PairCount | null {
  const inspect = latest.arms[armIndex]?.layers[0]?.inspect;
  if (!inspect || inspect.count !== 2) return null;
  const units = inspect.mean.length;
  let within = 0;
  let closest: number | null = null;
  for (let k = 0; k < units; k++) {
    const xs = [inspect.x[k]!, inspect.x[units + k]!];
    for (const x of xs) {
      if (Math.abs(Math.abs(normalizeValue(x, inspect.mean[k]!, inspect.variance[k]!, epsilon)) - 1) <= TOLERANCE) within++;
      else closest = Math.min(closest ?? Infinity, Math.abs(xs[0]! - xs[1]!));
    }
  }
  return { within, total: 2 * units, closest };
}

const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };

/** ε as a learner reads it: 10⁻⁵ for a power of ten, else three significant digits. */
function epsText(eps: number): string {
  const p = Math.log10(eps);
  return Number.isInteger(p) ? `10${[...String(p)].map((c) => SUPERSCRIPT[c] ?? c).join('')}` : num(eps);
}

/** Three significant digits, the sign as a true minus. */
const num = (v: number): string => formatSignificant(v, { minus: true });

export const whatBnComputes: Lesson = {
  name: 'what-bn-computes',
  title: 'What batch norm computes, one mini-batch at a time',
  question: 'With a mini-batch of only 2 examples, what values can batch norm’s normalized x̂ take?',
  predictions: ['Any value, like the inputs', 'Values between −1 and 1', 'Only −1 and +1', 'Always 0'],
  steps: [
    {
      title: 'One layer, a batch of 16',
      text:
        'Press Step (or →) a few times: each press trains on the next mini-batch of 16 digits. In “Inside batch norm”, unit 1’s ' +
        '16 inputs x give the batch mean μ_B and variance σ²_B; x̂ = (x − μ_B)/√(σ²_B + ε) has mean 0 and variance 1 over the batch, ' +
        'and y = γx̂ + β is what the sigmoid receives. The scatter plots set each unit’s μ_B and σ²_B against the running averages ' +
        'that inference uses: they start at 0 and 1 and move 10% of the way toward every batch (momentum 0.1).',
      config: base,
      views: ['convergence', 'inspector'],
      layer: 0,
    },
    {
      title: 'The same layer, a batch of 2',
      text:
        'Now the batch has 2 digits. Press Step and read x̂ in the inspector’s table: with two values, the mean sits halfway ' +
        'between them and the standard deviation is half their distance, so x̂ is −1 for one and +1 for the other, whatever x was. ' +
        'Only where the two inputs are nearly equal does ε (10⁻⁵) pull x̂ toward 0. This is why batch norm needs batches.',
      config: { ...base, batchSize: 2 },
      views: ['convergence', 'inspector'],
      layer: 0,
    },
  ],
  conclude(history, config, latest): Conclusion {
    const bn = armWith(history, 'batch');
    const armIndex = bn ? history.indexOf(bn) : -1;
    if (!bn) return { ready: false, parts: ['This run has no batch-norm arm: press “Restart this step” to get the lesson’s settings back.'] };
    const step = lastStep(history);
    const inspect = latest?.arms[armIndex]?.layers[0]?.inspect;
    if (!latest || !inspect || step === 0 || latest.step !== step) {
      return { ready: false, parts: ['Press Step to train on one mini-batch; the inspector then shows the next one.'] };
    }
    const accuracy: Figure = figure(bn, 'testAccuracy', lastIndex(bn));
    const eps = config.normalization.epsilon;
    if (inspect.count === 2) {
      const c = plusMinusOne(latest, armIndex, eps)!;
      const why =
        c.within === c.total
          ? ''
          : c.total - c.within === 1
            ? ` The other one belongs to a unit whose two inputs were nearly equal (${num(c.closest ?? 0)} apart), where ε = ${epsText(eps)} is no longer small against σ²_B.`
            : ` The other ${c.total - c.within} belong to units whose two inputs were nearly equal (the closest pair ${num(c.closest ?? 0)} apart), where ε = ${epsText(eps)} is no longer small against σ²_B.`;
      return {
        ready: true,
        parts: [
          `At batch size 2, ${c.within === c.total ? 'all' : `${c.within} of the`} ${c.total} values of x̂ in this layer (${c.total / 2} units × 2 digits, the mini-batch that step ${(step + 1).toLocaleString('en-US')} trains on) are −1 or +1 to within ${TOLERANCE}.${why} Trained on such coarse signals for ${step.toLocaleString('en-US')} step${step === 1 ? '' : 's'}, ${bn.name} is at `,
          accuracy,
          ' test accuracy (chance is about 10%).',
        ],
      };
    }
    const k = 0;
    const units = inspect.mean.length;
    const n = Math.min(inspect.samples, inspect.count);
    const xHat = Array.from({ length: n }, (_, r) => normalizeValue(inspect.x[r * units + k]!, inspect.mean[k]!, inspect.variance[k]!, eps));
    const mean = xHat.reduce((a, b) => a + b, 0) / n;
    const variance = xHat.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const running = latest.arms[armIndex]!.layers[0]!.bn!;
    return {
      ready: true,
      parts: [
        `On the mini-batch that step ${(step + 1).toLocaleString('en-US')} trains on, unit 1’s ${inspect.count} inputs have μ_B = ${num(inspect.mean[k]!)} and σ²_B = ${num(inspect.variance[k]!)}; ` +
          `normalized, they have mean ${num(Math.abs(mean) < 5e-7 ? 0 : mean)} and variance ${variance.toPrecision(6)} (ε = ${epsText(eps)} keeps it just under 1), and y = γx̂ + β with γ = ${num(inspect.gamma[k]!)}, β = ${num(inspect.beta[k]!)}. ` +
          `The running mean that inference uses is ${num(running.runningMean[k]!)}. ${bn.name} is at `,
        accuracy,
        ' test accuracy.',
      ],
    };
  },
  claims: [
    {
      text: `At batch size 2, at least 90% of x̂ are ±1 to within ${TOLERANCE} (16 units × 2 digits × the first ${SAMPLED} mini-batches)`,
      runs: [1],
      trainSteps: SAMPLED,
      measure: ([run]) => {
        const bn = run!.history.findIndex((a) => a.norm === 'batch');
        let within = 0;
        let total = 0;
        for (const snap of run!.snapshots.slice(0, SAMPLED)) {
          const c = plusMinusOne(snap, bn, run!.config.normalization.epsilon);
          if (!c) return NaN;
          within += c.within;
          total += c.total;
        }
        return total ? within / total : NaN;
      },
      holds: { op: '>=', threshold: 0.9 },
      format: (v) => `${(v * 100).toFixed(1)}%`,
    },
  ],
};
