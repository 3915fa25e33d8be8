import { describe, expect, it } from 'vitest';
import { presetConfig } from './presets';
import { describeChange, settingsAt, withScheduledChange, withoutEvent } from './schedule';

const base = presetConfig('ioffe-mnist');

describe('changes during a run', () => {
  it('the settings in force follow the events up to the step, not past it', () => {
    const c = withScheduledChange(withScheduledChange(base, 300, 'learningRate', 0.05), 500, 'bnMode', 'inference');
    expect(settingsAt(c, 299)).toMatchObject({ learningRate: 0.5, bnMode: 'train' });
    expect(settingsAt(c, 300)).toMatchObject({ learningRate: 0.05, bnMode: 'train' });
    expect(settingsAt(c, 10_000)).toMatchObject({ learningRate: 0.05, bnMode: 'inference', batchSize: 60 });
  });

  it('a second change at the same step joins that event; events stay in step order', () => {
    let c = withScheduledChange(base, 400, 'batchSize', 8);
    c = withScheduledChange(c, 200, 'learningRate', 0.1);
    c = withScheduledChange(c, 400, 'learningRate', 0.01);
    expect(c.schedule).toEqual([
      { step: 200, set: { learningRate: 0.1 } },
      { step: 400, set: { batchSize: 8, learningRate: 0.01 } },
    ]);
    expect(withoutEvent(c, 200).schedule).toEqual([{ step: 400, set: { batchSize: 8, learningRate: 0.01 } }]);
  });

  it('refuses a change that the run cannot make', () => {
    expect(() => withScheduledChange(base, 10, 'momentum', 0.5)).toThrow(/momentum/);
    expect(() => withScheduledChange({ ...base, arms: [{ norm: 'none' }] }, 10, 'bnMode', 'inference')).toThrow(/batch norm/);
  });

  it('says what changed in words', () => {
    expect(describeChange({ learningRate: 0.05, affine: false })).toBe('learning rate 0.05, γ, β frozen');
    expect(describeChange({ bnMode: 'inference' })).toBe('batch norm in inference mode');
  });
});
