import { describe, expect, it } from 'vitest';
import { histogramEdges, summarizeDistributions } from '../probes/distribution';
import type { DistributionSummary, LayerDistributions } from '../probes/types';
import { createRng, type Rng } from '../random';
import { FastKernels } from './kernels';
import { summarizeInWasm, summarizeLayer, summaryKernels } from './summaries';

/** Bit-for-bit equality of two float32 lists, any NaN equal to any NaN (summaries.c does not promise payloads). */
function sameFloats(what: string, a: Float32Array, b: Float32Array): void {
  expect(a.length, what).toBe(b.length);
  const ai = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const bi = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ai[i] === bi[i] || (a[i] !== a[i] && b[i] !== b[i])) continue;
    throw new Error(`${what}[${i}]: wasm ${a[i]} (0x${ai[i]!.toString(16)}), JavaScript ${b[i]} (0x${bi[i]!.toString(16)})`);
  }
}

function sameSummary(what: string, a: DistributionSummary, b: DistributionSummary): void {
  sameFloats(`${what} percentiles`, a.percentiles, b.percentiles);
  sameFloats(`${what} histogram`, a.histogram, b.histogram);
  sameFloats(`${what} mean, std, underflow, overflow`, Float32Array.of(a.mean, a.std, a.underflow, a.overflow), Float32Array.of(b.mean, b.std, b.underflow, b.overflow));
  // The JavaScript's numbers are float32 values (Math.fround): the comparison above saw all of each.
  for (const v of [b.mean, b.std]) if (v === v) expect(Math.fround(v)).toBe(v);
}

function sameLayer(what: string, wasm: LayerDistributions, js: LayerDistributions): void {
  sameSummary(`${what} pooled`, wasm.pooled, js.pooled);
  sameFloats(`${what} unit percentiles`, wasm.units.percentiles, js.units.percentiles);
  sameFloats(`${what} unit means`, wasm.units.mean, js.units.mean);
  sameFloats(`${what} unit stds`, wasm.units.std, js.units.std);
  sameFloats(`${what} unit histograms`, wasm.units.histogram, js.units.histogram);
}

const kernels = new FastKernels();

function check(what: string, z: Float32Array, units: number, bins = 48, range = 8): LayerDistributions {
  const js = summarizeDistributions(z, units, bins, range);
  const wasm = summarizeInWasm(kernels, z, units, bins, range);
  sameLayer(what, wasm, js);
  return wasm;
}

/** The float32 `steps` ulps from v (in the order of all float32 values). */
function ulps(v: number, steps: number): number {
  const f = Float32Array.of(v);
  const u = new Int32Array(f.buffer);
  const key = u[0]! < 0 ? -(u[0]! & 0x7fffffff) : u[0]!;
  const moved = key + steps;
  u[0] = moved < 0 ? -moved | 0x80000000 : moved;
  return f[0]!;
}

type Kind = 'normal' | 'saturating' | 'ties' | 'zeros' | 'edges' | 'wild' | 'degenerate' | 'outlier' | 'sorted' | 'huge' | 'tiny';

/**
 * A [samples, units] layer of one kind of values, each unit different: Gaussian with unit-dependent scale and shift,
 * or one of the awkward cases (ties, signed zeros, values on and beside bin edges, NaN and ±∞, constant units,
 * an outlier far from the rest, sorted runs, magnitudes near float32's largest and smallest).
 */
function layer(samples: number, units: number, kind: Kind, seed: number, bins = 48, range = 8): Float32Array {
  const rng: Rng = createRng(seed, `summaries-test-${kind}`);
  const z = new Float32Array(samples * units);
  const edges = histogramEdges(bins, range);
  const special = [NaN, Infinity, -Infinity, 0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -1.401298464324817e-45];
  for (let k = 0; k < units; k++) {
    const scale = 0.2 + 4 * rng.next();
    const shift = 6 * rng.normal();
    // degenerate: per unit, one of constant, constant with ±∞/NaN, all NaN, all ±∞, one finite value among infinities.
    const mode = k % 6;
    const c = Math.fround(shift);
    for (let s = 0; s < samples; s++) {
      const g = rng.normal();
      let v: number;
      switch (kind) {
        case 'normal': v = scale * g + shift; break;
        case 'saturating': v = 40 * g + (k % 2 ? 30 : -30); break;
        case 'ties': v = Math.round(scale * g); break;
        case 'zeros': v = rng.next() < 0.5 ? (rng.next() < 0.5 ? -0 : 0) : Math.max(0, scale * g); break;
        case 'edges': {
          const e = edges[1 + rng.int(bins + 1)]!;
          v = rng.next() < 0.6 ? e : ulps(e, rng.int(5) - 2);
          break;
        }
        case 'wild': {
          const u = rng.next();
          v = u < 0.15 ? special[rng.int(special.length)]! : u < 0.2 ? c : scale * g * 10 ** (rng.int(13) - 6);
          break;
        }
        case 'degenerate': {
          const u = rng.next();
          v = mode === 0 ? c
            : mode === 1 ? (u < 0.1 ? Infinity : u < 0.2 ? -Infinity : u < 0.3 ? NaN : c)
            : mode === 2 ? NaN
            : mode === 3 ? (u < 0.5 ? Infinity : -Infinity)
            : mode === 4 ? (s === 0 ? c : u < 0.5 ? Infinity : NaN)
            : u < 0.5 ? 0 : -0;
          break;
        }
        case 'outlier': v = s === samples >> 1 ? (k % 2 ? 1e30 : -1e30) : scale * g; break;
        case 'sorted': v = k % 2 ? s : samples - s; break;
        case 'huge': v = 3.4e38 * (2 * rng.next() - 1); break;
        case 'tiny': v = (rng.int(20) - 10) * 1.401298464324817e-45; break;
      }
      z[s * units + k] = v;
    }
  }
  return z;
}

const KINDS: Kind[] = ['normal', 'saturating', 'ties', 'zeros', 'edges', 'wild', 'degenerate', 'outlier', 'sorted', 'huge', 'tiny'];

describe('distribution summaries in WebAssembly', () => {
  it('equal the JavaScript bit for bit on an ioffe-mnist layer (500 × 100), every kind of values', () => {
    KINDS.forEach((kind, i) => check(`500×100 ${kind}`, layer(500, 100, kind, 10 + i), 100));
  });

  it('equal the JavaScript bit for bit on a CNN layer (64·28·28 × 16)', { timeout: 60_000 }, () => {
    check('50176×16 normal', layer(50176, 16, 'normal', 3), 16);
    check('50176×16 wild', layer(50176, 16, 'wild', 4), 16);
  });

  it('equal the JavaScript bit for bit on small and odd shapes, samples = 1 and units = 1 included', () => {
    const shapes: [number, number][] = [
      [1, 1], [1, 3], [1, 16], [2, 1], [3, 1], [2, 2], [5, 3], [7, 2], [31, 1], [32, 5], [33, 1], [33, 6],
      [64, 7], [100, 13], [250, 4], [257, 9], [1000, 1], [1000, 2], [2001, 3],
    ];
    for (const [samples, units] of shapes) {
      KINDS.forEach((kind, i) => check(`${samples}×${units} ${kind}`, layer(samples, units, kind, samples * 31 + units + i), units));
    }
  });

  it('equal the JavaScript bit for bit for other histograms, bin edges exactly and one ulp off', () => {
    for (const [bins, range] of [[16, 8], [10, 3], [7, 1.3], [200, 100], [1, 0.5], [3, 1e-40]] as const) {
      for (const kind of ['edges', 'normal', 'wild', 'tiny'] as const) {
        check(`${bins} bins over ±${range} ${kind}`, layer(300, 5, kind, bins, bins, range), 5, bins, range);
      }
    }
  });

  it('equal the JavaScript bit for bit on 300 random small layers, each unit a random mixture of the kinds', () => {
    const rng = createRng(2024, 'summaries-test-mixtures');
    for (let c = 0; c < 300; c++) {
      const samples = 1 + rng.int(rng.next() < 0.5 ? 40 : 400);
      const units = 1 + rng.int(12);
      const [bins, range] = ([[48, 8], [16, 8], [10, 3], [1, 2], [64, 0.01]] as const)[rng.int(5)]!;
      const z = new Float32Array(samples * units);
      for (let k = 0; k < units; k++) {
        const column = layer(samples, 1, KINDS[rng.int(KINDS.length)]!, c * 16 + k, bins, range);
        for (let s = 0; s < samples; s++) z[s * units + k] = column[s]!;
      }
      check(`case ${c}: ${samples}×${units}, ${bins} bins over ±${range}`, z, units, bins, range);
    }
  });

  it('hand-picked lists: NaN and ±∞ through the moments, constants, one finite value, signed zeros', () => {
    const lists: [string, number[], number][] = [
      ['mixed', [1, 2, 3, NaN, Infinity, -Infinity, 0.5, 4, 2, 1], 2],
      ['all NaN', [NaN, NaN, NaN, NaN], 1],
      ['all +∞', [Infinity, Infinity, Infinity], 1],
      ['−∞ and +∞', [-Infinity, Infinity, -Infinity, Infinity, NaN], 1],
      ['constant', Array.from({ length: 100 }, () => 0.1), 4],
      ['signed zeros', [-0, 0, -0, 0, -0, -0, 0, 0], 2],
      ['one value', [-7.25], 1],
      ['two values, tied', [3, 3], 1],
      ['largest and smallest', [3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, -1.401298464324817e-45, 0], 1],
      ['on the range ends', [-8, 8, -8.000001, 7.9999995, 8.000001], 1],
    ];
    for (const [what, values, units] of lists) check(what, Float32Array.from(values), units);
  });

  it('refuses values that do not split into the units, as the JavaScript does', () => {
    expect(() => summarizeInWasm(kernels, new Float32Array(7), 3, 16, 8)).toThrow(/7 values do not split into 3 units/);
    expect(() => summarizeInWasm(kernels, new Float32Array(0), 3, 16, 8)).toThrow(/0 values do not split into 3 units/);
  });

  it('reads a layer that already lies in the module\'s memory without copying it, to the same numbers', () => {
    const own = new FastKernels();
    const z = layer(500, 12, 'normal', 99);
    const ptr = own.alloc(z.length);
    own.f32(ptr, z.length).set(z);
    sameLayer('in place', summarizeInWasm(own, own.f32(ptr, z.length), 12, 48, 8), summarizeDistributions(z, 12, 48, 8));
  });

  it('lays its memory out once: repeated calls of the shapes seen so far do not grow it', () => {
    const own = new FastKernels();
    const shapes: [number, number][] = [[500, 100], [6272, 16], [64, 7], [500, 100]];
    const data = shapes.map(([s, u], i) => layer(s, u, 'normal', 200 + i));
    const round = () => shapes.forEach(([, u], i) => summarizeInWasm(own, data[i]!, u, 48, 8));
    round();
    const bytes = own.bytes;
    for (let r = 0; r < 5; r++) round();
    expect(own.bytes).toBe(bytes);
    // And the results stay right after reuse of the same memory.
    sameLayer('reused', summarizeInWasm(own, data[1]!, 16, 48, 8), summarizeDistributions(data[1]!, 16, 48, 8));
  });

  it('summarizeLayer uses one shared instance here, with the same numbers', () => {
    expect(summaryKernels()).toBe(summaryKernels());
    expect(summaryKernels()).not.toBeNull();
    const z = layer(500, 10, 'wild', 5);
    sameLayer('shared', summarizeLayer(z, 10, 48, 8), summarizeDistributions(z, 10, 48, 8));
  });
});
