import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from './link';
import { presetConfig } from './presets';
import { DEFAULT_SWEEP_STEPS, defaultSweep, readSweepParam, readSweepValues, writeSweepParam } from './sweepParam';

const mnist = presetConfig('ioffe-mnist');
const spirals = presetConfig('spirals');

describe('readSweepValues', () => {
  it('keeps the good values ascending and names each bad one', () => {
    expect(readSweepValues('32, 2,8', 'batchSize', mnist)).toEqual({ values: [2, 8, 32], problems: [] });
    expect(readSweepValues('2, x, 2.5, 1, 2, 900', 'batchSize', spirals)).toEqual({
      values: [2],
      problems: ['"x" is not a number', '"2.5" is not a whole number', '1 is outside 2 … 800 (the training examples of "spirals")', '2 is given twice', '900 is outside 2 … 800 (the training examples of "spirals")'],
    });
    expect(readSweepValues('0.1, 1e-2, 20', 'learningRate', mnist)).toEqual({ values: [0.01, 0.1], problems: ['20 is outside 0.00001 … 10'.replace('0.00001', String(1e-5))] });
    expect(readSweepValues(Array.from({ length: 12 }, (_, i) => i + 2).join(','), 'batchSize', mnist).problems).toEqual(['at most 10 values; the first 10 kept']);
  });
});

describe('the sweep in a link', () => {
  it('reads every piece, and writes it back the same', () => {
    const raw = 'lr:0.1,1,3;norm:layer,batch;steps:40;y:mean';
    const { spec, problems } = readSweepParam(raw, mnist);
    expect(problems).toEqual([]);
    expect(spec).toEqual({ axis: 'learningRate', values: [0.1, 1, 3], norms: ['batch', 'layer'], steps: 40, metric: 'mean' });
    expect(writeSweepParam(spec)).toBe('lr:0.1,1,3;norm:batch,layer;steps:40;y:mean');
    expect(readSweepParam('', mnist)).toEqual({ spec: defaultSweep(), problems: [] });
  });

  it('names each bad piece and keeps its default, never failing', () => {
    const { spec, problems } = readSweepParam('bs:x;lr:1;norm:nope;steps:1e9;y:best;colour:red;bs:4', mnist);
    expect(spec).toEqual(defaultSweep());
    expect(problems).toEqual([
      'sweep: lr and bs are two settings to vary; the sweep varies one beside the normalization, so lr is ignored',
      'sweep norm: "nope" is not a normalization (none, batch, layer, group); ignored',
      `sweep steps: "1e9" is not a whole number in 10 … 5000; ${DEFAULT_SWEEP_STEPS} used`,
      'sweep y: "best" is not one of final, mean, loss; final used',
      'sweep: unknown setting "colour" (use bs, lr or scale, norm, steps, y); ignored',
      'sweep: "bs" is given twice; the first kept',
      'sweep bs: "x" is not a number; ignored',
      'sweep bs: no valid value; 2, 4, 8, 16, 32, 60 used',
    ]);
  });

  it('goes through the link codec: named in its problems, kept readable in the address, and back the same', () => {
    const reading = decodeLink('?data=spirals&views=sweep&sweep=bs:4,900;norm:batch;steps:30');
    expect(reading.problems).toContain('sweep bs: 900 is outside 2 … 800 (the training examples of "spirals"); ignored');
    expect(reading.view.sweep).toEqual({ axis: 'batchSize', values: [4], norms: ['batch'], steps: 30, metric: 'final' });
    const query = encodeLink({ config: reading.config, view: { views: ['sweep'], sweep: reading.view.sweep! } });
    expect(query).toContain('&sweep=bs:4;norm:batch;steps:30;y:final');
    expect(decodeLink(`?${query}`).view.sweep).toEqual(reading.view.sweep);
    expect(decodeLink(`?${query}`).problems).toEqual([]);
  });
});
