import type { Rng } from '../random';

/**
 * The GAN's data: a ring of Gaussians, the standard 2-D test of mode collapse (Metz et al. 2017, "Unrolled GANs";
 * Srivastava et al. 2017, VEEGAN). Mode k sits at radius·(cos 2πk/K, sin 2πk/K) with isotropic spread `std`.
 * A generator that covers the ring puts samples near every mode; a collapsed one piles them onto a few, or
 * smears them between modes where there is no data.
 */
export interface RingSpec {
  /** Number of Gaussians on the ring. */
  readonly modes: number;
  readonly radius: number;
  /** Standard deviation of each Gaussian, per coordinate. */
  readonly std: number;
}

export const DEFAULT_RING: RingSpec = { modes: 8, radius: 2, std: 0.05 };

/** The modes' centres, [x0, y0, x1, y1, …]. */
export function ringCentres(ring: RingSpec): Float64Array {
  const c = new Float64Array(ring.modes * 2);
  for (let k = 0; k < ring.modes; k++) {
    const a = (2 * Math.PI * k) / ring.modes;
    c[2 * k] = ring.radius * Math.cos(a);
    c[2 * k + 1] = ring.radius * Math.sin(a);
  }
  return c;
}

/** n points of the ring, interleaved [x, y, …]: each picks a mode uniformly, then adds its Gaussian noise. */
export function sampleRing(ring: RingSpec, n: number, rng: Rng): Float32Array {
  const centres = ringCentres(ring);
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const k = rng.int(ring.modes);
    out[2 * i] = centres[2 * k]! + ring.std * rng.normal();
    out[2 * i + 1] = centres[2 * k + 1]! + ring.std * rng.normal();
  }
  return out;
}

export interface CoverageOptions {
  /** A sample is of high quality when it lies within this many standard deviations of its nearest mode. */
  readonly sigmas: number;
  /**
   * A mode counts as covered when at least this share of all samples are high-quality samples of it. 1/32 is a
   * quarter of a fair share with 8 modes (16 of 512 samples): enough that a stray point or two does not count as
   * covering a mode, low enough that an uneven but complete ring still counts every mode.
   */
  readonly minShare: number;
}

export const DEFAULT_COVERAGE: CoverageOptions = { sigmas: 3, minShare: 1 / 32 };

export interface Coverage {
  /** How many of the ring's modes hold at least `minShare` of the samples as high-quality samples. */
  readonly modesCovered: number;
  /** The share of samples within `sigmas`·std of their nearest mode (VEEGAN's "high-quality samples"). */
  readonly highQuality: number;
  /** Per mode, the share of all samples that are high-quality samples of it. */
  readonly perMode: readonly number[];
}

/**
 * Mode coverage, as VEEGAN and PacGAN count it on this data: each sample goes to its nearest mode; it is of high
 * quality when within `sigmas` standard deviations of it; a mode is covered when enough samples are. Samples that
 * are not finite (a diverged generator) count as neither.
 */
export function modeCoverage(xy: ArrayLike<number>, ring: RingSpec, opts: CoverageOptions = DEFAULT_COVERAGE): Coverage {
  const centres = ringCentres(ring);
  const n = Math.floor(xy.length / 2);
  const counts = new Array<number>(ring.modes).fill(0);
  const limit2 = (opts.sigmas * ring.std) ** 2;
  let good = 0;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!;
    const y = xy[2 * i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    let best = 0;
    let bestD2 = Infinity;
    for (let k = 0; k < ring.modes; k++) {
      const dx = x - centres[2 * k]!;
      const dy = y - centres[2 * k + 1]!;
      const d2 = dx * dx + dy * dy;
      if (d2 < bestD2) {
        bestD2 = d2;
        best = k;
      }
    }
    if (bestD2 <= limit2) {
      counts[best]!++;
      good++;
    }
  }
  const perMode = counts.map((c) => (n > 0 ? c / n : 0));
  // A tiny tolerance so that exactly minShare·n samples (16 of 512) counts, whatever the rounding of 1/32·n.
  const modesCovered = perMode.filter((s) => s >= opts.minShare - 1e-12).length;
  return { modesCovered, highQuality: n > 0 ? good / n : 0, perMode };
}
