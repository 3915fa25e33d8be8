import { describe, expect, it } from 'vitest';
import { distributionsCaption, type DistributionsCaptionInput } from './distributionsCaption';
import type { PercentileBand } from './distributionsMath';

const band = (p5: number[], p15: number[], p50: number[], p85: number[], p95: number[]): PercentileBand => ({ steps: p50.map((_, i) => i * 50), p5, p15, p50, p85, p95 });
const arms = [
  { name: 'plain', norm: 'none', placement: 'before' },
  { name: 'BN', norm: 'batch', placement: 'before' },
];
const input = (over: Partial<DistributionsCaptionInput>): DistributionsCaptionInput => ({ arms, bands: [null, null], activation: 'sigmoid', layer: 2, unit: null, unitWord: 'unit', ...over });

describe('distributionsCaption', () => {
  it('says what to look for before there are two probes', () => {
    const c = distributionsCaption(input({}));
    expect(c).toContain('Ioffe & Szegedy’s Figure 1b–c, live (layer 3): watch whether the bands drift as earlier layers learn, and reach the shaded saturating region.');
  });

  it('gives each arm’s net drift of median and 15–85 width, from the bands on screen', () => {
    // Figure 1's run at step 500 (seed 1): plain's median moved −0.57, BN's −0.07.
    const plain = band([-2, -3.5], [-1, -2.04], [-0.2, -0.77], [-0.06, 0.18], [1, 1.4]);
    const bn = band([-2, -2.4], [-1.05, -1.53], [0, -0.07], [1.05, 1.46], [2, 2.6]);
    const c = distributionsCaption(input({ bands: [plain, bn] }));
    expect(c).toContain('Layer 3, from step 0 to 50: the median moved −0.57 (plain), −0.07 (BN); the 15–85 width changed +1.28 (plain), +0.89 (BN).');
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

  it('explains that a BN unit’s band is set by γ and β only where batch norm sits before the nonlinearity', () => {
    expect(distributionsCaption(input({}))).toContain('a BN unit’s input has mean β and standard deviation γ: its band moves only as they learn');
    const after = arms.map((a) => ({ ...a, placement: 'after' }));
    expect(distributionsCaption(input({ arms: after }))).not.toContain('β');
  });

  it('names the unit when one is shown', () => {
    expect(distributionsCaption(input({ unit: 4, unitWord: 'channel' }))).toContain('(layer 3, channel 5)');
  });
});
