import { describe, expect, it } from 'vitest';
import { createHistory, type ArmHistory, type LandscapeHistory } from '../../engine/history';
import { landscapeCaption, landscapeComparison } from './landscapeCaption';

interface Probe {
  loss: [number, number];
  change: [number, number];
  beta?: number;
  eta?: number[];
}

/** Histories whose landscapes are given per probe (null: not measured there); steps 0, 50, 100, … */
function historyOf(...arms: { name: string; norm: string; probes: (Probe | null)[] }[]): ArmHistory[] {
  const h = createHistory(arms, [], { landscape: true });
  arms.forEach((a, i) => {
    const l = h[i]!.landscape as LandscapeHistory;
    a.probes.forEach((p, t) => {
      h[i]!.steps.push(t * 50);
      l.lossMin.push(p ? p.loss[0] : NaN);
      l.lossMax.push(p ? p.loss[1] : NaN);
      l.gradientChangeMin.push(p ? p.change[0] : NaN);
      l.gradientChangeMax.push(p ? p.change[1] : NaN);
      l.betaSmoothness.push(p ? (p.beta ?? 1) : NaN);
      l.stepSizes.push(p ? (p.eta ?? [0.25, 0.5, 1, 1.5, 2]) : []);
    });
  });
  return h;
}

const plainFlat: Probe = { loss: [2.2, 2.3], change: [0.09, 0.62] };

describe('landscapeCaption', () => {
  it('says the run does not measure it, and what it would cost, when the flag is off', () => {
    const c = landscapeCaption([], false);
    expect(c).toContain('Santurkar et al. (2018)');
    expect(c).toContain('This run does not measure it');
  });

  it('waits for the first probe', () => {
    expect(landscapeCaption(historyOf({ name: 'plain', norm: 'none', probes: [] }, { name: 'BN', norm: 'batch', probes: [] }), true)).toContain('the first probe is on its way');
  });

  it('agrees with the paper, with both arms’ numbers, when batch norm is the smoother on both counts', () => {
    const h = historyOf(
      { name: 'plain', norm: 'none', probes: [plainFlat, { loss: [0.173, 1.22], change: [0.42, 3.14] }] },
      { name: 'BN', norm: 'batch', probes: [{ loss: [0.158, 0.353], change: [0.2, 1.03] }, { loss: [0.0159, 0.14], change: [0.419, 0.722] }] },
    );
    expect(landscapeCaption(h, true)).toBe(
      'At step 50 the loss along the gradient spans 0.0159–0.140 for BN and 0.173–1.22 for plain (0.124 against 1.05 wide), and the gradient changes by up to 0.722 against 3.14. ' +
        'Santurkar et al. (2018) found the same with batch norm: a smoother landscape, the reason they give for its speed.',
    );
  });

  it('says so when this run disagrees, on both counts or on one', () => {
    const neither = historyOf({ name: 'plain', norm: 'none', probes: [plainFlat] }, { name: 'BN', norm: 'batch', probes: [{ loss: [0.158, 0.353], change: [0.2, 1.03] }] });
    expect(landscapeCaption(neither, true)).toBe(
      'At step 0 the loss along the gradient spans 0.158–0.353 for BN and 2.20–2.30 for plain (0.195 against 0.100 wide), and the gradient changes by up to 1.03 against 0.620. ' +
        'Santurkar et al. (2018) found both smaller with batch norm, the reason they give for its speed; in this run, at this step, neither is smaller with batch norm.',
    );
    const one = historyOf({ name: 'plain', norm: 'none', probes: [plainFlat] }, { name: 'BN', norm: 'batch', probes: [{ loss: [0.1, 0.15], change: [0.2, 1.03] }] });
    expect(landscapeCaption(one, true)).toMatch(/; here only the loss range is\.$/);
    const other = historyOf({ name: 'plain', norm: 'none', probes: [plainFlat] }, { name: 'LN', norm: 'layer', probes: [{ loss: [0.1, 0.5], change: [0.2, 0.3] }] });
    expect(landscapeCaption(other, true)).toMatch(/for LN and .*; here only the gradient change is\.$/);
  });

  it('reads the newest probe both arms measured, and says when they walk different step sizes', () => {
    const h = historyOf(
      { name: 'plain', norm: 'none', probes: [plainFlat, { loss: [1, 2], change: [1, 2] }, null] },
      { name: 'BN ×5', norm: 'batch', probes: [{ loss: [0.1, 0.2], change: [0.1, 0.2], eta: [1.25, 2.5, 5, 7.5, 10] }, null, { loss: [0.1, 0.2], change: [0.1, 0.2] }] },
    );
    const c = landscapeComparison(h)!;
    expect([c.plain.at.step, c.normed.at.step, c.ownRates]).toEqual([0, 0, true]);
    expect(landscapeCaption(h, true)).toContain('(each arm walks multiples of its own learning rate)');
  });

  it('describes a lone arm without comparing', () => {
    const h = historyOf({ name: 'BN', norm: 'batch', probes: [{ loss: [0.1, 0.2], change: [0.1, 0.3] }] });
    expect(landscapeCaption(h, true)).toContain("At step 0 BN's loss along its gradient spans 0.100–0.200 and its gradient changes by up to 0.300; a plain arm and a normalized one are needed to compare.");
  });
});
