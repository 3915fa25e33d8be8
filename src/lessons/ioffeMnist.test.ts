import { describe, expect, it } from 'vitest';
import { createHistory, type ArmHistory } from '../engine/history';
import { ioffeMnist } from './ioffeMnist';
import { conclusionText, stepConfig } from './index';

/** Steps 0, 50, …, 500 of ioffe-mnist, written by hand: the last layer's pooled bands in both batch-norm modes. */
function run(): ArmHistory[] {
  const history = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }], [100, 100, 100]);
  const steps = Array.from({ length: 11 }, (_, t) => t * 50);
  const band = (median: (t: number) => number, width: (t: number) => number) => ({
    p5: steps.map((_, t) => median(t) - width(t)),
    p15: steps.map((_, t) => median(t) - width(t) / 2),
    p50: steps.map((_, t) => median(t)),
    p85: steps.map((_, t) => median(t) + width(t) / 2),
    p95: steps.map((_, t) => median(t) + width(t)),
  });
  const [plain, bn] = history as [ArmHistory, ArmHistory];
  for (const arm of history) {
    arm.steps.push(...steps);
    arm.trainLoss.push(...steps.map(() => 0.5));
    arm.testLoss.push(...steps.map(() => 0.5));
  }
  plain.testAccuracy.push(...steps.map((s) => Math.min(0.81, 0.1 + s / 600)));
  bn.testAccuracy.push(...steps.map((s) => Math.min(0.91, 0.1 + s / 300)));
  // Plain: the median falls to −0.7 by step 50 and drifts back to −0.57; the width grows from 0.9 by 0.15 a probe after.
  Object.assign(plain.layers[2]!.percentiles, band((t) => (t === 0 ? 0 : -0.7 + 0.013 * t), (t) => (t === 0 ? 0.9 : 0.6 + 0.15 * t)));
  // BN, training mode: the median barely moves; inference mode starts unnormalized (the plain net's band at step 0).
  Object.assign(bn.layers[2]!.percentiles, band((t) => -0.007 * t, () => 2.1 + 0.0));
  Object.assign(bn.layers[2]!.inference!.percentiles, band((t) => (t === 0 ? 0 : -0.008 * t), (t) => (t === 0 ? 0.9 : 2.4 + 0.06 * t)));
  return history;
}

describe('ioffe-mnist’s closing sentence', () => {
  it('gives the pooled median’s net drift from step 0 in both modes, and the widths from the first probe with warm running averages', () => {
    const text = conclusionText(ioffeMnist.conclude(run(), stepConfig(ioffeMnist.steps[1]!), null));
    expect(text).toContain('From step 0 to 500, the median of the last sigmoid’s input (pooled over its units) moved 0.57 in the plain net and 0.08 with batch norm in inference mode (0.07 in training mode).');
    // Momentum 0.1: warm from step 44, so from the probe at step 50. Plain 0.6 + 0.15·10 − (0.6 + 0.15) = 1.35; BN 0.06·9 = 0.54.
    expect(text).toContain('From step 50, once batch norm’s running averages are warm, to 500, the 15–85 width changed by +1.35 in the plain net and +0.54 with batch norm (inference mode).');
  });

  it('leaves the widths out while the running averages are not warm by the step it reads (momentum 0.001)', () => {
    const config = stepConfig(ioffeMnist.steps[1]!);
    const slow = { ...config, normalization: { ...config.normalization, momentum: 0.001 } };
    const text = conclusionText(ioffeMnist.conclude(run(), slow, null));
    expect(text).toContain('From step 0 to 500, the median');
    expect(text).not.toContain('running averages are warm');
  });
});
