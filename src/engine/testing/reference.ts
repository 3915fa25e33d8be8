/**
 * Independent float64 references for the engine's numerics, written in plain JavaScript loops with no tfjs.
 * The backward uses the compact closed form
 *   ∂ℓ/∂x_i = (γ / (m √(σ²+ε))) · (m ∂ℓ/∂y_i − Σ_j ∂ℓ/∂y_j − x̂_i Σ_j ∂ℓ/∂y_j x̂_j),
 * not the step-by-step §3 chain rule the engine uses, so the two can disagree if either is wrong.
 */
export interface NormReference {
  y: Float64Array;
  xHat: Float64Array;
  mean: Float64Array;
  variance: Float64Array;
  dx: Float64Array;
  dGamma: Float64Array;
  dBeta: Float64Array;
}

/**
 * Normalizes `x` viewed as [groups, m, channels]-like data through an index map: `groupOf(i)` names the statistic
 * element i belongs to, `channelOf(i)` its γ/β entry.
 */
export function normReference(
  x: ArrayLike<number>,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  dy: ArrayLike<number>,
  groupOf: (i: number) => number,
  numGroups: number,
  channelOf: (i: number) => number,
  epsilon: number,
): NormReference {
  const n = x.length;
  const count = new Float64Array(numGroups);
  const mean = new Float64Array(numGroups);
  const variance = new Float64Array(numGroups);
  for (let i = 0; i < n; i++) {
    count[groupOf(i)]! += 1;
    mean[groupOf(i)]! += x[i]!;
  }
  for (let g = 0; g < numGroups; g++) mean[g]! /= count[g]!;
  for (let i = 0; i < n; i++) {
    const d = x[i]! - mean[groupOf(i)]!;
    variance[groupOf(i)]! += d * d;
  }
  for (let g = 0; g < numGroups; g++) variance[g]! /= count[g]!;
  const xHat = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf(i);
    xHat[i] = (x[i]! - mean[g]!) / Math.sqrt(variance[g]! + epsilon);
    y[i] = gamma[channelOf(i)]! * xHat[i]! + beta[channelOf(i)]!;
  }
  const numChannels = gamma.length;
  const dGamma = new Float64Array(numChannels);
  const dBeta = new Float64Array(numChannels);
  const sumDxhat = new Float64Array(numGroups);
  const sumDxhatXhat = new Float64Array(numGroups);
  for (let i = 0; i < n; i++) {
    const c = channelOf(i);
    dGamma[c]! += dy[i]! * xHat[i]!;
    dBeta[c]! += dy[i]!;
    const dxh = dy[i]! * gamma[c]!;
    sumDxhat[groupOf(i)]! += dxh;
    sumDxhatXhat[groupOf(i)]! += dxh * xHat[i]!;
  }
  const dx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = groupOf(i);
    const m = count[g]!;
    const dxh = dy[i]! * gamma[channelOf(i)]!;
    dx[i] = (m * dxh - sumDxhat[g]! - xHat[i]! * sumDxhatXhat[g]!) / (m * Math.sqrt(variance[g]! + epsilon));
  }
  return { y, xHat, mean, variance, dx, dGamma, dBeta };
}

/**
 * ‖a − b‖₂ / ‖b‖₂, the error measure the numerics tests bound; ‖b‖₂ is taken as at least `floor` (a quantity whose
 * true value is zero holds only rounding noise, which no two summation orders share).
 */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-30): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), floor);
}

/** Linear-interpolation percentile of sorted-on-the-fly float64 values (numpy's default method). */
export function percentileReference(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
