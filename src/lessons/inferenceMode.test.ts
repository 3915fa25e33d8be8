import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { startWeight } from './inferenceMode';

describe('startWeight: what the running averages still owe their starting values', () => {
  it('is (1 − momentum)^steps at a constant momentum', () => {
    const c = parseConfig({ normalization: { momentum: 0.1 } });
    expect(startWeight(c, 0)).toBe(1);
    expect(startWeight(c, 10)).toBeCloseTo(0.9 ** 10, 12);
  });

  it('follows a momentum changed during the run', () => {
    const c = parseConfig({ normalization: { momentum: 0.001 }, schedule: [{ step: 5, set: { bnMomentum: 0.5 } }] });
    expect(startWeight(c, 8)).toBeCloseTo(0.999 ** 5 * 0.5 ** 3, 12);
  });

  it('stops while batch norm is in inference mode, where the averages are frozen', () => {
    const c = parseConfig({ normalization: { momentum: 0.1 }, schedule: [{ step: 4, set: { bnMode: 'inference' } }, { step: 10, set: { bnMode: 'train' } }] });
    // Steps 0–3 and 10–11 update the averages; 4–9 don't.
    expect(startWeight(c, 12)).toBeCloseTo(0.9 ** 6, 12);
  });
});
