import { describe, expect, it } from 'vitest';
import { distributionsCaption, type DistributionsCaptionInput } from './distributionsCaption';
import type { PercentileBand } from './distributionsMath';

const band = (p5: number[], p15: number[], p50: number[], p85: number[], p95: number[]): PercentileBand => ({ steps: p50.map((_, i) => i * 50), p5, p15, p50, p85, p95 });
const arms = [
  { name: 'plain', norm: 'none', placement: 'before' },
  { name: 'BN', norm: 'batch', placement: 'before' },
];
const input = (over: Partial<DistributionsCaptionInput>): DistributionsCaptionInput => ({ arms, bands: [null, null], activation: 'sigmoid', layer: 2, unit: null, unitWord: 'unit', mode: 'train', warmFrom: 44, ...over });

describe('distributionsCaption', () => {
  it('says what to look for before there are two probes', () => {
    const c = distributionsCaption(input({}));
    expect(c).toContain('Ioffe & Szegedy’s Figure 1b–c, live (layer 3 pooled): watch whether the bands drift as earlier layers learn, and reach the shaded saturating region.');
  });

  it('gives each arm’s net drift of median and 15–85 width, from the bands on screen', () => {
    // Figure 1's run at step 500 (seed 1): plain's median moved −0.57, BN's −0.07.
    const plain = band([-2, -3.5], [-1, -2.04], [-0.2, -0.77], [-0.06, 0.18], [1, 1.4]);
    const bn = band([-2, -2.4], [-1.05, -1.53], [0, -0.07], [1.05, 1.46], [2, 2.6]);
    const c = distributionsCaption(input({ bands: [plain, bn] }));
    expect(c).toContain('Layer 3 pooled, from step 0 to 50: the median moved −0.57 (plain), −0.07 (BN); the 15–85 width changed +1.28 (plain), +0.89 (BN).');
    expect(c).not.toMatch(/stay put/);
  });

  it('names the arms whose outer band reaches the saturating region now', () => {
    const plain = band([-2, -4.6], [-1, -2], [0, -0.5], [1, 1], [2, 2]);
    const bn = band([-2, -2], [-1, -1], [0, 0], [1, 1], [2, 2]);
    expect(distributionsCaption(input({ bands: [plain, bn] }))).toContain('Plain’s 5–95 band now reaches the saturating region (|x| > 4).');
    expect(distributionsCaption(input({ bands: [plain, plain], activation: 'tanh' }))).toContain('Plain’s and BN’s 5–95 bands now reach the saturating region (|x| > 2).');
  });

  it('for ReLU, says when over half of an arm’s inputs are below zero', () => {
    const plain = band([-2, -3], [-1, -2], [0.1, -0.2], [1, 0.5], [2, 1]);
    const bn = band([-2, -2], [-1, -1], [0, 0.1], [1, 1], [2, 2]);
    expect(distributionsCaption(input({ bands: [plain, bn], activation: 'relu' }))).toContain('Over half of plain’s inputs are now below zero');
    expect(distributionsCaption(input({ bands: [plain, plain], activation: 'relu' }))).toContain('Over half of plain’s and BN’s inputs are now below zero');
  });

  it('in training mode, says a BN unit’s band is set by γ and β, only where batch norm sits before the nonlinearity', () => {
    expect(distributionsCaption(input({ unit: 0 }))).toContain(
      'Batch norm in training mode (the probe batch’s own statistics): a BN unit’s input has mean β and standard deviation γ, so its band is set by γ and β and moves only as they learn.',
    );
    expect(distributionsCaption(input({}))).toContain('each BN unit’s input has mean β and standard deviation γ, so its band is set by γ and β');
    const after = arms.map((a) => ({ ...a, placement: 'after' }));
    expect(distributionsCaption(input({ arms: after }))).toContain('Batch norm in training mode (the probe batch’s own statistics).');
    expect(distributionsCaption(input({ arms: after }))).not.toContain('β');
  });

  it('in inference mode, names the running averages and measures drift from the first probe after they are warm', () => {
    const c = distributionsCaption(input({ mode: 'inference', unit: 0 }));
    expect(c).toContain('Batch norm in inference mode: its running averages, as the test set is evaluated. They start at mean 0 and variance 1, so at step 0 batch norm has not normalized anything yet.');
    expect(c).not.toContain('γ');
    // Steps 0, 50, 100: at step 0 BN's inference band is its un-normalized input (here the plain net's); from 50 it is normalized.
    const plain = band([-2, -3, -3.2], [-1, -2, -2.2], [-0.6, -1.3, -1.2], [-0.5, -1, -1], [0, 0, 0]);
    const bn = band([-2, -3, -3.1], [-1, -1.3, -1.4], [-0.6, 0.1, 0.2], [-0.5, 1.4, 1.5], [0, 3, 3]);
    const drawn = distributionsCaption(input({ mode: 'inference', unit: 0, bands: [plain, bn] }));
    expect(drawn).toContain('Layer 3, unit 1, from step 50 to 100: the median moved +0.10 (plain), +0.10 (BN); the 15–85 width changed +0.20 (plain), +0.20 (BN).');
    expect(drawn).toContain('They start at mean 0 and variance 1 (at step 0 batch norm normalizes nothing) and carry under 1% of that from step 44 on, so drift is measured from step 50.');
    // Only one probe since the averages are warm: nothing to compare yet.
    const two = (b: PercentileBand): PercentileBand => ({ steps: b.steps.slice(0, 2), p5: b.p5.slice(0, 2), p15: b.p15.slice(0, 2), p50: b.p50.slice(0, 2), p85: b.p85.slice(0, 2), p95: b.p95.slice(0, 2) });
    expect(distributionsCaption(input({ mode: 'inference', bands: [two(plain), two(bn)] }))).toMatch(/^Ioffe & Szegedy’s Figure 1b–c, live/);
    // Not warm yet (momentum 0.001): from the first probe, and it says the averages are still mostly their start.
    const cold = distributionsCaption(input({ mode: 'inference', warmFrom: null, bands: [plain, bn] }));
    expect(cold).toContain('from step 0 to 100: the median moved −0.60 (plain), +0.80 (BN)');
    expect(cold).toContain('They start at mean 0 and variance 1, so at step 0 batch norm has not normalized anything yet, and still carry over 1% of those starting values at step 100.');
    // Training mode ignores the running averages altogether.
    expect(distributionsCaption(input({ bands: [plain, bn] }))).toContain('from step 0 to 100');
  });

  it('says nothing of modes when no arm has batch norm', () => {
    const none = [
      { name: 'plain', norm: 'none', placement: 'before' },
      { name: 'LN', norm: 'layer', placement: 'before' },
    ];
    for (const mode of ['train', 'inference'] as const) expect(distributionsCaption(input({ arms: none, mode }))).not.toMatch(/mode|γ/);
  });

  it('measures drift as net displacement: the same for a band probed every 50 steps and every 250 (its every fifth probe)', () => {
    // A wiggling band: the path between probes is long, the net change from the first probe small.
    const steps = Array.from({ length: 11 }, (_, t) => t * 50);
    const wiggle = steps.map((_, t) => (t % 2 ? 0.3 : -0.3) + t * 0.01);
    const dense: PercentileBand = { steps, p5: wiggle.map((v) => v - 2), p15: wiggle.map((v) => v - 1), p50: wiggle, p85: wiggle.map((v) => v + 1), p95: wiggle.map((v) => v + 2) };
    const every5 = <T,>(a: readonly T[]) => a.filter((_, t) => t % 5 === 0);
    const sparse: PercentileBand = { steps: every5(steps), p5: every5(dense.p5), p15: every5(dense.p15), p50: every5(dense.p50), p85: every5(dense.p85), p95: every5(dense.p95) };
    const sentence = (b: PercentileBand) => distributionsCaption(input({ bands: [b, b] })).split(':')[1];
    expect(sentence(dense)).toBe(sentence(sparse));
    expect(sentence(dense)).toContain('the median moved +0.10 (plain), +0.10 (BN)');
  });

  it('in training mode, says that an arm with noise after batch norm moves at every step, and keeps β and γ for the others', () => {
    const noisy = [...arms, { name: 'BN + noise 1', norm: 'batch', placement: 'before', noise: 1 }];
    const c = distributionsCaption(input({ arms: noisy, bands: [null, null, null] }));
    expect(c).toContain('without noise, each BN unit’s input has mean β and standard deviation γ');
    expect(c).toContain('BN + noise 1 adds noise after batch norm: each unit shifted and rescaled by amounts drawn anew at every step, so its band moves from probe to probe (inference mode adds none).');
    expect(distributionsCaption(input({ arms: noisy, bands: [null, null, null], mode: 'inference' }))).not.toContain('noise');
  });

  it('names the unit when one is shown', () => {
    expect(distributionsCaption(input({ unit: 4, unitWord: 'channel' }))).toContain('(layer 3, channel 5)');
  });
});
