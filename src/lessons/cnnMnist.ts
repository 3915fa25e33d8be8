import { PRESETS } from '../config/presets';
import type { ExperimentConfig, ExperimentConfigInput } from '../config/schema';
import type { ArmHistory } from '../engine/history';
import type { ProbeSnapshot } from '../engine/probes/types';
import { armWith, at, gapText, keepTraining, lastStep, missingArms, nowSentence, other, points, probedStep } from './measures';
import type { ClaimRun, Conclusion, Figure, Lesson } from './types';

/**
 * Lesson 10: batch norm in a convolutional net. Each channel has one μ and one σ², taken over the batch and every
 * position (m = batch × height × width; PyTorch's BatchNorm2d, Keras's BatchNormalization on the channel axis), and
 * one γ and β, so the normalization respects the convolution's weight sharing. Also where Santurkar et al.'s
 * internal covariate shift goes the "wrong" way: the batch-norm arm's ‖G − G′‖ is the larger one.
 */
const preset = PRESETS.find((p) => p.name === 'cnn-mnist')!.config;
// A probe every 50 steps, scoring all 2,000 test digits (the preset scores 500): the lesson's claims were checked over
// seeds on the whole test set, and scoring it is most of a CNN probe's cost.
const config: ExperimentConfigInput = { ...preset, probe: { interval: 50, batchSize: 64, testSize: 10000, bins: 48, range: 8 } };
const EARLY = 100;
const UNTIL = 200;

/** Per batch-norm layer of the newest probe: the m the engine used, and batch × height × width. */
export function perChannelCounts(latest: ProbeSnapshot, armIndex: number, batchSize: number, shapes: readonly (readonly number[])[]): { m: number; expected: number }[] {
  const layers = latest.arms[armIndex]?.layers ?? [];
  return layers.flatMap((l, j) => {
    if (!l.inspect) return [];
    const [h = 1, w = 1] = shapes[j] ?? [];
    return [{ m: l.inspect.count, expected: batchSize * h * w }];
  });
}

/** Mean ‖G − G′‖₂ of a layer over the probes after step 0 up to `upTo` (Santurkar et al.'s ICS, as the ICS view shows it). */
export function meanIcs(arm: ArmHistory, layer: number, upTo: number): number {
  const l = arm.layers[layer]!;
  const values = arm.steps.flatMap((s, t) => (s > 0 && s <= upTo && Number.isFinite(l.ics.l2[t]!) ? [l.ics.l2[t]!] : []));
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** ‖G − G′‖₂ of a layer at step 0: the shift the very first update causes. */
export function firstIcs(arm: ArmHistory, layer: number): number {
  return arm.steps[0] === 0 ? arm.layers[layer]!.ics.l2[0]! : NaN;
}

/**
 * Each conv layer's output [height, width] for MNIST's 28×28 digits: the first convolution keeps the resolution,
 * later ones halve it while it is above 4×4, as the engine's buildArchitecture does (the lessons' test checks the
 * two agree). Computed here so the page's lesson panel does not pull the engine into the main bundle.
 */
export function spatialShapes(config: ExperimentConfig): [number, number][] {
  const shapes: [number, number][] = [];
  let h = 28;
  for (let i = 0; i < config.model.depth; i++) {
    if (i > 0 && h > 4) h = Math.ceil(h / 2);
    shapes.push([h, h]);
  }
  return shapes;
}

function lead(history: readonly ArmHistory[], step: number): number {
  const bn = armWith(history, 'batch')!;
  const plain = armWith(history, 'none')!;
  return at(bn, bn.testAccuracy, step) - at(plain, plain.testAccuracy, step);
}

function countsOf(run: ClaimRun): { m: number; expected: number }[] {
  const bn = run.history.findIndex((a) => a.norm === 'batch');
  return run.latest ? perChannelCounts(run.latest, bn, run.config.batchSize, spatialShapes(run.config)) : [];
}

export const cnnMnist: Lesson = {
  name: 'cnn-mnist',
  title: 'Batch norm in a CNN: one mean and variance per channel',
  question: 'In a convolutional layer with 16 channels and a batch of 32 digits of 28×28, how many numbers go into each mean μ_B?',
  predictions: ['32: one per digit', '784: one per pixel', '25,088: every digit at every position', '16: one per channel'],
  steps: [
    {
      title: 'Per channel, over batch, height and width',
      text:
        'Three 3×3 convolutions with 16 channels, ReLU, He initialization, batch 32. Press Step once (the first CNN step takes a ' +
        'few seconds) and open “Inside batch norm”: m, the count behind μ_B and σ²_B, is batch × height × width, because one ' +
        'channel’s filter is the same at every position and so gets one normalization (PyTorch: BatchNorm2d; Keras: ' +
        'BatchNormalization(axis=-1)). Click layers 2 and 3 in the Network view: each halves the resolution, and m falls with it.',
      config,
      views: ['inspector', 'network', 'convergence'],
      layer: 0,
    },
    {
      title: 'Faster here too',
      text: `Press Play to step ${UNTIL} and watch Convergence. The CNN is slow in a browser (a few steps a second on a laptop without a GPU): the lesson needs ${UNTIL} steps.`,
      config,
      views: ['convergence', 'network'],
    },
    {
      title: 'Internal covariate shift, measured',
      text:
        'Same run, the ICS view: Santurkar et al. (2018) measure how much a layer’s gradient G changes when the earlier layers take ' +
        'their step first (G′). If batch norm worked by reducing this “internal covariate shift”, its ‖G − G′‖ would be the smaller ' +
        'one. Look at layer 3, at the start and later on.',
      config,
      views: ['ics', 'convergence'],
      layer: 2,
    },
  ],
  conclude(history, cfg, latest): Conclusion {
    const plain = armWith(history, 'none');
    const bn = armWith(history, 'batch');
    if (!bn) return missingArms('batch-norm arm');
    const now = lastStep(history);
    const parts: (string | Figure)[] = [];
    if (latest && latest.step === now && cfg.model.kind === 'cnn') {
      const counts = perChannelCounts(latest, history.indexOf(bn), cfg.batchSize, spatialShapes(cfg));
      if (counts.length) {
        parts.push(`Each channel’s μ_B and σ²_B are taken over m = ${counts.map((c) => c.m.toLocaleString('en-US')).join(', ')} values in layers ${counts.map((_, j) => j + 1).join(', ')}: the batch of ${cfg.batchSize} at every position. `);
      }
    }
    if (!plain) return { ready: parts.length > 0, parts: parts.length ? parts : missingArms('plain arm').parts };
    if (now < UNTIL) return parts.length ? { ready: false, parts: [...parts, ...keepTraining(now, UNTIL, 'the comparison of the two arms').parts] } : keepTraining(now, UNTIL, 'the comparison of the two arms');
    const early = probedStep(bn, EARLY);
    const d = lead(history, early);
    const last = Math.min(2, history[0]!.layers.length - 1);
    const more = firstIcs(bn, last) > firstIcs(plain, last);
    parts.push(
      `At step ${early.toLocaleString('en-US')} batch norm was ${d >= 0 ? 'ahead' : 'behind'} by `,
      other(bn, gapText(d), early),
      '. ',
      ...nowSentence([plain, bn]),
      ` Layer ${last + 1}’s ‖G − G′‖ at step 0: `,
      other(plain, firstIcs(plain, last).toFixed(3), 0),
      ` for ${plain.name}, `,
      other(bn, firstIcs(bn, last).toFixed(3), 0),
      ` for ${bn.name}${more ? ', so batch norm starts with more internal covariate shift, not less' : ''}; averaged over steps 50–${now.toLocaleString('en-US')}: `,
      other(plain, meanIcs(plain, last, now).toFixed(3), now),
      ' and ',
      other(bn, meanIcs(bn, last, now).toFixed(3), now),
      '.',
    );
    return { ready: true, parts };
  },
  claims: [
    {
      text: 'Every batch-norm layer’s m is batch × height × width (32×28×28, 32×14×14, 32×7×7)',
      runs: [0],
      trainSteps: UNTIL,
      measure: ([r]) => {
        const counts = countsOf(r!);
        return counts.length === r!.config.model.depth ? counts.filter((c) => c.m === c.expected).length / counts.length : 0;
      },
      holds: { op: '>=', threshold: 1 },
      format: (v) => `${(v * 100).toFixed(0)}% of layers`,
    },
    {
      text: `At step ${EARLY}, batch norm leads the plain CNN in test accuracy by at least 2 points`,
      runs: [0],
      trainSteps: UNTIL,
      measure: ([r]) => lead(r!.history, EARLY),
      holds: { op: '>=', threshold: 0.02 },
      format: points,
    },
    {
      text: 'At step 0, layer 3’s internal covariate shift ‖G − G′‖ is at least 2× larger with batch norm',
      runs: [0],
      trainSteps: UNTIL,
      measure: ([r]) => firstIcs(armWith(r!.history, 'batch')!, 2) / firstIcs(armWith(r!.history, 'none')!, 2),
      holds: { op: '>=', threshold: 2 },
      format: (v) => `${v.toFixed(1)}×`,
    },
  ],
};
