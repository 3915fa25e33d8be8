import { describe, expect, it } from 'vitest';
import { appendProbe, createHistory, type ArmHistory } from '../../engine/history';
import type { LossLandscape, ProbeSnapshot } from '../../engine/probes/types';
import { thinHistory } from '../../store/labStore';
import { linearScale, logScale } from '../ics/icsMath';
import { edges, formatRange, hasData, landscapeSeries, rangePath, stepDomain, valuesAt, yDomain } from './landscapeMath';

/** A probe's landscape from its losses and gradient changes at step sizes 0.5–4 × 0.5. */
const measured = (lossHere: number, loss: number[], change: number[]): LossLandscape => ({
  stepSizes: Float32Array.from([0.25, 0.5, 1, 1.5, 2]),
  loss: Float32Array.from(loss),
  gradientChange: Float32Array.from(change),
  lossHere,
  gradNorm: 1,
  lossRange: [Math.min(lossHere, ...loss), Math.max(lossHere, ...loss)],
  gradientChangeRange: [Math.min(...change), Math.max(...change)],
  betaSmoothness: Math.max(...change.map((d, k) => d / [0.25, 0.5, 1, 1.5, 2][k]!)),
});

/** A snapshot of arms with no hidden layers: what the landscape's history needs of a probe, and no more. */
const snapshot = (step: number, landscapes: (LossLandscape | undefined)[]): ProbeSnapshot =>
  ({
    step,
    arms: landscapes.map((landscape) => ({ trainLoss: 1, testLoss: 1, testAccuracy: 0.5, divergedAt: null, layers: [], boundary: null, timing: { msPerStep: 1, trainingSeconds: step }, ...(landscape ? { landscape } : {}) })),
  }) as unknown as ProbeSnapshot;

function twoArms(): ArmHistory[] {
  const h = createHistory([{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }], []);
  appendProbe(h, snapshot(0, [measured(2.3, [2.29, 2.28, 2.27, 2.28, 2.3], [0.01, 0.02, 0.04, 0.06, 0.08]), measured(2.3, [2.1, 1.9, 1.7, 1.8, 2.0], [0.2, 0.3, 0.5, 0.6, 0.7])]));
  appendProbe(h, snapshot(50, [measured(1.2, [1.1, 1.0, 0.9, 1.3, 1.9], [0.3, 0.5, 1.2, 2.0, 3.1]), measured(0.4, [0.35, 0.3, 0.28, 0.3, 0.36], [0.1, 0.2, 0.3, 0.4, 0.5])]));
  return h;
}

describe('the landscape history', () => {
  it('keeps, per probe, the ranges over the step sizes and β, and the per-step-size values', () => {
    const [plain, bn] = twoArms();
    expect(plain!.landscape!.lossMin[1]).toBeCloseTo(0.9, 6);
    expect(plain!.landscape!.lossMax[1]).toBeCloseTo(1.9, 6);
    expect(bn!.landscape!.gradientChangeMax).toEqual([0.7, 0.5]);
    expect(bn!.landscape!.stepSizes[0]).toEqual([0.25, 0.5, 1, 1.5, 2]);
    expect(plain!.landscape!.loss[1]).toHaveLength(5);
  });

  it('stays aligned with the steps: gaps where a probe did not measure it, and when thinned', () => {
    const h = createHistory([{ name: 'plain', norm: 'none' }], []);
    appendProbe(h, snapshot(0, [undefined]));
    appendProbe(h, snapshot(10, [measured(1, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0])]));
    appendProbe(h, snapshot(20, [undefined]));
    const l = h[0]!.landscape!;
    expect(l.lossMin.map(Number.isNaN)).toEqual([true, false, true]);
    expect(l.loss.map((a) => a.length)).toEqual([0, 5, 0]);
    for (let s = 30; s <= 100; s += 10) appendProbe(h, snapshot(s, [measured(1, [1, 1, 1, 1, 1], [0, 0, 0, 0, 0])]));
    thinHistory(h);
    expect(h[0]!.steps).toEqual([0, 20, 40, 60, 80, 100]);
    expect(l.lossMin).toHaveLength(6);
    expect(l.stepSizes).toHaveLength(6);
    expect(Number.isNaN(l.lossMin[1]!)).toBe(true);
  });

  it('is null for a run that does not measure it, and present from the start for one that does', () => {
    expect(createHistory([{ name: 'plain', norm: 'none' }], [])[0]!.landscape).toBeNull();
    expect(createHistory([{ name: 'plain', norm: 'none' }], [], { landscape: true })[0]!.landscape).toMatchObject({ lossMin: [], betaSmoothness: [] });
  });
});

describe('landscapeMath', () => {
  it('draws one series per arm that measured it, with its edges', () => {
    const s = landscapeSeries(twoArms());
    expect(s.map((a) => [a.arm, a.name, a.norm])).toEqual([
      [0, 'plain', 'none'],
      [1, 'BN', 'batch'],
    ]);
    expect(hasData(s)).toBe(true);
    expect(edges(s[1]!, 'loss')[0]).toBe(s[1]!.lossMin);
    expect(edges(s[1]!, 'beta')[0]).toBe(edges(s[1]!, 'beta')[1]);
    expect(valuesAt(s[0]!, 1)).toEqual({ step: 50, lossMin: 0.9, lossMax: 1.9, gradientChangeMin: 0.3, gradientChangeMax: 3.1, betaSmoothness: 1.55 });
    expect(valuesAt(s[0]!, 2)).toBeNull();
    expect(stepDomain(s)).toEqual([0, 50]);
    expect(landscapeSeries(createHistory([{ name: 'plain', norm: 'none' }], []))).toEqual([]);
    expect(hasData([])).toBe(false);
  });

  it('puts the loss axis around the bands (never below 0), the others from 0, the log axes on decades', () => {
    const s = landscapeSeries(twoArms());
    const [lo, hi] = yDomain(s, 'loss');
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(lo).toBeLessThanOrEqual(0.28);
    expect(hi).toBeGreaterThanOrEqual(2.3);
    expect(yDomain(s, 'gradient')).toEqual([0, 3.5]);
    expect(yDomain(s, 'gradient', true)).toEqual([0.01, 10]);
    expect(yDomain([], 'beta')).toEqual([0, 1]);
    expect(yDomain([], 'beta', true)).toEqual([1e-3, 1]);
  });

  it('draws a band between the edges and leaves gaps for probes that did not measure it', () => {
    const x = linearScale([0, 10], [0, 100]);
    const y = linearScale([0, 1], [100, 0]);
    expect(rangePath([0, 10], [0.2, 0.4], [0.6, 0.8], x, y)).toBe('M0,40L100,20L100,60L0,80Z');
    expect(rangePath([0, 5, 10], [0.2, NaN, 0.4], [0.6, NaN, 0.8], x, y)).toBe('M0,40L0,80ZM100,20L100,60Z');
    // On a log axis a zero has no place.
    expect(rangePath([0, 10], [0, 0.1], [0.5, 1], x, logScale([0.01, 1], [100, 0]), true)).toBe('M100,0L100,50Z');
  });

  it('writes numbers as the caption and the tooltip both do', () => {
    expect(formatRange(0.15831, 0.35312)).toBe('0.158–0.353');
    expect(formatRange(-0.5, 2.3)).toBe('−0.500–2.30');
    expect(formatRange(undefined, NaN)).toBe('–––');
  });
});
