import { describe, expect, it } from 'vitest';
import { ConfigError, armName, numericRange, parseConfig } from './schema';
import { PRESETS, presetConfig } from './presets';

describe('configuration schema', () => {
  it('fills every default from an empty object: Ioffe & Szegedy’s MNIST set-up, plain vs batch norm', () => {
    const c = parseConfig({});
    expect(c.model).toEqual({ kind: 'mlp', depth: 3, width: 100 });
    expect(c.activation).toBe('sigmoid');
    expect(c.batchSize).toBe(60);
    expect(c.arms.map((a) => a.norm)).toEqual(['none', 'batch']);
  });

  it('names the field and its allowed range for an out-of-range number', () => {
    const err = (() => {
      try {
        parseConfig({ optimizer: { learningRate: 50 }, batchSize: 1 });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toContain('optimizer.learningRate: must be at most 10 (allowed 0.00001 … 10)');
    expect(err.problems).toContain('batchSize: must be at least 2 (allowed 2 … 1000)');
  });

  it('lists the allowed values of an enum and rejects a CNN on 2-D data', () => {
    expect(() => parseConfig({ activation: 'gelu' })).toThrow('activation: must be one of "sigmoid", "tanh", "relu"');
    expect(() => parseConfig({ dataset: { name: 'xor' }, model: { kind: 'cnn' } })).toThrow('model.kind: the CNN needs image input');
  });

  it('refuses a batch larger than the training set, at the start or from a step on', () => {
    expect(parseConfig({ batchSize: 1000 }).batchSize).toBe(1000);
    expect(() => parseConfig({ dataset: { name: 'spirals' }, batchSize: 1000 })).toThrow('batchSize: a batch can hold at most the 800 training examples of "spirals"');
    expect(parseConfig({ dataset: { name: 'spirals' }, batchSize: 800 }).batchSize).toBe(800);
    expect(() => parseConfig({ dataset: { name: 'xor' }, schedule: [{ step: 10, set: { batchSize: 900 } }] })).toThrow('schedule.0.set.batchSize: a batch can hold at most the 800');
  });

  it('reads numeric ranges off the schema for the UI’s sliders', () => {
    expect(numericRange('optimizer.learningRate')).toEqual({ min: 1e-5, max: 10 });
    expect(numericRange('normalization.momentum')).toEqual({ min: 0.001, max: 1 });
    expect(numericRange('arms.0.learningRate')).toEqual({ min: 1e-5, max: 10 });
    expect(numericRange('activation')).toBeNull();
  });

  it('names arms by what differs', () => {
    const c = parseConfig({ arms: [{ norm: 'none' }, { norm: 'batch', learningRate: 2.5 }, { norm: 'layer', label: 'LN here' }] });
    expect(c.arms.map((a) => armName(a, c))).toEqual(['plain', 'BN lr 2.5', 'LN here']);
  });
});

describe('presets', () => {
  it.each(PRESETS.map((p) => p.name))('%s is a valid configuration', (name) => {
    expect(() => presetConfig(name)).not.toThrow();
  });

  it('ioffe-mnist is Figure 1’s set-up: 3×100 sigmoid, batch 60, Gaussian init, SGD, with and without BN', () => {
    const c = presetConfig('ioffe-mnist');
    expect(c.dataset.name).toBe('mnist');
    expect(c.model).toEqual({ kind: 'mlp', depth: 3, width: 100 });
    expect(c.activation).toBe('sigmoid');
    expect(c.batchSize).toBe(60);
    expect(c.init.scheme).toBe('gaussian');
    expect(c.optimizer.kind).toBe('sgd');
    expect(c.arms.map((a) => a.norm)).toEqual(['none', 'batch']);
  });

  it('rejects an unknown preset with the list of known ones', () => {
    expect(() => presetConfig('nope')).toThrow(/unknown preset "nope": choose one of ioffe-mnist/);
  });
});
