import { describe, expect, it } from 'vitest';
import { appendRnnProbe, createRnnHistory } from '../../engine/rnn/history';
import type { RnnArmProbe } from '../../engine/rnn/lockstep';
import type { RnnNorm } from '../../engine/rnn/config';
import { rnnCaption } from './rnnCaption';

const arm = (norm: RnnNorm, testAccuracy: number, preStd: number[] = [0, 0.1, 0.9, 0.5]): RnnArmProbe => ({
  norm,
  trainLoss: 1,
  testLoss: 1,
  testAccuracy,
  preMean: preStd.map(() => 0),
  preStd,
  inMean: preStd.map(() => 0),
  inStd: preStd,
});

describe('rnnCaption', () => {
  it('asks for Train before any probe, and says where the run stands at step 0', () => {
    expect(rnnCaption(createRnnHistory(['none', 'layer', 'batch']))).toMatch(/^Press Train/);
    const h = appendRnnProbe(createRnnHistory(['none', 'layer', 'batch']), { step: 0, arms: [arm('none', 0.1), arm('layer', 0.1), arm('batch', 0.1)] });
    expect(rnnCaption(h)).toMatch(/^Step 0/);
  });

  it('names the leader with the others’ accuracies, and batch norm’s per-row spread from row 2 on', () => {
    const h = appendRnnProbe(createRnnHistory(['none', 'layer', 'batch']), { step: 1200, arms: [arm('none', 0.8), arm('layer', 0.861), arm('batch', 0.83)] });
    expect(rnnCaption(h)).toBe(
      'At step 1,200, layer norm leads with 86.1% test accuracy (batch norm (per step) 83.0%, no norm 80.0%). In the batch-norm arm, ' +
        'the spread of a_t before normalization differs 9-fold between time steps, from 0.10 (row 2) to 0.90 (row 3) on the test digits, ' +
        "so batch norm keeps statistics for each of the 4 steps (the test digits use each step's running averages); layer norm " +
        'normalizes each digit by itself at every step.',
    );
  });

  it('calls a tie a tie', () => {
    const h = appendRnnProbe(createRnnHistory(['none', 'layer']), { step: 50, arms: [arm('none', 0.5), arm('layer', 0.5)] });
    expect(rnnCaption(h)).toBe('At step 50, no norm and layer norm are level at 50.0% test accuracy.');
  });
});
