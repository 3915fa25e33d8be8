import { describe, expect, it } from 'vitest';
import { presetConfig } from './presets';
import type { ExperimentConfig, ScheduleEvent } from './schema';
import { warmStep } from './schedule';

const withMomentum = (momentum: number, schedule: ScheduleEvent[] = []): ExperimentConfig => {
  const base = presetConfig('ioffe-mnist');
  return { ...base, normalization: { ...base.normalization, momentum }, schedule };
};

describe('warmStep: when batch norm’s running averages have forgotten their start (mean 0, variance 1)', () => {
  it('is the first step at which (1 − m)^steps ≤ 1%', () => {
    expect(warmStep(withMomentum(0.1), 1000)).toBe(44);
    expect(0.9 ** 43).toBeGreaterThan(0.01);
    expect(0.9 ** 44).toBeLessThanOrEqual(0.01);
    expect(warmStep(withMomentum(0.1), 43)).toBeNull();
    expect(warmStep(withMomentum(0.001), 1000)).toBeNull();
    expect(warmStep(withMomentum(0.001), 10_000)).toBe(4603);
    // Momentum 1 keeps nothing of the start after one step.
    expect(warmStep(withMomentum(1), 10)).toBe(1);
  });

  it('follows the schedule: a new momentum from a step on, and inference mode, which freezes the averages', () => {
    // 0.999¹⁰ · 0.5^k ≤ 0.01 first at k = 7.
    expect(warmStep(withMomentum(0.001, [{ step: 10, set: { bnMomentum: 0.5 } }]), 1000)).toBe(17);
    expect(warmStep(withMomentum(0.1, [{ step: 5, set: { bnMode: 'inference' } }]), 1000)).toBeNull();
  });
});
