import { describe, expect, it } from 'vitest';
import { CONTROL_SCALES, formatNumber, widthScale } from './controlsModel';
import { linearScale, listScale, logScale, nearestIndex, stepOnScale, valueForKey, type SliderScale } from './sliderScale';

const ALL: [string, SliderScale][] = [...Object.entries(CONTROL_SCALES), ['width (MLP)', widthScale('mlp')], ['width (CNN)', widthScale('cnn')]];

/** Presses `key` from `start` until the value stops changing; returns every value visited, the start included. */
function walk(scale: SliderScale, start: number, key: string): number[] {
  const seen = [start];
  for (let i = 0; i < 10_000; i++) {
    const next = valueForKey(scale, seen.at(-1)!, key)!;
    if (next === seen.at(-1)) return seen;
    seen.push(next);
  }
  throw new Error('the walk never stopped');
}

describe('slider scales', () => {
  it('every value on every slider is reached by the arrow keys, one after another, both ways', () => {
    for (const [name, scale] of ALL) {
      const { values } = scale;
      expect(values.length, name).toBeGreaterThan(2);
      expect([...values].sort((a, b) => a - b), `${name} ascending`).toEqual(values);
      expect(new Set(values).size, `${name} distinct`).toBe(values.length);
      expect(walk(scale, values[0]!, 'ArrowRight'), name).toEqual(values);
      expect(walk(scale, values.at(-1)!, 'ArrowLeft'), name).toEqual([...values].reverse());
      expect(walk(scale, values[0]!, 'ArrowUp'), name).toEqual(values);
    }
  });

  it('the thumb sits on the value it shows, and the value shown is the value committed', () => {
    for (const [name, scale] of ALL) {
      scale.values.forEach((v, i) => {
        expect(nearestIndex(scale, v), `${name} ${v}`).toBe(i);
        // The read-out prints the number exactly: what the slider says is what the run gets.
        if (scale.log && !Number.isInteger(v)) expect(Number(formatNumber(v).replace('−', '-')), `${name} ${v}`).toBe(v);
      });
    }
  });

  it('the issue\'s cases: learning rate 0.5 and width 100 move on, not back', () => {
    const lr = CONTROL_SCALES['optimizer.learningRate'];
    expect(valueForKey(lr, 0.5, 'ArrowRight')).toBe(0.6);
    expect(valueForKey(lr, 0.5, 'ArrowLeft')).toBe(0.4);
    expect(walk(lr, 0.5, 'ArrowRight').slice(0, 5)).toEqual([0.5, 0.6, 0.8, 1, 1.2]);
    const width = widthScale('mlp');
    expect(valueForKey(width, 100, 'ArrowRight')).toBe(120);
    expect(valueForKey(width, 100, 'ArrowLeft')).toBe(80);
  });

  it('the presets\' values are on the scales', () => {
    const lr = CONTROL_SCALES['optimizer.learningRate'].values;
    for (const v of [0.001, 0.01, 0.05, 0.2, 0.5, 2.5, 10]) expect(lr).toContain(v);
    for (const v of [16, 64, 100]) expect(widthScale('mlp').values).toContain(v);
    for (const v of [16, 64]) expect(widthScale('cnn').values).toContain(v);
    for (const v of [1, 20, 25, 50]) expect(CONTROL_SCALES['probe.interval'].values).toContain(v);
    for (const v of [2, 16, 32, 60, 64]) expect(CONTROL_SCALES.batchSize.values).toContain(v);
    expect(CONTROL_SCALES['init.scale'].values).toEqual(expect.arrayContaining([0.1, 0.5, 1]));
    expect(CONTROL_SCALES['normalization.epsilon'].values).toContain(1e-5);
    expect(CONTROL_SCALES['optimizer.momentum'].values).toEqual(expect.arrayContaining([0, 0.5, 0.9, 0.99, 0.999]));
  });

  it('from a value between two scale values (a link\'s 0.037), each direction goes to its neighbour', () => {
    const lr = CONTROL_SCALES['optimizer.learningRate'];
    expect(valueForKey(lr, 0.037, 'ArrowRight')).toBe(0.04);
    expect(valueForKey(lr, 0.037, 'ArrowLeft')).toBe(0.03);
    expect(walk(lr, 0.037, 'ArrowRight')).toEqual([0.037, ...lr.values.filter((v) => v > 0.037)]);
    const batch = CONTROL_SCALES.batchSize;
    expect(valueForKey(batch, 100, 'ArrowRight')).toBe(128);
    expect(valueForKey(batch, 100, 'ArrowLeft')).toBe(64);
    // A value parsed from text compares equal to the scale's own (no 0.30000000000000004 between them).
    expect(valueForKey(CONTROL_SCALES['dataset.noise'], 0.1 + 0.2, 'ArrowRight')).toBe(0.35);
  });

  it('Page Up/Down move a decade on log scales, Home and End go to the bounds, and the ends hold', () => {
    const lr = CONTROL_SCALES['optimizer.learningRate'];
    expect(valueForKey(lr, 0.05, 'PageUp')).toBe(0.5);
    expect(valueForKey(lr, 0.05, 'PageDown')).toBe(0.005);
    expect(valueForKey(lr, 5, 'PageUp')).toBe(10);
    expect(valueForKey(lr, 0.5, 'Home')).toBe(1e-5);
    expect(valueForKey(lr, 0.5, 'End')).toBe(10);
    expect(valueForKey(lr, 10, 'ArrowRight')).toBe(10);
    expect(valueForKey(lr, 1e-5, 'ArrowLeft')).toBe(1e-5);
    expect(valueForKey(lr, 0.5, 'a')).toBeNull();
    expect(valueForKey(lr, 0.5, 'Enter')).toBeNull();
  });

  it('builds scales from any bounds: the bounds are the ends even off the grid', () => {
    expect(logScale({ min: 0.003, max: 0.07 }).values).toEqual([0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.012, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.07]);
    expect(logScale({ min: 1, max: 20 }, { integer: true }).values).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20]);
    expect(linearScale({ min: 0, max: 0.999 }, 0.25).values).toEqual([0, 0.25, 0.5, 0.75, 0.999]);
    expect(listScale({ min: 2, max: 1000 }, [1, 4, 512, 2048]).values).toEqual([2, 4, 512, 1000]);
    expect(stepOnScale(linearScale({ min: 0, max: 1 }, 0.1), 0.5, 1, 3)).toBe(0.8);
    expect(() => logScale({ min: 0, max: 1 })).toThrow(RangeError);
    expect(() => linearScale({ min: 0, max: 1 }, 0)).toThrow(RangeError);
  });
});
