import { describe, expect, it } from 'vitest';
import { CNN_MAX_WIDTH, changeSchema, numericRange, parseConfig, type ExperimentConfig } from '../config/schema';
import { CONTROL_SCALES, batchSizeScale, formatNumber, proposeArm, schemaBounds, widthScale, withChange, withDatasetDefaults, withFittingGroups } from './controlsModel';
import { armName } from '../config/schema';

describe('controls model', () => {
  it('changes one field and validates the whole', () => {
    const c = parseConfig({});
    const n = withChange(c, 'optimizer.learningRate', 0.05);
    expect(n.optimizer.learningRate).toBe(0.05);
    expect(c.optimizer.learningRate).toBe(0.5);
    expect(() => withChange(c, 'optimizer.learningRate', 50)).toThrow(/learningRate/);
  });

  it('gives each architecture its own size, and switches a CNN back to an MLP when the dataset becomes 2-D', () => {
    const cnn = withChange(parseConfig({}), 'model.kind', 'cnn');
    expect(cnn.model).toEqual({ kind: 'cnn', depth: 3, width: 16 });
    expect(withChange(cnn, 'model.kind', 'mlp').model).toEqual({ kind: 'mlp', depth: 3, width: 100 });
    expect(withChange(cnn, 'dataset.name', 'spirals').model).toEqual({ kind: 'mlp', depth: 3, width: 100 });
    // Other changes leave the size alone.
    expect(withChange(withChange(parseConfig({}), 'model.width', 40), 'activation', 'tanh').model.width).toBe(40);
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(0.00001)).toBe('1.0e−5');
    expect(formatNumber(60)).toBe('60');
  });
});

describe('the controls\' bounds are the schema\'s', () => {
  const scales = Object.entries(CONTROL_SCALES);

  it('every slider runs from the schema\'s minimum to its maximum', () => {
    for (const [path, scale] of scales) {
      const r = numericRange(path);
      expect(r, path).not.toBeNull();
      expect([scale.values[0], scale.values.at(-1)], path).toEqual([r!.min, r!.max]);
    }
    // Fields the issue named: the probe interval reaches 1000 and the initial scale 1e-4, as a link may.
    expect(CONTROL_SCALES['probe.interval'].values.at(-1)).toBe(1000);
    expect(CONTROL_SCALES['init.scale'].values[0]).toBe(1e-4);
    expect(schemaBounds('seed')).toEqual({ min: 0, max: 2 ** 31 - 1 });
  });

  it('the width slider ends where the schema lets an MLP or a CNN end', () => {
    expect(widthScale('mlp').values.at(-1)).toBe(numericRange('model.width')!.max);
    expect(widthScale('cnn').values.at(-1)).toBe(CNN_MAX_WIDTH);
    const cnn = withChange(parseConfig({}), 'model.kind', 'cnn');
    for (const w of widthScale('cnn').values) expect(withChange(cnn, 'model.width', w).model.width).toBe(w);
    expect(() => withChange(cnn, 'model.width', CNN_MAX_WIDTH + 1)).toThrow(/channels/);
  });

  it('the batch-size slider ends at the dataset\'s training examples where they are fewer than the bound', () => {
    expect(batchSizeScale('mnist').values.at(-1)).toBe(numericRange('batchSize')!.max);
    expect(batchSizeScale('spirals').values.at(-1)).toBe(800);
    const big = withChange(parseConfig({}), 'batchSize', 1000);
    // Switching to the 800 points of a 2-D set keeps the batch as large as it can be.
    expect(withChange(big, 'dataset.name', 'spirals').batchSize).toBe(800);
    const spirals = withDatasetDefaults(big, withChange(big, 'dataset.name', 'spirals')).config;
    for (const b of batchSizeScale('spirals').values) expect(withChange(spirals, 'batchSize', b).batchSize).toBe(b);
  });

  it('every value on every slider is a valid setting, and a change during the run has the same bounds', () => {
    const c = parseConfig({ optimizer: { kind: 'momentum' } });
    for (const [path, scale] of scales) for (const v of scale.values) expect(() => withChange(c, path, v), `${path} = ${v}`).not.toThrow();
    for (const w of widthScale('mlp').values) expect(() => withChange(c, 'model.width', w)).not.toThrow();
    // The sliders that can record a change from a step on (During the run) commit into changeSchema.
    const live = { 'optimizer.learningRate': 'learningRate', 'optimizer.momentum': 'momentum', 'normalization.momentum': 'bnMomentum', batchSize: 'batchSize' } as const;
    for (const [path, key] of Object.entries(live)) expect(numericRange(key, changeSchema), key).toEqual(numericRange(path));
  });

  it('reads the bounds through zod\'s public API: nested, optional, in arrays, and none for what is not a number', () => {
    expect(numericRange('arms.0.initScale')).toEqual({ min: 1e-4, max: 10 });
    expect(numericRange('schedule.3.set.batchSize')).toEqual({ min: 2, max: 1000 });
    expect(numericRange('activation')).toBeNull();
    expect(numericRange('optimizer.nope')).toBeNull();
    expect(numericRange('arms.first.initScale')).toBeNull();
    expect(numericRange('optimizer.constructor')).toBeNull();
  });
});

describe('building comparisons', () => {
  it('"+ add an arm" proposes the normalization not yet present, then distinct labels', () => {
    let c = parseConfig({ arms: [{ norm: 'none' }, { norm: 'batch' }] });
    const names = () => c.arms.map((a) => armName(a, c));
    c = parseConfig({ ...c, arms: [...c.arms, proposeArm(c)] });
    expect(c.arms[2]).toEqual({ norm: 'layer' });
    c = parseConfig({ ...c, arms: [...c.arms, proposeArm(c)] });
    expect(new Set(names()).size).toBe(4);
    expect(names()).toEqual(['plain', 'BN', 'LN', 'GN']);
    // The plain net comes last; a second arm of a kind gets a label of its own.
    expect(proposeArm(parseConfig({ ...c, arms: c.arms.slice(1) }))).toEqual({ norm: 'none' });
    expect(proposeArm(parseConfig({ arms: [{ norm: 'group' }, { norm: 'group', groups: 2 }, { norm: 'batch' }] }))).toEqual({ norm: 'layer' });
    expect(proposeArm(parseConfig({ arms: [{ norm: 'batch' }, { norm: 'layer' }, { norm: 'group' }] }))).toEqual({ norm: 'none' });
    expect(proposeArm(parseConfig({ arms: [{ norm: 'batch', label: 'plain' }, { norm: 'layer' }, { norm: 'group' }] }))).toEqual({ norm: 'none', label: 'plain 2' });
  });

  it('a group-norm arm’s own number of groups follows the network to one that divides it, or to the default', () => {
    const c = parseConfig({ arms: [{ norm: 'group', groups: 5 }, { norm: 'group', groups: 50 }, { norm: 'group', groups: 1 }, { norm: 'group' }] });
    const groups = (x: ExperimentConfig) => x.arms.map((a) => a.groups);
    // 64 units: 5 groups become 4 (the default, so it is no longer written), 50 become 32 (two units each).
    expect(groups(withChange(c, 'model.width', 64))).toEqual([undefined, 32, 1, undefined]);
    expect(groups(withChange(c, 'model.width', 200))).toEqual([5, 50, 1, undefined]);
    // A CNN of 16 channels, and the 2-D sets' 16 units (where the dense layers need two units a group).
    expect(groups(withChange(c, 'model.kind', 'cnn'))).toEqual([undefined, 16, 1, undefined]);
    expect(groups(withDatasetDefaults(c, withChange(c, 'dataset.name', 'spirals')).config)).toEqual([undefined, 8, 1, undefined]);
    expect(withFittingGroups(c.arms, { kind: 'mlp', depth: 3, width: 100 })).toEqual(c.arms);
  });

  it('switching MNIST to a 2-D set brings the settings that suit it, and says so; within a kind nothing else changes', () => {
    const mnist = parseConfig({});
    const { config, changed } = withDatasetDefaults(mnist, withChange(mnist, 'dataset.name', 'spirals'));
    expect(config).toMatchObject({ activation: 'relu', optimizer: { kind: 'adam', learningRate: 0.01 }, batchSize: 32, model: { depth: 4, width: 16 } });
    expect(changed).toMatch(/ReLU.*Adam at 0.01/);
    const xor = withDatasetDefaults(config, withChange(config, 'dataset.name', 'xor'));
    expect(xor.changed).toBeNull();
    expect(xor.config.activation).toBe('relu');
    expect(withDatasetDefaults(config, withChange(config, 'dataset.name', 'mnist')).config).toMatchObject({ activation: 'sigmoid', optimizer: { kind: 'sgd', learningRate: 0.5 } });
  });
});
