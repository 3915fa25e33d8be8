import { describe, expect, it } from 'vitest';
import type { LayerDistributions, LayerProbe, ProbeSnapshot } from '../engine/probes/types';
import { transferables } from './protocol';

const distributions = (): LayerDistributions => ({
  pooled: { percentiles: new Float32Array(5), mean: 0, std: 1, histogram: new Float32Array(4), underflow: 0, overflow: 0 },
  units: { percentiles: new Float32Array(10), mean: new Float32Array(2), std: new Float32Array(2), histogram: new Float32Array(12) },
});

const layer = (inference: LayerDistributions | null): LayerProbe => ({ ...distributions(), inference, inputMean: 0, inputVariance: 1, gradNorm: 1, ics: { l2: 0, cos: 1 }, bn: null, inspect: null });

describe('transferables', () => {
  it('hands over both batch-norm modes’ arrays, each buffer once', () => {
    const inference = distributions();
    const snapshot = { step: 0, arms: [{ layers: [layer(inference)] }, { layers: [layer(null)] }] } as unknown as ProbeSnapshot;
    const buffers = transferables(snapshot);
    for (const a of [inference.pooled.percentiles, inference.pooled.histogram, inference.units.percentiles, inference.units.mean, inference.units.std, inference.units.histogram]) {
      expect(buffers).toContain(a.buffer);
    }
    // Two layers × six arrays in training mode, plus the six of the one inference mode.
    expect(buffers).toHaveLength(18);
    expect(new Set(buffers).size).toBe(buffers.length);
  });
});
