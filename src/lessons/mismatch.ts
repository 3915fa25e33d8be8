import type { ExperimentConfig } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import type { BatchNormInspection, BatchNormStats, ProbeSnapshot } from '../engine/probes/types';
import { armWith, keepTraining, lastStep, missingArms, nowSentence, other } from './measures';
import { withBatch } from './smallBatch';
import type { ClaimRun, Conclusion, Figure, Lesson } from './types';

/**
 * The train/inference mismatch at small batches (Ioffe 2017, "Batch Renormalization", §1; Wu & He 2018, §2): batch
 * norm trains on each mini-batch's own mean and variance, which at batch 2 are far from the running averages that
 * inference uses, so the network that gradient descent shapes is not the one that is tested. Layer norm normalizes
 * each example by itself: one computation in both modes, the arm without the gap.
 *
 * Two measurements, each honest about what it compares:
 * - the same examples in both modes: layer 1's x̂ over the probe step's training mini-batch, with the batch's own
 *   statistics and with the running averages (the inspector's numbers, which "Inside batch norm" plots);
 * - the losses the Summary shows: the training loss (training batches, batch statistics) against the test loss (the
 *   test set, running averages). Those are different examples too, so layer norm's gap between the same two numbers,
 *   which no second mode can cause, is printed beside batch norm's.
 * The runs are small-batch's (the same configurations), so `lessons:verify` trains them once for both lessons.
 */
const AT = 1000;
/** The loss gap is averaged over the probes of the last 200 steps: at batch 2 one probe's training loss is 40 digits. */
const WINDOW = 200;
const BATCHES = [60, 4, 2] as const;
/** Layer 1's input is the data itself, so its x̂ mismatch is the statistics' alone, not earlier layers' too. */
const LAYER = 0;

/**
 * E[s], s the biased standard deviation (what batch norm's training mode divides by) of m independent standard
 * normals: s² = χ²₍ₘ₋₁₎/m, so E[s] = √(2/m)·Γ(m/2)/Γ((m−1)/2). The ratio of gammas by its recurrence
 * r(m+2) = r(m)·m/(m−1) from r(2) = 1/√π and r(3) = √π/2, exact for every m without a gamma function.
 */
export function expectedBatchStd(m: number): number {
  if (!Number.isInteger(m) || m < 1) throw new Error(`a batch of ${m} values`);
  if (m === 1) return 0;
  let r = m % 2 === 0 ? 1 / Math.sqrt(Math.PI) : Math.sqrt(Math.PI) / 2;
  for (let k = m % 2 === 0 ? 2 : 3; k < m; k += 2) r *= k / (k - 1);
  return Math.sqrt(2 / m) * r;
}

/**
 * The root mean square of x̂_batch − x̂_running that the batch's sampling noise alone gives, for Gaussian inputs and
 * exact running averages: per value E[(x̂_B − z)²] = E[x̂_B²] + E[z²] − 2E[z·x̂_B] = 2 − 2E[s], because
 * Σᵢ zᵢ·x̂_B,ᵢ = Σᵢ (zᵢ − z̄)²/s = m·s. At m = 2 this is √(2 − 2/√π) = 0.934, at m = 60 about 0.16.
 */
export function noiseOnlyMismatch(m: number): number {
  return Math.sqrt(Math.max(0, 2 - 2 * expectedBatchStd(m)));
}

/**
 * The same examples normalized both ways: the root mean square, over the inspected samples of the probe step's
 * mini-batch and every unit, of x̂ with the batch's mean and variance (training mode) minus x̂ with the running
 * averages (inference mode). In units of each unit's standard deviation, so layers and arms compare.
 */
export function normalizedMismatch(inspect: BatchNormInspection, bn: BatchNormStats, epsilon: number): number {
  const units = inspect.mean.length;
  let sum = 0;
  for (let i = 0; i < inspect.samples; i++) {
    for (let u = 0; u < units; u++) {
      const x = inspect.x[i * units + u]!;
      const train = (x - inspect.mean[u]!) / Math.sqrt(inspect.variance[u]! + epsilon);
      const inference = (x - bn.runningMean[u]!) / Math.sqrt(bn.runningVariance[u]! + epsilon);
      sum += (train - inference) ** 2;
    }
  }
  return Math.sqrt(sum / (inspect.samples * units));
}

/** The share of units whose mini-batch variance is below the running one ("Inside batch norm"'s variance scatter). */
export function varianceBelow(bn: BatchNormStats): number {
  let below = 0;
  bn.batchVariance.forEach((v, u) => {
    if (v < bn.runningVariance[u]!) below++;
  });
  return below / bn.batchVariance.length;
}

export interface LossGap {
  /** Mean of training loss − test loss over the window's probes (NaN when it has none). */
  value: number;
  firstStep: number;
  lastStep: number;
  probes: number;
}

/** An arm's training loss minus its test loss, averaged over its probes in (upTo − WINDOW, upTo]. */
export function lossGap(arm: ArmHistory, upTo: number, window = WINDOW): LossGap {
  let sum = 0;
  let probes = 0;
  let firstStep = NaN;
  let last = NaN;
  arm.steps.forEach((s, t) => {
    if (s <= upTo - window || s > upTo) return;
    sum += arm.trainLoss[t]! - arm.testLoss[t]!;
    probes++;
    if (probes === 1) firstStep = s;
    last = s;
  });
  return { value: probes ? sum / probes : NaN, firstStep, lastStep: last, probes };
}

/** Batch norm's loss gap minus layer norm's, over the same window. */
function excessGap(history: readonly ArmHistory[], upTo: number): number {
  return lossGap(armWith(history, 'batch')!, upTo).value - lossGap(armWith(history, 'layer')!, upTo).value;
}

/** Layer 1's x̂ mismatch of the batch-norm arm in a probe (NaN without its inspection). */
function probeMismatch(snap: ProbeSnapshot | null, history: readonly ArmHistory[], config: ExperimentConfig): { value: number; count: number; step: number } {
  const index = history.findIndex((a) => a.norm === 'batch');
  const layer = snap?.arms[index]?.layers[LAYER];
  if (!snap || !layer?.inspect || !layer.bn) return { value: NaN, count: 0, step: NaN };
  return { value: normalizedMismatch(layer.inspect, layer.bn, config.normalization.epsilon), count: layer.inspect.count, step: snap.step };
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}`;
/** "0.220 above" or "0.048 below": a loss against another, in words. */
const relation = (v: number) => `${Math.abs(v).toFixed(3)} ${v >= 0 ? 'above' : 'below'}`;
const steps = (n: number) => n.toLocaleString('en-US');

/** Batch norm's loss gap against layer norm's, in words: larger, smaller, or the same to the digits shown. */
function gapVerdict(bn: ArmHistory, excess: number, step: number): (string | Figure)[] {
  if (Math.abs(excess) < 0.0005) return [`${bn.name}’s gap is the same to three decimals, so here its two modes add nothing measurable. `];
  if (excess < 0) return [`${bn.name}’s gap is smaller by `, other(bn, Math.abs(excess).toFixed(3), step), ', so here its two modes add nothing measurable. '];
  return [`${bn.name}’s gap is larger by `, other(bn, excess.toFixed(3), step), '. '];
}

function mismatchOf(r: ClaimRun): number {
  return probeMismatch(r.latest, r.history, r.config).value;
}

export const mismatch: Lesson = {
  name: 'mismatch',
  title: 'Training mode against inference mode at small batches',
  question:
    'Batch norm trains with each mini-batch’s own mean and variance and is tested with running averages of them. Train the same network with batches of 2 instead of 60: what happens to the difference between the two modes?',
  predictions: [
    'Nothing: the running averages are the average of the batch statistics',
    'It grows: two examples’ statistics are far from the averages',
    'It shrinks: small batches average more steps',
  ],
  steps: BATCHES.map((b, i) => ({
    title: `Batch size ${b}`,
    text:
      (i === 0
        ? `Batch norm and layer norm, SGD at 0.05, batches of ${b}. `
        : `The same two nets with batches of ${b}${b === 2 ? ': every batch-norm x̂ in training mode is ±1 (lesson 1)' : ''}. `) +
      `Press Play to step ${steps(AT)}. In “Inside batch norm” (layer 1), the scatters put each unit’s mean and variance over this ` +
      'mini-batch against its running average: on the diagonal, training mode and inference mode normalize alike. In the Summary, ' +
      'compare each arm’s train loss (training batches, batch statistics) with its test loss (the test set, running averages): layer ' +
      'norm has one mode, so its difference is only that the examples differ.',
    config: withBatch(b),
    views: ['convergence', 'inspector'],
    layer: LAYER,
  })),
  conclude(history, config, latest): Conclusion {
    const bn = armWith(history, 'batch');
    const ln = armWith(history, 'layer');
    if (!bn || !ln) return missingArms('batch-norm and layer-norm arms');
    const now = lastStep(history);
    if (now < AT) return keepTraining(now, AT, 'the losses are compared over the last 200 steps');
    const parts: (string | Figure)[] = [];
    const seen = probeMismatch(latest ?? null, history, config);
    const layer = latest?.arms[history.indexOf(bn)]?.layers[LAYER];
    if (Number.isFinite(seen.value) && seen.step === now && layer?.bn && layer.inspect) {
      parts.push(
        `At step ${steps(now)}, layer 1 of ${bn.name} normalized this mini-batch of ${seen.count} with its own mean and variance (training mode) and with the running averages (inference mode): the two x̂ differ by `,
        other(bn, seen.value.toFixed(2), now),
        ` (root mean square over ${layer.inspect.samples} examples × ${layer.bn.batchVariance.length} units). Were the inputs Gaussian and the averages exact, a batch of ${seen.count}’s sampling noise alone would give `,
        other(bn, noiseOnlyMismatch(seen.count).toFixed(2), now),
        '. The batch’s variance is below the running one in ',
        other(bn, `${Math.round(varianceBelow(layer.bn) * 100)}%`, now),
        ' of the units. ',
      );
    }
    const g = lossGap(bn, now);
    const h = lossGap(ln, now);
    const span = g.probes > 1 ? `the probes from step ${steps(g.firstStep)} to ${steps(g.lastStep)}` : `step ${steps(g.lastStep)}`;
    // From the two gaps as printed, so the sentence's difference is the one a reader computes from them.
    const printed = (v: number) => Number(v.toFixed(3));
    const excess = printed(g.value) - printed(h.value);
    parts.push(
      `Over ${span}, ${bn.name}’s training loss was on average `,
      other(bn, relation(g.value), now),
      ` its test loss; ${ln.name}’s, whose two modes are one computation, `,
      other(ln, relation(h.value), now),
      ' its test loss. ',
      ...gapVerdict(bn, excess, now),
      ...nowSentence([bn, ln], ['testAccuracy', 'trainLoss', 'testLoss']),
    );
    return { ready: true, parts };
  },
  claims: [
    {
      text: `At batch size 60, layer 1’s x̂ with the batch’s statistics and with the running averages differ by at most 0.3 (root mean square, the probe’s mini-batch at step ${steps(AT)})`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => mismatchOf(r!),
      holds: { op: '<=', threshold: 0.3 },
      format: (v) => v.toFixed(2),
    },
    {
      text: `At batch size 2, the same root mean square is at least 0.7`,
      runs: [2],
      trainSteps: AT,
      measure: ([r]) => mismatchOf(r!),
      holds: { op: '>=', threshold: 0.7 },
      format: (v) => v.toFixed(2),
    },
    {
      text: `At batch size 60, batch norm’s training-minus-test loss is within 0.05 of layer norm’s (mean over the probes after step ${steps(AT - WINDOW)} up to ${steps(AT)})`,
      runs: [0],
      trainSteps: AT,
      measure: ([r]) => Math.abs(excessGap(r!.history, AT)),
      holds: { op: '<=', threshold: 0.05 },
      format: (v) => v.toFixed(3),
    },
    {
      text: `At batch size 2, it exceeds layer norm’s by at least 0.1 (same probes)`,
      runs: [2],
      trainSteps: AT,
      measure: ([r]) => excessGap(r!.history, AT),
      holds: { op: '>=', threshold: 0.1 },
      format: signed,
    },
  ],
};
