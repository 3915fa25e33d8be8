import { tf, type Tensor } from '../tf';

import { PERCENTILES, type LayerDistributions } from './types';

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

/**
 * A nonlinearity input's distributions, as tensors in the order `readDistributions` takes them back: over the whole
 * layer pooled (percentiles, [mean, std], histogram with under- and overflow) and per unit (channel, for a
 * convolution): percentiles, means, standard deviations, histograms. `z` is [batch, units] or [batch, h, w, channels].
 * Call it inside tf.tidy: it returns new tensors and leaves its intermediates to the caller's scope.
 */
export function distributionTensors(z: Tensor, bins: number, range: number): Tensor[] {
  const rows = unitsBySamples(z);
  const pooled = tf.reshape(rows, [1, -1]);
  const pooledMoments = tf.moments(pooled);
  const unitMoments = tf.moments(rows, 1);
  return [
    tf.reshape(rowPercentiles(pooled), [-1]),
    tf.stack([tf.reshape(pooledMoments.mean, []), tf.sqrt(tf.reshape(pooledMoments.variance, []))]),
    tf.reshape(rowHistograms(pooled, bins, range), [-1]),
    tf.reshape(rowPercentiles(rows), [-1]),
    tf.reshape(unitMoments.mean, [-1]),
    tf.reshape(tf.sqrt(unitMoments.variance), [-1]),
    tf.reshape(rowHistograms(rows, bins, range), [-1]),
  ];
}

/** Reads back what `distributionTensors` produced: `next` gives each of its tensors' values in turn. */
export function readDistributions(next: () => Float32Array, bins: number): LayerDistributions {
  const percentiles = next();
  const [mean, std] = next() as unknown as [number, number];
  const hist = next();
  const units = { percentiles: next(), mean: next(), std: next(), histogram: next() };
  return {
    pooled: { percentiles, mean, std, histogram: hist.slice(1, bins + 1), underflow: hist[0]!, overflow: hist[bins + 1]! },
    units,
  };
}
