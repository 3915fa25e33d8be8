import type { Tensor } from '../tf';
import { PercentileSelector, extentOf, type ValueExtent } from './percentiles';
import type { Readback, ReadbackCollector } from './readback';
import { PERCENTILES, type DistributionSummary, type LayerDistributions } from './types';

// Kept here too for the engine's users; defined in the tensor-free types module so the page can use it without
// loading TensorFlow.js on the main thread.
export { PERCENTILES };

/**
 * A nonlinearity input's distributions, summarized on the CPU from its raw values. The device only runs the forward
 * pass; the values come back in the probe's one read-back, and the sorting-type work happens here, where it is
 * cheap: on wasm the on-device percentiles (a full TopK sort of every row) were the largest part of a probe (~41 ms
 * of an ioffe-mnist batch-norm arm's 155 ms), and selecting 10 ranks takes linear time (percentiles.ts).
 *
 * The numbers are those the on-device summaries gave, bit for bit where it matters: percentile interpolation and
 * histogram binning repeat the float32 arithmetic of the kernels they replace (a float32 operation is the correctly
 * rounded double one, so Math.fround after each operation reproduces it), while means and standard deviations now
 * accumulate in float64 instead of float32, which can change their last float32 digits (the float32 sums were the
 * less exact: up to ~1e-4 apart on a convolution's 800,000 values).
 */

/**
 * The histogram column of a value: `bins` equal bins over [−range, range) are columns 1…bins, column 0 is
 * underflow and bins + 1 overflow. The index is ⌊(v + range)/width⌋ + 1 in float32, as the device computed it, so a
 * value on a bin edge lands where it always did; NaN goes to column 0, where the device's clip-and-cast put it.
 * (The definition; `histogramEdges` gives the same columns faster.)
 */
export function histogramColumn(v: number, bins: number, range32: number, width32: number): number {
  const k = Math.floor(Math.fround(Math.fround(v + range32) / width32)) + 1;
  if (!(k > 0)) return 0;
  return k > bins + 1 ? bins + 1 : k;
}

const floatBits = new Float32Array(1);
const floatKey = new Uint32Array(floatBits.buffer);
/** The float32 at position `key` in the order of all float32 values: −∞ is key 0x007FFFFF, +∞ is 0xFF800000. */
function floatAtKey(key: number): number {
  floatKey[0] = key >= 0x80000000 ? key - 0x80000000 : 0xffffffff - key;
  return floatBits[0]!;
}

/**
 * edges[c]: the smallest float32 whose histogramColumn is c or more (edges[0] = −∞), found by bisecting the ordered
 * float32 values (the column is monotone in v). A value's column is then the last c with edges[c] ≤ v: a guess in
 * double precision, corrected by comparisons, instead of two float32 roundings and a division per value, which
 * were a fifth of summarizing a layer.
 */
export function histogramEdges(bins: number, range: number): Float64Array {
  const range32 = Math.fround(range);
  const width32 = Math.fround((2 * range) / bins);
  const edges = new Float64Array(bins + 2);
  edges[0] = -Infinity;
  for (let c = 1; c <= bins + 1; c++) {
    let lo = 0x007fffff;
    let hi = 0xff800000;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (histogramColumn(floatAtKey(mid), bins, range32, width32) >= c) hi = mid;
      else lo = mid + 1;
    }
    edges[c] = floatAtKey(lo);
  }
  return edges;
}

/**
 * Summarizes the raw values of a nonlinearity input, `z` flattened row-major from [samples…, units] (a dense
 * layer's [batch, units] or a convolution's [batch, h, w, channels]): over the whole layer pooled and per unit
 * (channel), the percentiles, mean, standard deviation (biased, as tf.moments) and histogram.
 *
 * Five linear passes: one over `z` that copies it unit-major and accumulates each unit's histogram, extent and
 * moments; then per unit, and pooled, the two passes of a percentile selection. The moments are float64 sums of
 * x − x₀ and (x − x₀)², x₀ the unit's first value (a shift by a sample keeps the subtraction of the two sums from
 * cancelling); the pooled ones combine the units' exactly: SS = Σ_k SS_k + m_k (μ_k − μ)².
 */
export function summarizeDistributions(z: Float32Array, units: number, bins: number, range: number): LayerDistributions {
  const n = z.length;
  const samples = n / units;
  if (!Number.isInteger(samples) || samples === 0) throw new Error(`distributions: ${n} values do not split into ${units} units`);
  const cols = bins + 2;
  const edges = histogramEdges(bins, range);
  const perWidth = bins / (2 * range);
  // Unit-major first (a pure copy), so that each unit's pass below reads contiguous memory and keeps its sums in
  // registers: faster than accumulating every unit's sums in one row-major pass.
  const byUnit = new Float32Array(n);
  for (let s = 0, i = 0; s < samples; s++) for (let k = 0; k < units; k++, i++) byUnit[k * samples + s] = z[i]!;
  const unitHist = new Float32Array(units * cols);
  const unitMean = new Float32Array(units);
  const unitStd = new Float32Array(units);
  const unitPercentiles = new Float32Array(units * PERCENTILES.length);
  const pooledHist = new Float32Array(cols);
  const perUnit = new PercentileSelector(samples);
  const means = new Float64Array(units);
  const squares = new Float64Array(units);
  const pooledExtent: ValueExtent = { min: Infinity, max: -Infinity, nan: 0 };
  for (let k = 0; k < units; k++) {
    const column = byUnit.subarray(k * samples, (k + 1) * samples);
    const base = k * cols;
    const x0 = Number.isFinite(column[0]!) ? column[0]! : 0;
    let s1 = 0;
    let s2 = 0;
    let min = Infinity;
    let max = -Infinity;
    let nan = 0;
    for (let s = 0; s < samples; s++) {
      const v = column[s]!;
      // histogramColumn(v): NaN in column 0; else the guess ⌊(v + range)/width⌋ + 1, corrected against the edges.
      let c = 0;
      if (v === v) {
        const t = (v + range) * perWidth + 1;
        c = t >= cols - 1 ? cols - 1 : t > 0 ? t | 0 : 0;
        while (c < cols - 1 && v >= edges[c + 1]!) c++;
        while (c > 0 && v < edges[c]!) c--;
        if (v < min) min = v;
        if (v > max) max = v;
      } else nan++;
      unitHist[base + c]!++;
      const d = v - x0;
      s1 += d;
      s2 += d * d;
    }
    // ±∞ are not part of the extent (it scales the selection's bins); a selection puts them at the ends anyway.
    if (min === -Infinity || max === Infinity) ({ min, max } = extentOf(column));
    means[k] = x0 + s1 / samples;
    squares[k] = Math.max(0, s2 - (s1 * s1) / samples);
    unitMean[k] = means[k]!;
    unitStd[k] = Math.sqrt(squares[k]! / samples);
    for (let c = 0; c < cols; c++) pooledHist[c]! += unitHist[base + c]!;
    perUnit.into(column, unitPercentiles, k * PERCENTILES.length, { min, max, nan });
    pooledExtent.min = Math.min(pooledExtent.min, min);
    pooledExtent.max = Math.max(pooledExtent.max, max);
    pooledExtent.nan += nan;
  }
  const pooledMean = means.reduce((a, m) => a + m, 0) / units;
  let pooledSquares = 0;
  for (let k = 0; k < units; k++) pooledSquares += squares[k]! + samples * (means[k]! - pooledMean) ** 2;
  const pooledPercentiles = new Float32Array(PERCENTILES.length);
  new PercentileSelector(n).into(byUnit, pooledPercentiles, 0, pooledExtent);
  const pooled: DistributionSummary = {
    percentiles: pooledPercentiles,
    mean: Math.fround(pooledMean),
    std: Math.fround(Math.sqrt(pooledSquares / n)),
    histogram: pooledHist.slice(1, bins + 1),
    underflow: pooledHist[0]!,
    overflow: pooledHist[bins + 1]!,
  };
  return { pooled, units: { percentiles: unitPercentiles, mean: unitMean, std: unitStd, histogram: unitHist } };
}

/**
 * The distributions measurement: registers the raw values of a nonlinearity input `z` ([batch, units] or
 * [batch, h, w, channels]) under `name` and returns the reader that summarizes them after the read-back.
 */
export function measureDistributions(c: ReadbackCollector, name: string, z: Tensor, bins: number, range: number): (r: Readback) => LayerDistributions {
  const units = z.shape[z.rank - 1]!;
  c.put(name, z);
  return (r) => summarizeDistributions(r.view(name), units, bins, range);
}
