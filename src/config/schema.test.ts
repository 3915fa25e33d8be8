import { describe, expect, it } from 'vitest';
import { ConfigError, armGroups, armName, defaultGroups, groupChoices, numericRange, parseConfig } from './schema';
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

describe('group-norm arms', () => {
  const problems = (input: unknown): string[] => {
    try {
      parseConfig(input);
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };

  it('offer the group counts that divide every hidden layer, with at least two units to a dense group', () => {
    expect(groupChoices({ kind: 'mlp', depth: 3, width: 100 })).toEqual([1, 2, 4, 5, 10, 20, 25, 50]);
    // A convolution's group spans its pixels too: one channel to a group (instance norm) is a choice there.
    expect(groupChoices({ kind: 'cnn', depth: 3, width: 16 })).toEqual([1, 2, 4, 8, 16]);
    expect(groupChoices({ kind: 'mlp', depth: 1, width: 2 })).toEqual([1]);
    // The default: the largest choice up to 4.
    expect([100, 16, 10, 6, 5, 2].map((width) => defaultGroups({ kind: 'mlp', depth: 2, width }))).toEqual([4, 4, 2, 3, 1, 1]);
    expect(defaultGroups({ kind: 'cnn', depth: 2, width: 2 })).toBe(2);
    expect(numericRange('arms.0.groups')).toEqual({ min: 1, max: 512 });
  });

  it('take their own count or the default, and are named "GN", with the count when it is not the default', () => {
    const c = parseConfig({ arms: [{ norm: 'group' }, { norm: 'group', groups: 4 }, { norm: 'group', groups: 20, learningRate: 1 }, { norm: 'batch' }] });
    expect(c.arms.map((a) => armGroups(a, c))).toEqual([4, 4, 20, null]);
    expect(c.arms.map((a) => armName(a, c))).toEqual(['GN', 'GN', 'GN 20 groups lr 1', 'BN']);
    const cnn = parseConfig({ model: { kind: 'cnn', width: 8 }, arms: [{ norm: 'group', groups: 8 }, { norm: 'group', groups: 1, placement: 'after' }] });
    expect(cnn.arms.map((a) => armName(a, cnn))).toEqual(['GN 8 groups', 'GN 1 group after']);
  });

  it('refuse a count that does not divide a layer, naming the arm, the layer and the counts that would', () => {
    expect(problems({ arms: [{ norm: 'none' }, { norm: 'group', groups: 3 }] })).toEqual([
      "arms.1.groups: arm 2's 3 groups do not divide the 100 units of hidden layer 1; use one of 1, 2, 4, 5, 10, 20, 25, 50",
    ]);
    expect(problems({ model: { kind: 'cnn', width: 12 }, arms: [{ norm: 'group', groups: 8 }] })).toEqual([
      "arms.0.groups: arm 1's 8 groups do not divide the 12 channels of hidden layer 1; use one of 1, 2, 3, 4, 6, 12",
    ]);
    // One unit to a group normalizes it to x̂ = 0: the dense layer would output β, whatever its input.
    expect(problems({ model: { width: 16 }, arms: [{ norm: 'group', groups: 16 }] })).toEqual([
      "arms.0.groups: arm 1's 16 groups leave one unit per group in hidden layer 1, which group norm maps to β whatever the input; use one of 1, 2, 4, 8",
    ]);
    expect(problems({ model: { kind: 'cnn', width: 16 }, arms: [{ norm: 'group', groups: 16 }] })).toEqual([]);
    expect(problems({ arms: [{ norm: 'layer', groups: 2 }] })).toEqual(['arms.0.groups: a number of groups needs a group-norm arm']);
    expect(problems({ arms: [{ norm: 'group', groups: 0 }] })).toEqual(['arms.0.groups: must be at least 1 (allowed 1 … 512)']);
    expect(problems({ arms: [{ norm: 'group', groups: 2.5 }] })).toEqual(['arms.0.groups: expected int']);
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
