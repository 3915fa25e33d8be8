import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { PERCENTILES, rowHistograms, rowPercentiles, unitsBySamples } from './distribution';
import { randomArray } from '../testing/normChecks';
import { percentileReference } from '../testing/reference';

describe.each(['cpu', 'wasm'])('on-device distribution summaries (%s)', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('percentiles of each row match the float64 linear-interpolation reference', () => {
    const rows = 3;
    const n = 101;
    const data = randomArray(rows * n, 3, 2, 1);
    const got = rowPercentiles(tf.tensor2d(data, [rows, n])).dataSync();
    for (let r = 0; r < rows; r++) {
      const row = data.subarray(r * n, (r + 1) * n);
      PERCENTILES.forEach((p, q) => expect(got[r * PERCENTILES.length + q]).toBeCloseTo(percentileReference(row, p), 5));
    }
  });

  it('percentiles interpolate between ranks on an even count', () => {
    // Sorted 0..9: the 15th percentile sits at position 1.35 → 1.35; the 50th at 4.5.
    const got = rowPercentiles(tf.tensor2d([[9, 3, 0, 7, 1, 8, 2, 6, 4, 5]])).dataSync();
    expect(got[1]).toBeCloseTo(1.35, 5);
    expect(got[2]).toBeCloseTo(4.5, 5);
  });

  it('histograms count each value once, with underflow and overflow apart', () => {
    const values = [-9, -8, -0.1, 0, 0.49, 0.5, 7.99, 8, 100];
    const h = rowHistograms(tf.tensor2d([values]), 16, 8).dataSync();
    // Bins of width 1 over [−8, 8): column 0 is underflow, 1..16 the bins, 17 overflow.
    expect(h.length).toBe(18);
    expect(h[0]).toBe(1); // −9
    expect(h[1]).toBe(1); // −8 opens the first bin
    expect(h[8]).toBe(1); // −0.1 in [−1, 0)
    expect(h[9]).toBe(3); // 0, 0.49, 0.5 in [0, 1)
    expect(h[16]).toBe(1); // 7.99
    expect(h[17]).toBe(2); // 8 and 100
    expect(Array.from(h).reduce((a, b) => a + b, 0)).toBe(values.length);
  });

  it('views [batch, h, w, channels] as one row per channel', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i % 3), [2, 2, 2, 3]);
    const rows = unitsBySamples(x);
    expect(rows.shape).toEqual([3, 8]);
    expect(Array.from(rows.dataSync().slice(8, 16))).toEqual(new Array(8).fill(1));
  });
});
