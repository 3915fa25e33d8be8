import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/schema';
import { formatNumber, logToSlider, proposeArm, sliderToLog, withChange, withDatasetDefaults } from './controlsModel';
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

  it('maps log sliders both ways', () => {
    expect(sliderToLog(logToSlider(0.05, 1e-4, 10), 1e-4, 10)).toBeCloseTo(0.05, 6);
    expect(logToSlider(1e-4, 1e-4, 10)).toBe(0);
    expect(logToSlider(10, 1e-4, 10)).toBe(1000);
  });

  it('formats numbers compactly', () => {
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(0.00001)).toBe('1.0e−5');
    expect(formatNumber(60)).toBe('60');
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
    expect(names()).toEqual(['plain', 'BN', 'LN', 'BN 2']);
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
