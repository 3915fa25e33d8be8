import { describe, expect, it } from 'vitest';
import { createRng } from '../engine/random';
import type { BatchNormInspection, BatchNormStats, ProbeSnapshot } from '../engine/probes/types';
import { historyOf } from '../views/common/historyFixture';
import { stepConfig } from './index';
import { conclusionText } from './measures';
import { expectedBatchStd, lossGap, mismatch, noiseOnlyMismatch, normalizedMismatch, varianceBelow } from './mismatch';

/** A batch-norm layer's inspection of `m` values per unit, x given sample-major [samples × units]. */
function layerOf(x: number[][], running: { mean: number[]; variance: number[] }): { inspect: BatchNormInspection; bn: BatchNormStats } {
  const m = x.length;
  const units = x[0]!.length;
  const mean = Array.from({ length: units }, (_, u) => x.reduce((s, row) => s + row[u]!, 0) / m);
  // Training mode divides by the biased batch variance, as the engine's batchMoments gives it.
  const variance = mean.map((mu, u) => x.reduce((s, row) => s + (row[u]! - mu) ** 2, 0) / m);
  const f = (v: number[]) => Float32Array.from(v);
  const samples = Math.min(32, m);
  const bn: BatchNormStats = { batchMean: f(mean), batchVariance: f(variance), runningMean: f(running.mean), runningVariance: f(running.variance) };
  const zeros = f(new Array<number>(units).fill(0));
  const inspect: BatchNormInspection = {
    count: m,
    samples,
    gamma: f(new Array<number>(units).fill(1)),
    beta: zeros,
    mean: bn.batchMean,
    variance: bn.batchVariance,
    dGamma: zeros,
    dBeta: zeros,
    dMean: zeros,
    dVariance: zeros,
    x: f(x.slice(0, samples).flat()),
    dy: f(new Array<number>(samples * units).fill(0)),
    dx: f(new Array<number>(samples * units).fill(0)),
  };
  return { inspect, bn };
}

describe('the sampling noise of batch statistics', () => {
  it('E[s] of m standard normals (biased s): closed forms at m = 2, 3, 4, and towards 1', () => {
    expect(expectedBatchStd(1)).toBe(0);
    expect(expectedBatchStd(2)).toBeCloseTo(1 / Math.sqrt(Math.PI), 14);
    // √(2/3)·Γ(3/2)/Γ(1) and √(2/4)·Γ(2)/Γ(3/2).
    expect(expectedBatchStd(3)).toBeCloseTo(Math.sqrt(2 / 3) * (Math.sqrt(Math.PI) / 2), 14);
    expect(expectedBatchStd(4)).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    // E[s] ≈ √((m−1)/m)·(1 − 1/(4(m−1))) for large m.
    expect(expectedBatchStd(60)).toBeCloseTo(Math.sqrt(59 / 60) * (1 - 1 / 236), 4);
    for (let m = 2; m < 200; m++) expect(expectedBatchStd(m + 1)).toBeGreaterThan(expectedBatchStd(m));
    expect(() => expectedBatchStd(0)).toThrow();
  });

  it('predicts the x̂ mismatch of Gaussian batches against exact running averages', () => {
    expect(noiseOnlyMismatch(2)).toBeCloseTo(Math.sqrt(2 - 2 / Math.sqrt(Math.PI)), 14);
    expect(noiseOnlyMismatch(2)).toBeCloseTo(0.934, 3);
    // Seeded draws: 400 batches of m standard normals over 25 units, normalized both ways.
    const rng = createRng(7, 'mismatch-test');
    for (const m of [2, 4, 60]) {
      let sq = 0;
      let n = 0;
      for (let b = 0; b < 400; b++) {
        const x = Array.from({ length: m }, () => Array.from({ length: 25 }, () => rng.normal()));
        const { inspect, bn } = layerOf(x, { mean: new Array<number>(25).fill(0), variance: new Array<number>(25).fill(1) });
        const v = normalizedMismatch(inspect, bn, 0);
        sq += v * v * inspect.samples * 25;
        n += inspect.samples * 25;
      }
      expect(Math.sqrt(sq / n)).toBeCloseTo(noiseOnlyMismatch(m), 1);
    }
  });
});

describe('normalizedMismatch', () => {
  it('is zero when the running averages equal the batch’s statistics, and the RMS of x̂ differences otherwise', () => {
    // One unit, batch [1, 3]: mean 2, biased variance 1, so training mode gives x̂ = −1, +1.
    const same = layerOf([[1], [3]], { mean: [2], variance: [1] });
    expect(normalizedMismatch(same.inspect, same.bn, 0)).toBe(0);
    // Running mean 0, variance 4: inference mode gives 0.5, 1.5; differences −1.5, −0.5.
    const off = layerOf([[1], [3]], { mean: [0], variance: [4] });
    expect(normalizedMismatch(off.inspect, off.bn, 0)).toBeCloseTo(Math.sqrt((2.25 + 0.25) / 2), 6);
  });

  it('counts the units whose batch variance is below the running one', () => {
    const { bn } = layerOf([[1, 0, 5], [3, 0, -5]], { mean: [0, 0, 0], variance: [2, 1, 1] });
    // Batch variances 1, 0, 25 against running 2, 1, 1.
    expect(varianceBelow(bn)).toBeCloseTo(2 / 3, 12);
  });
});

describe('lossGap', () => {
  it('averages training minus test loss over the probes after upTo − window, up to upTo', () => {
    const [arm] = historyOf({ name: 'BN', steps: [760, 780, 800, 820, 840, 1000], testAccuracy: [0, 0, 0, 0, 0, 0], trainLoss: [9, 9, 9, 1.5, 1.2, 1.1], testLoss: [0, 0, 0, 1, 1, 1] });
    const g = lossGap(arm!, 1000);
    expect(g.probes).toBe(3);
    expect([g.firstStep, g.lastStep]).toEqual([820, 1000]);
    expect(g.value).toBeCloseTo((0.5 + 0.2 + 0.1) / 3, 12);
    expect(lossGap(arm!, 700).value).toBeNaN();
  });
});

describe('the mismatch lesson’s closing sentence', () => {
  const config = stepConfig(mismatch.steps[2]!);
  const steps = Array.from({ length: 51 }, (_, i) => i * 20);
  /** BN and LN over 1,000 steps; in the last 200 steps BN's training loss is `bnGap` above its test loss, LN's `lnGap`. */
  const run = (bnGap: number, lnGap: number) =>
    historyOf(
      { name: 'BN', steps, testAccuracy: steps.map(() => 0.376), testLoss: steps.map(() => 1.9), trainLoss: steps.map((s) => 1.9 + (s > 800 ? bnGap : 0.5)) },
      { name: 'LN', steps, testAccuracy: steps.map(() => 0.709), testLoss: steps.map(() => 0.9), trainLoss: steps.map((s) => 0.9 + (s > 800 ? lnGap : -0.5)) },
    );
  // The probe at step 1,000: layer 1 of BN on a batch of 2 whose x̂ are ±1, against running averages 0 and 1.
  const { inspect, bn } = layerOf([[1, -0.5], [-1, 0.5]], { mean: [0, 0], variance: [1, 1] });
  const latest = { step: 1000, arms: [{ layers: [{ inspect, bn }] }, { layers: [{ inspect: null, bn: null }] }] } as unknown as ProbeSnapshot;

  it('waits for step 1,000, and for both arms', () => {
    const short = run(0.2, 0.05).map((a) => ({ ...a, steps: a.steps.slice(0, 10) }));
    expect(conclusionText(mismatch.conclude(short, config, null))).toBe('Keep training: the comparison needs step 1,000 (the losses are compared over the last 200 steps); the run is at step 180.');
    expect(conclusionText(mismatch.conclude(run(0.2, 0.05).slice(0, 1), config, latest))).toMatch(/Restart this step/);
  });

  it('says how far the two modes normalize the same examples apart, and compares the loss gaps with layer norm’s', () => {
    const done = mismatch.conclude(run(0.22, 0.05), config, latest);
    expect(done.ready).toBe(true);
    // x̂ differences: unit 1 (x = ±1, batch std 1) none; unit 2 (x = ∓0.5, batch std 0.5): x̂ ∓1 against ∓0.5.
    expect(conclusionText(done)).toBe(
      'At step 1,000, layer 1 of BN normalized this mini-batch of 2 with its own mean and variance (training mode) and with the running averages (inference mode): ' +
        'the two x̂ differ by 0.35 (root mean square over 2 examples × 2 units). Were the inputs Gaussian and the averages exact, a batch of 2’s sampling noise alone would give 0.93. ' +
        'The batch’s variance is below the running one in 50% of the units. ' +
        'Over the probes from step 820 to 1,000, BN’s training loss was on average 0.220 above its test loss; LN’s, whose two modes are one computation, 0.050 above its test loss. BN’s gap is larger by 0.170. ' +
        'At step 1,000: BN: test accuracy 37.6%, train loss 2.120, test loss 1.900; LN: test accuracy 70.9%, train loss 0.950, test loss 0.900.',
    );
    // The numbers of the last sentence are the Summary's cells at step 1,000; the rest no Summary cell shows.
    const figures = done.parts.filter((p) => typeof p !== 'string');
    expect(figures.filter((f) => f.metric !== 'other').map((f) => [f.arm, f.metric, f.text, f.step])).toEqual([
      ['BN', 'testAccuracy', '37.6%', 1000],
      ['BN', 'trainLoss', '2.120', 1000],
      ['BN', 'testLoss', '1.900', 1000],
      ['LN', 'testAccuracy', '70.9%', 1000],
      ['LN', 'trainLoss', '0.950', 1000],
      ['LN', 'testLoss', '0.900', 1000],
    ]);
  });

  it('says so when batch norm’s gap is not the larger, and leaves out the x̂ without the newest probe’s inspection', () => {
    const text = conclusionText(mismatch.conclude(run(-0.01, 0.03), config, null));
    expect(conclusionText(mismatch.conclude(run(0.0502, 0.05), config, null))).toContain('BN’s gap is the same to three decimals, so here its two modes add nothing measurable. At step 1,000');
    expect(text).toMatch(/^Over the probes from step 820 to 1,000, BN’s training loss was on average 0\.010 below its test loss; LN’s, whose two modes are one computation, 0\.030 above its test loss\. BN’s gap is smaller by 0\.040, so here its two modes add nothing measurable\. At step 1,000: /);
  });
});
