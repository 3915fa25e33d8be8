import { describe, expect, it } from 'vitest';
import { ganCaption, lateMeanModes, type GanSummary } from './ganModel';

const NAMES = ['no BN', 'BN in G'];
const probe = (step: number, a: number, b: number, divergedA: number | null = null): GanSummary => ({
  step,
  arms: [
    { dLoss: 1.2, gLoss: 0.8, modesCovered: a, highQuality: a / 10, divergedAt: divergedA },
    { dLoss: 1.1, gLoss: 0.9, modesCovered: b, highQuality: b / 10, divergedAt: null },
  ],
});

describe('lateMeanModes', () => {
  it('averages the probes of the second half of the run so far, once there are two', () => {
    expect(lateMeanModes([probe(0, 0, 0), probe(100, 1, 2)])).toBeNull();
    const h = [probe(0, 0, 0), probe(100, 1, 1), probe(200, 2, 4), probe(300, 4, 6), probe(400, 6, 8)];
    expect(lateMeanModes(h)).toEqual({ mean: [4, 6], probes: 3, from: 200 });
  });
});

describe('ganCaption', () => {
  it('says only what the run on screen shows', () => {
    expect(ganCaption([], NAMES, 8)).toMatch(/Press Train/);
    expect(ganCaption([probe(0, 0, 0)], NAMES, 8)).toMatch(/Step 0: neither has trained yet\.$/);
    const one = ganCaption([probe(0, 0, 0), probe(100, 3, 5)], NAMES, 8);
    expect(one).toMatch(/Step 100: no BN covers 3 of 8 modes \(30% of its samples near a mode\), BN in G covers 5 of 8 modes \(50%/);
    expect(one).not.toMatch(/on average/);
  });

  it('compares the arms over the second half, either way', () => {
    const more = ganCaption([probe(0, 0, 0), probe(100, 1, 1), probe(200, 2, 4), probe(300, 3, 6)], NAMES, 8);
    expect(more).toMatch(/From step 200 on \(2 probes\), BN in G covered more modes than no BN on average: 5 against 2\.5\./);
    const fewer = ganCaption([probe(0, 0, 0), probe(100, 5, 1), probe(200, 6, 2)], NAMES, 8);
    expect(fewer).toMatch(/fewer modes than no BN on average: 1\.5 against 5\.5/);
    const same = ganCaption([probe(0, 0, 0), probe(100, 4, 4), probe(200, 4, 4)], NAMES, 8);
    expect(same).toMatch(/as many modes as/);
  });

  it('names a diverged arm and its step', () => {
    expect(ganCaption([probe(0, 0, 0), probe(100, 0, 3, 80)], NAMES, 8)).toMatch(/no BN diverged at step 80/);
  });
});
