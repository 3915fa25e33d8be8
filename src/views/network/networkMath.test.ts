import { describe, it, expect } from 'vitest';
import { parseConfig } from '../../config/schema';
import { armSpec, buildArchitecture, paramLayout } from '../../engine/model';
import type { NormKind, Placement } from '../../config/schema';
import type { ArmInfo, LayerInfo } from '../../worker/protocol';
import {
  activationLabel,
  groupOrder,
  layerLabel,
  layerParams,
  layoutNetwork,
  normLabel,
  outputLabel,
  shapeLabel,
  truncate,
  type NetworkSpec,
} from './networkMath';

const dense = (units: number): LayerInfo => ({ kind: 'dense', units, stride: 1, outShape: [units] });

function mlpSpec(depth: number, arms: { name: string; norm: NormKind; placement?: Placement }[] = [{ name: 'plain', norm: 'none' }, { name: 'BN', norm: 'batch' }]): NetworkSpec {
  return {
    arms: arms.map((a) => ({ name: a.name, norm: a.norm, placement: a.placement ?? 'before' })),
    layers: Array.from({ length: depth }, () => dense(100)),
    inputShape: [784],
    numClasses: 10,
    activation: 'sigmoid',
  };
}

describe('labels', () => {
  it('names shapes, layers, normalizations, activations and the classifier', () => {
    expect(shapeLabel([784])).toBe('784');
    expect(shapeLabel([28, 28, 1])).toBe('28×28×1');
    expect(shapeLabel([2])).toBe('2');
    expect(layerLabel(dense(100))).toBe('dense 100');
    expect(layerLabel({ kind: 'conv', units: 16, stride: 1, outShape: [28, 28, 16] })).toBe('conv 3×3·16');
    expect(layerLabel({ kind: 'conv', units: 16, stride: 2, outShape: [14, 14, 16] })).toBe('conv 3×3·16 /2');
    expect(normLabel('batch')).toBe('BN');
    expect(normLabel('layer')).toBe('LN');
    expect(normLabel('group')).toBe('GN');
    expect(normLabel('none')).toBeNull();
    expect((['sigmoid', 'tanh', 'relu'] as const).map((a) => activationLabel(a))).toEqual(['σ', 'tanh', 'ReLU']);
    expect(outputLabel(3)).toBe('softmax 3');
  });

  it('orders a layer\'s blocks by the placement of its normalization', () => {
    expect(groupOrder('batch', 'before')).toEqual(['layer', 'norm', 'act']);
    expect(groupOrder('layer', 'after')).toEqual(['layer', 'act', 'norm']);
    expect(groupOrder('none', 'after')).toEqual(['layer', 'act']);
  });

  it('truncates long arm names with an ellipsis', () => {
    expect(truncate('BN', 5)).toEqual({ label: 'BN', truncated: false });
    expect(truncate('batch norm lr 0.5', 8)).toEqual({ label: 'batch n…', truncated: true });
  });
});

describe('layerParams', () => {
  /** The engine's own parameter layout, so the view's counts cannot drift from what trains. */
  function engineCounts(input: Parameters<typeof parseConfig>[0], inputShape: number[], numClasses: number) {
    const config = parseConfig(input);
    const arch = buildArchitecture(config, inputShape, numClasses);
    const layers: LayerInfo[] = arch.hidden.map((l) => ({ kind: l.kind, units: l.units, stride: l.stride, outShape: [...l.outShape] }));
    return config.arms.map((armConfig) => {
      const layout = paramLayout(arch, armSpec(armConfig, config));
      const arm: ArmInfo = { name: armConfig.norm, norm: armConfig.norm, placement: config.normalization.placement, learningRate: 0.1, params: layout };
      return arch.hidden.map((_, j) => {
        const expected = layout.filter((p) => p.layer === j).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
        const got = layerParams(arm, j);
        // The parts add up, and each sits in its role: W is fan-in × units (3·3·C_in·units for a convolution).
        expect(got.weight + got.bias + got.norm).toBe(got.total);
        const l = layers[j]!;
        const inShape = j === 0 ? inputShape : layers[j - 1]!.outShape;
        const fanIn = l.kind === 'conv' ? inShape[2]! : inShape.reduce((a, b) => a * b, 1);
        expect(got.weight).toBe((l.kind === 'conv' ? 9 : 1) * fanIn * l.units);
        return { expected, got: got.total };
      });
    });
  }

  it('matches the engine for an MLP with and without batch norm before the nonlinearity', () => {
    const counts = engineCounts({ arms: [{ norm: 'none' }, { norm: 'batch' }, { norm: 'layer' }], model: { kind: 'mlp', depth: 2, width: 100 } }, [784], 10);
    for (const arm of counts) for (const c of arm) expect(c.got).toBe(c.expected);
    // plain: 784·100 + 100; BN before: no bias, γ and β.
    expect(counts[0]![0]!.got).toBe(78_500);
    expect(counts[1]![0]!.got).toBe(78_600);
    expect(counts[1]![1]!.got).toBe(100 * 100 + 200);
  });

  it('matches the engine for a CNN, BN after the nonlinearity keeping its bias', () => {
    const counts = engineCounts(
      { arms: [{ norm: 'none' }, { norm: 'batch' }], model: { kind: 'cnn', depth: 3, width: 8 }, normalization: { placement: 'after' } },
      [28, 28, 1],
      10,
    );
    for (const arm of counts) for (const c of arm) expect(c.got).toBe(c.expected);
    expect(counts[0]![0]!.got).toBe(9 * 1 * 8 + 8);
    expect(counts[1]![1]!.got).toBe(9 * 8 * 8 + 8 + 16);
  });

  it('is zero for a layer that does not exist', () => {
    expect(layerParams({ params: [] }, 0).total).toBe(0);
  });
});

describe('layoutNetwork', () => {
  it('puts one row per arm: input, then per layer its blocks, then the softmax', () => {
    const l = layoutNetwork(mlpSpec(3), 2000);
    expect(l.lines).toBe(1);
    expect(l.scale).toBe(1);
    const bn = l.blocks.filter((b) => b.arm === 1).map((b) => b.label);
    expect(bn).toEqual(['784', 'dense 100', 'BN', 'σ', 'dense 100', 'BN', 'σ', 'dense 100', 'BN', 'σ', 'softmax 10']);
    const plain = l.blocks.filter((b) => b.arm === 0).map((b) => b.kind);
    expect(plain).toEqual(['input', 'layer', 'act', 'layer', 'act', 'layer', 'act', 'output']);
    // One arrow between consecutive blocks of each row.
    expect(l.arrows.length).toBe(bn.length - 1 + plain.length - 1);
    for (const a of l.arrows) expect(a.x2).toBeGreaterThan(a.x1);
  });

  it('aligns the activation of a plain arm with the normalized arm\'s, leaving the normalization slot empty', () => {
    const l = layoutNetwork(mlpSpec(1), 2000);
    const act = (arm: number) => l.blocks.find((b) => b.arm === arm && b.kind === 'act')!;
    expect(act(0).x).toBe(act(1).x);
    const after = layoutNetwork(mlpSpec(1, [{ name: 'plain', norm: 'none', placement: 'after' }, { name: 'LN', norm: 'layer', placement: 'after' }]), 2000);
    const ln = after.blocks.filter((b) => b.arm === 1).map((b) => b.label);
    expect(ln).toEqual(['784', 'dense 100', 'σ', 'LN', 'softmax 10']);
    const actAfter = (arm: number) => after.blocks.find((b) => b.arm === arm && b.kind === 'act')!;
    expect(actAfter(0).x).toBe(actAfter(1).x);
  });

  it('gives each layer one column that contains its blocks in every arm', () => {
    const l = layoutNetwork(mlpSpec(4, [{ name: 'a', norm: 'none' }, { name: 'b', norm: 'batch' }, { name: 'c', norm: 'layer' }, { name: 'd', norm: 'batch' }]), 1200);
    expect(l.columns.map((c) => c.layer)).toEqual([0, 1, 2, 3]);
    for (const b of l.blocks.filter((b) => b.layer !== undefined)) {
      const c = l.columns[b.layer!]!;
      expect(b.x).toBeGreaterThanOrEqual(c.x);
      expect(b.x + b.width).toBeLessThanOrEqual(c.x + c.width);
      expect(b.y).toBeGreaterThanOrEqual(c.y);
      expect(b.y + b.height).toBeLessThanOrEqual(c.y + c.height);
    }
  });

  it('wraps a deep net onto balanced lines that fit the width', () => {
    const l = layoutNetwork(mlpSpec(8), 640);
    expect(l.lines).toBeGreaterThan(1);
    expect(l.perLine * l.lines).toBeGreaterThanOrEqual(8);
    expect(l.perLine * (l.lines - 1)).toBeLessThan(8);
    expect(l.width * l.scale).toBeLessThanOrEqual(640 + 1e-9);
    // Balanced: no line has fewer than perLine − 1 layers.
    const perLineCounts = Array.from({ length: l.lines }, (_, k) => l.columns.filter((c) => Math.floor(c.layer / l.perLine) === k).length);
    expect(Math.min(...perLineCounts)).toBeGreaterThanOrEqual(l.perLine - 1);
    // Later lines continue (⋯) instead of repeating the input; only the last ends in the softmax.
    expect(l.blocks.filter((b) => b.kind === 'input').length).toBe(2);
    expect(l.blocks.filter((b) => b.kind === 'output').length).toBe(2);
    expect(l.height).toBeGreaterThan(layoutNetwork(mlpSpec(8), 4000).height);
  });

  it('scales down when even one layer per line is too wide, and never overlaps blocks in a row', () => {
    const l = layoutNetwork(mlpSpec(3), 200);
    expect(l.perLine).toBe(1);
    expect(l.scale).toBeLessThan(1);
    expect(l.width * l.scale).toBeCloseTo(200, 6);
    for (const arm of [0, 1]) {
      const row = l.blocks.filter((b) => b.arm === arm).sort((p, q) => p.y - q.y || p.x - q.x);
      for (let i = 1; i < row.length; i++) if (row[i]!.y === row[i - 1]!.y) expect(row[i]!.x).toBeGreaterThanOrEqual(row[i - 1]!.x + row[i - 1]!.width);
    }
  });

  it('handles a single arm, a CNN input and long names', () => {
    const l = layoutNetwork(
      {
        arms: [{ name: 'a very long arm label that goes on', norm: 'layer', placement: 'before' }],
        layers: [{ kind: 'conv', units: 16, stride: 1, outShape: [28, 28, 16] }, { kind: 'conv', units: 16, stride: 2, outShape: [14, 14, 16] }],
        inputShape: [28, 28, 1],
        numClasses: 10,
        activation: 'relu',
      },
      900,
    );
    expect(l.names.length).toBe(l.lines);
    expect(l.names[0]!.truncated).toBe(true);
    expect(l.blocks.map((b) => b.label)).toEqual(['28×28×1', 'conv 3×3·16', 'LN', 'ReLU', 'conv 3×3·16 /2', 'LN', 'ReLU', 'softmax 10']);
    const widest = l.blocks.find((b) => b.label === 'conv 3×3·16 /2')!;
    expect(widest.width).toBeGreaterThanOrEqual('conv 3×3·16 /2'.length * 7);
  });
});
