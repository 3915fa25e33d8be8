import { tf, type Tensor } from '../tf';

import { PERCENTILES } from './types';

// Kept here too for the engine's users; defined in the tensor-free types module so the page can use it without
// loading TensorFlow.js on the main thread.
export { PERCENTILES };

/**
 * Percentiles of each row of a [rows, n] tensor, computed on the device: sort by top-k, then interpolate
 * linearly between the two nearest ranks (numpy's default), position p/100·(n − 1). Returns [rows, 5].
 */
export function rowPercentiles(x: Tensor, percentiles: readonly number[] = PERCENTILES): Tensor {
  return tf.tidy(() => {
    const n = x.shape[1]!;
    // top-k sorts descending; sorting −x and negating back gives ascending order.
    const ascending = tf.neg(tf.topk(tf.neg(x), n, true).values);
    const lo: number[] = [];
    const hi: number[] = [];
    const frac: number[] = [];
    for (const p of percentiles) {
      const pos = (p / 100) * (n - 1);
      const l = Math.floor(pos);
      lo.push(l);
      hi.push(Math.min(l + 1, n - 1));
      frac.push(pos - l);
    }
    const a = tf.gather(ascending, tf.tensor1d(lo, 'int32'), 1);
    const b = tf.gather(ascending, tf.tensor1d(hi, 'int32'), 1);
    return tf.add(a, tf.mul(tf.sub(b, a), tf.tensor1d(frac)));
  });
}

/**
 * Fixed-bin histograms of each row of [rows, n]: `bins` equal bins over [−range, range), plus an underflow
 * column first and an overflow column last. Returns [rows, bins + 2] counts (float32).
 */
export function rowHistograms(x: Tensor, bins: number, range: number): Tensor {
  return tf.tidy(() => {
    const width = (2 * range) / bins;
    // Bin index + 1, clipped so that underflow lands in column 0 and overflow in column bins + 1.
    const idx = tf.cast(tf.clipByValue(tf.add(tf.floor(tf.div(tf.add(x, range), width)), 1), 0, bins + 1), 'int32');
    return tf.cast(tf.denseBincount(idx as tf.Tensor2D, [], bins + 2), 'float32');
  });
}

/** Views an activation tensor ([batch, units] or [batch, h, w, channels]) as [units, samples]. */
export function unitsBySamples(x: Tensor): Tensor {
  return tf.tidy(() => {
    const units = x.shape[x.rank - 1]!;
    return tf.transpose(tf.reshape(x, [-1, units]));
  });
}
