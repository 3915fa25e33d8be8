import { describe, expect, it } from 'vitest';
import { networkCaption } from './networkCaption';

describe('networkCaption', () => {
  it('says what the arms differ in, read off the arms', () => {
    expect(networkCaption([{ norm: 'none', learningRate: 0.5 }, { norm: 'batch', learningRate: 0.5 }])).toBe(
      'The arms share architecture, mini-batches and initial weights; they differ in normalization (highlighted). Click a layer to inspect it in every view.',
    );
    // The high-learning-rate preset: normalization and learning rate both differ.
    expect(
      networkCaption([
        { norm: 'none', learningRate: 0.5 },
        { norm: 'batch', learningRate: 0.5 },
        { norm: 'none', learningRate: 10 },
        { norm: 'batch', learningRate: 10 },
      ]),
    ).toContain('they differ in normalization (highlighted) and learning rate.');
    expect(networkCaption([{ norm: 'batch', learningRate: 0.5 }, { norm: 'batch', learningRate: 2.5 }])).toContain('they differ in learning rate.');
    expect(networkCaption([{ norm: 'batch', learningRate: 0.5 }, { norm: 'batch', learningRate: 0.5 }])).toContain('and every setting.');
    expect(networkCaption([{ norm: 'batch', learningRate: 0.5 }])).toMatch(/^One network/);
    // Per-arm initial scales: the same random draws, scaled, so "initial weights" are no longer shared.
    expect(networkCaption([{ norm: 'none', learningRate: 0.5, initScale: 0.1 }, { norm: 'none', learningRate: 0.5, initScale: 0.5 }])).toBe(
      'The arms share architecture, mini-batches and the random draws of their initial weights; they differ in initial scale. Click a layer to inspect it in every view.',
    );
    // Placement counts among the normalized arms only (a plain arm has none).
    expect(
      networkCaption([
        { norm: 'none', learningRate: 0.5, placement: 'before' },
        { norm: 'batch', learningRate: 0.5, placement: 'before' },
        { norm: 'batch', learningRate: 0.5, placement: 'after' },
      ]),
    ).toContain('they differ in normalization (highlighted) and its placement.');
    // Two arms of one normalization that differ only in its own setting: never "every setting".
    expect(networkCaption([{ norm: 'group', learningRate: 0.5, groups: 4 }, { norm: 'group', learningRate: 0.5, groups: 1 }])).toContain('they differ in number of groups.');
    expect(networkCaption([{ norm: 'batch', learningRate: 0.5, noise: 0 }, { norm: 'batch', learningRate: 0.5, noise: 1 }])).toContain('they differ in noise after batch norm.');
    expect(networkCaption([{ norm: 'group', learningRate: 0.5, groups: 4 }, { norm: 'batch', learningRate: 0.5 }])).toContain('they differ in normalization (highlighted).');
  });
});
