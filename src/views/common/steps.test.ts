import { describe, expect, it } from 'vitest';
import { nearestIndex, stepDomain } from './steps';

describe('the shared step axis', () => {
  it('nearestIndex: the nearest probe, clamped to the ends; none for no probes or no position', () => {
    const steps = [0, 20, 40, 60];
    expect(nearestIndex(steps, 9)).toBe(0);
    expect(nearestIndex(steps, 11)).toBe(1);
    expect(nearestIndex(steps, -50)).toBe(0);
    expect(nearestIndex(steps, 1e9)).toBe(3);
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex(steps, Number.NaN)).toBe(-1);
    expect(nearestIndex(steps, Number.POSITIVE_INFINITY)).toBe(-1);
  });

  it('stepDomain: from 0 to the last finite probe of any list, at least 1', () => {
    expect(stepDomain([[0, 20], [0, 20, 40]])).toEqual([0, 40]);
    expect(stepDomain([[7]])).toEqual([0, 7]);
    expect(stepDomain([[0]])).toEqual([0, 1]);
    expect(stepDomain([])).toEqual([0, 1]);
    expect(stepDomain([[0, Number.NaN, 30]])).toEqual([0, 30]);
  });
});
