import { PERCENTILES } from './types';

/**
 * Percentiles on the CPU, exactly, in linear time: the probe reads a layer's raw values back and asks for 10 ranks
 * of each unit's values and of the whole layer's. On wasm the on-device way (a full TopK sort of every row) was the
 * largest part of a probe.
 */

/** Swaps two entries. */
function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function insertionSort(a: Float32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Quickselect for several ranks at once: ranks[rLo..rHi] (ascending) of a[lo..hi], which holds no NaN. */
function selectIn(a: Float32Array, lo: number, hi: number, ranks: readonly number[], rLo: number, rHi: number): void {
  while (rLo <= rHi) {
    if (hi - lo < 24) {
      insertionSort(a, lo, hi);
      return;
    }
    // Median of three (deterministic: no random pivot, so the same values always take the same path).
    const x = a[lo]!;
    const y = a[lo + ((hi - lo) >> 1)]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Hoare partition: both scans stop on values equal to the pivot, so runs of equal values split evenly.
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) swap(a, i++, j--);
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and a position strictly between j and i holds the pivot, already in place.
    let k = rLo;
    while (k <= rHi && ranks[k]! <= j) k++;
    let l = k;
    while (l <= rHi && ranks[l]! < i) l++;
    if (k > rLo) {
      if (l <= rHi) selectIn(a, i, hi, ranks, l, rHi);
      hi = j;
      rHi = k - 1;
    } else {
      lo = i;
      rLo = l;
    }
  }
}

/**
 * Rearranges `a` in place so that a[r] holds the value an ascending sort would put at each rank r of `ranks`
 * (NaNs last, as Float32Array.prototype.sort orders them). Expected time O(n) for a handful of ranks.
 */
export function selectRanks(a: Float32Array, ranks: readonly number[]): void {
  // NaN compares false with everything: move NaNs to the end first, where a sort puts them.
  let m = a.length;
  for (let i = 0; i < m; ) {
    const v = a[i]!;
    if (v !== v) swap(a, i, --m);
    else i++;
  }
  let usable = true;
  for (let i = 0; i < ranks.length; i++) if (ranks[i]! >= m || (i > 0 && ranks[i]! <= ranks[i - 1]!)) usable = false;
  const wanted = usable ? ranks : [...new Set(ranks)].filter((r) => r < m).sort((p, q) => p - q);
  selectIn(a, 0, m - 1, wanted, 0, wanted.length - 1);
}

/** Up to this many values a selection on a copy is as quick as narrowing down with a histogram first. */
const DIRECT_SELECTION = 32;
/** About this many values a bin, in the histogram that narrows a selection down, and at most this many bins. */
const VALUES_PER_BIN = 8;
const MAX_BINS = 8192;

/** The smallest and largest finite values of a list, and how many NaNs it holds. */
export interface ValueExtent {
  min: number;
  max: number;
  nan: number;
}

export function extentOf(values: Float32Array): ValueExtent {
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) nan++;
    else if (v > -Infinity && v < Infinity) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max, nan };
}

/**
 * Percentiles of lists of n values each, as numpy's default ('linear') gives them: position p/100·(n − 1),
 * interpolated between the two nearest ranks as a + (b − a)·w in float32, the arithmetic of the device kernels this
 * replaces. The ranks are planned once and the scratch memory reused, because a probe asks for a layer's
 * percentiles once pooled and once per unit: 100 lists of 500 values for an ioffe-mnist layer.
 *
 * Values at ranks are exact, found in two linear passes rather than by sorting or quickselect (whose unpredictable
 * branches made it the larger cost): a histogram over [min, max] locates the bin each rank falls in, and only those
 * bins' values (about 8 each) are gathered and sorted. The bin ⌊(v − min)·scale⌋, clamped, is monotone in v
 * (rounding is monotone; ±∞ land in the end bins), so a rank's value lies in the bin where the cumulative count
 * passes the rank. NaNs rank last, as in a sort.
 */
export class PercentileSelector {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private readonly weight: number[] = [];
  /** The distinct ranks needed, ascending; per rank, the bin it falls in and the rank that bin starts at. */
  private readonly ranks: number[];
  private readonly rankBin: Int32Array;
  private readonly rankBase: Int32Array;
  private readonly at: Float64Array;
  private readonly counts: Int32Array;
  /** Where a needed bin's values start in `gathered` (−1: a bin no rank falls in), and how many are in so far. */
  private readonly binStart: Int32Array;
  private readonly binFill: Int32Array;
  private readonly gathered: Float32Array;

  constructor(
    readonly n: number,
    private readonly percentiles: readonly number[] = PERCENTILES,
  ) {
    for (const p of percentiles) {
      const pos = (p / 100) * (n - 1);
      const l = Math.floor(pos);
      this.lo.push(l);
      this.hi.push(Math.min(l + 1, n - 1));
      // The on-device version held the weights in a float32 tensor.
      this.weight.push(Math.fround(pos - l));
    }
    this.ranks = [...new Set([...this.lo, ...this.hi])].sort((p, q) => p - q);
    this.rankBin = new Int32Array(this.ranks.length);
    this.rankBase = new Int32Array(this.ranks.length);
    this.at = new Float64Array(this.ranks.length);
    const bins = n <= DIRECT_SELECTION ? 0 : Math.min(MAX_BINS, Math.ceil(n / VALUES_PER_BIN));
    this.counts = new Int32Array(bins);
    this.binStart = new Int32Array(bins).fill(-1);
    this.binFill = new Int32Array(bins);
    this.gathered = new Float32Array(n);
  }

  /** The percentiles of `values` (n of them, left unchanged) into out[offset…]; `extent` if the caller has it. */
  into(values: Float32Array, out: Float32Array, offset = 0, extent?: ValueExtent): void {
    if (values.length !== this.n) throw new Error(`percentiles: ${values.length} values, planned for ${this.n}`);
    if (this.n === 0) {
      out.fill(NaN, offset, offset + this.percentiles.length);
      return;
    }
    const { min, max, nan } = extent ?? extentOf(values);
    // A short list, or one finite value at most (a constant layer): select on a copy.
    if (this.n <= DIRECT_SELECTION || !(max > min)) this.selectDirectly(values);
    else this.selectThroughHistogram(values, min, max, this.n - nan);
    const { ranks, at } = this;
    for (let q = 0; q < this.percentiles.length; q++) {
      const a = at[ranks.indexOf(this.lo[q]!)]!;
      const b = at[ranks.indexOf(this.hi[q]!)]!;
      out[offset + q] = Math.fround(a + Math.fround(Math.fround(b - a) * this.weight[q]!));
    }
  }

  private selectDirectly(values: Float32Array): void {
    const copy = this.gathered;
    copy.set(values);
    selectRanks(copy, this.ranks);
    this.ranks.forEach((r, i) => (this.at[i] = copy[r]!));
  }

  /** `m` values are not NaN. */
  private selectThroughHistogram(values: Float32Array, min: number, max: number, m: number): void {
    const { counts, binStart, binFill, gathered, ranks, rankBin, rankBase, at } = this;
    const bins = counts.length;
    const scale = bins / (max - min);
    const n = values.length;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      const x = (v - min) * scale;
      counts[x >= bins ? bins - 1 : x > 0 ? x | 0 : 0]!++;
    }
    // Each rank's bin and the rank that bin starts at (one sweep: the ranks ascend); room for the needed bins.
    let b = 0;
    let before = 0;
    let room = 0;
    for (let i = 0; i < ranks.length; i++) {
      const r = ranks[i]!;
      if (r >= m) {
        rankBin[i] = -1;
        continue;
      }
      while (before + counts[b]! <= r) before += counts[b++]!;
      rankBin[i] = b;
      rankBase[i] = before;
      if (binStart[b]! < 0) {
        binStart[b] = room;
        binFill[b] = 0;
        room += counts[b]!;
      }
    }
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      const x = (v - min) * scale;
      const bin = x >= bins ? bins - 1 : x > 0 ? x | 0 : 0;
      const start = binStart[bin]!;
      if (start >= 0) gathered[start + binFill[bin]!++] = v;
    }
    for (let i = 0; i < ranks.length; i++) {
      const bin = rankBin[i]!;
      if (bin < 0) {
        at[i] = NaN;
        continue;
      }
      const start = binStart[bin]!;
      // Sort each needed bin once (the first rank in it), then read every rank in it off the sorted run.
      if (i === 0 || rankBin[i - 1] !== bin) {
        const size = counts[bin]!;
        if (size <= 24) insertionSort(gathered, start, start + size - 1);
        else gathered.subarray(start, start + size).sort();
      }
      at[i] = gathered[start + ranks[i]! - rankBase[i]!]!;
    }
    for (let i = 0; i < ranks.length; i++) if (rankBin[i]! >= 0) binStart[rankBin[i]!] = -1;
  }
}

/** Percentiles of a list of values. */
export function percentilesOf(values: ArrayLike<number>, percentiles: readonly number[] = PERCENTILES): Float32Array {
  const out = new Float32Array(percentiles.length);
  new PercentileSelector(values.length, percentiles).into(Float32Array.from(values), out);
  return out;
}
