import { summarizeDistributions } from '../probes/distribution';
import { PERCENTILES, type LayerDistributions } from '../probes/types';
import { FastKernels, kernelsSupported } from './kernels';

/**
 * The probe's distribution summaries in WebAssembly (summaries.c): the numbers of summarizeDistributions
 * (probes/distribution.ts) bit for bit, several times faster; on a CNN layer (50,176 samples × 16 channels) the
 * JavaScript was the largest part of a probe. summaries.test.ts holds the two to equality.
 */

/** The most percentiles summaries.c takes (MAX_PERCENTILES), and the most histogram bins this wrapper gives it. */
const MAX_PERCENTILES = 16;
const MAX_BINS = 1 << 15;

/**
 * One region of the module's memory for the summaries, laid out for the largest call so far: the module's memory
 * only grows (its allocator never frees), so a region is replaced only when a call needs more than it holds.
 */
interface SummaryRegion {
  ptr: number;
  bytes: number;
}
const regions = new WeakMap<FastKernels, SummaryRegion>();

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** PercentileSelector's ranks and float32 weights for lists of n values (percentiles.ts, its constructor). */
function percentilePlan(n: number, percentiles: readonly number[]): { lo: number[]; hi: number[]; weight: number[] } {
  const lo: number[] = [];
  const hi: number[] = [];
  const weight: number[] = [];
  for (const p of percentiles) {
    const pos = (p / 100) * (n - 1);
    const l = Math.floor(pos);
    lo.push(l);
    hi.push(Math.min(l + 1, n - 1));
    weight.push(Math.fround(pos - l));
  }
  return { lo, hi, weight };
}

/**
 * summarizeDistributions on `kernels`' module: `z` is [samples…, units] row-major; the result has the same shape and
 * the same numbers (NaN results are NaN, their payload unpromised). `z` may be a view of the module's own memory,
 * which saves its copy.
 */
export function summarizeInWasm(kernels: FastKernels, z: Float32Array, units: number, bins: number, range: number): LayerDistributions {
  const n = z.length;
  const samples = n / units;
  if (!Number.isInteger(samples) || samples === 0) throw new Error(`distributions: ${n} values do not split into ${units} units`);
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`distributions: ${bins} histogram bins`);
  const P = PERCENTILES.length;
  // The histogram's float32 bounds, as histogramColumn takes them.
  const range32 = Math.fround(range);
  const width32 = Math.fround((2 * range) / bins);
  // What summaries.c is built for: a positive, finite range and bin width, a sane number of bins. Anything else (no
  // configuration asks for it) is summarized by the definition.
  if (!(range32 > 0 && range32 < Infinity && width32 > 0 && width32 < Infinity && bins <= MAX_BINS && P <= MAX_PERCENTILES)) {
    return summarizeDistributions(z, units, bins, range);
  }
  const k = kernels.k;
  const cols = bins + 2;
  const outFloats = units * cols + 2 * units + units * P + cols + P + 2;
  const planInts = 1 + 4 * P;
  const inModule = z.buffer === k.memory.buffer;
  // Sized before any growth: growing the memory detaches a view of it, but keeps its bytes where they were.
  const zPtr = inModule ? z.byteOffset : 0;
  const zBytes = inModule ? 0 : align16(4 * n);
  const wsBytes = k.summaries_workspace_bytes(samples, units, bins, range32) >>> 0;
  const bytes = zBytes + align16(4 * outFloats) + align16(4 * planInts) + align16(4 * 2 * P) + wsBytes;
  let region = regions.get(kernels);
  if (!region || region.bytes < bytes) {
    region = { ptr: kernels.alloc(bytes / 4), bytes };
    regions.set(kernels, region);
  }
  const zAt = inModule ? zPtr : region.ptr;
  const outAt = region.ptr + zBytes;
  const planAt = outAt + align16(4 * outFloats);
  const weightsAt = planAt + align16(4 * planInts);
  const wsAt = weightsAt + align16(4 * 2 * P);

  if (!inModule) kernels.f32(zAt, n).set(z);
  const unit = percentilePlan(samples, PERCENTILES);
  const pooled = percentilePlan(n, PERCENTILES);
  kernels.i32(planAt, planInts).set([P, ...unit.lo, ...unit.hi, ...pooled.lo, ...pooled.hi]);
  kernels.f32(weightsAt, 2 * P).set([...unit.weight, ...pooled.weight]);
  k.summarize_distributions(zAt, samples, units, bins, range32, width32, planAt, weightsAt, wsAt, outAt);

  const out = kernels.f32(outAt, outFloats);
  let at = 0;
  const take = (count: number) => out.slice(at, (at += count));
  const histogram = take(units * cols);
  const mean = take(units);
  const std = take(units);
  const percentiles = take(units * P);
  const pooledHist = take(cols);
  const pooledPercentiles = take(P);
  const [pooledMean, pooledStd] = take(2);
  return {
    pooled: {
      percentiles: pooledPercentiles,
      mean: pooledMean!,
      std: pooledStd!,
      histogram: pooledHist.slice(1, bins + 1),
      underflow: pooledHist[0]!,
      overflow: pooledHist[bins + 1]!,
    },
    units: { percentiles, mean, std, histogram },
  };
}

let shared: FastKernels | null | undefined;

/**
 * A module instance of its own for the summaries, made on first use (null where WebAssembly SIMD is missing, or the
 * module cannot be compiled yet): callers need not hold one. Its memory grows to the largest layer summarized.
 */
export function summaryKernels(): FastKernels | null {
  if (shared === undefined) {
    if (!kernelsSupported()) shared = null;
    else {
      try {
        shared = new FastKernels();
      } catch {
        // A page's main thread may refuse to compile the module synchronously until preloadKernels has compiled it:
        // JavaScript this time, and another try next time.
        return null;
      }
    }
  }
  return shared;
}

/** summarizeDistributions, in WebAssembly where it runs (the shared instance) and in JavaScript elsewhere. */
export function summarizeLayer(z: Float32Array, units: number, bins: number, range: number): LayerDistributions {
  const kernels = summaryKernels();
  return kernels ? summarizeInWasm(kernels, z, units, bins, range) : summarizeDistributions(z, units, bins, range);
}
