import type { InitScheme } from '../config/schema';
import type { Rng } from './random';

/**
 * Initial weights, drawn in JavaScript from the seeded generator (so every backend starts from the same bits).
 *   gaussian: N(0, scale²), Ioffe & Szegedy's "small random Gaussian values" for MNIST;
 *   glorot:   N(0, scale² · 2/(fanIn + fanOut))   (Glorot & Bengio 2010, normal variant);
 *   he:       N(0, scale² · 2/fanIn)              (He et al. 2015, for ReLU).
 */
export function initStd(scheme: InitScheme, scale: number, fanIn: number, fanOut: number): number {
  switch (scheme) {
    case 'gaussian':
      return scale;
    case 'glorot':
      return scale * Math.sqrt(2 / (fanIn + fanOut));
    case 'he':
      return scale * Math.sqrt(2 / fanIn);
  }
}

export function gaussianArray(n: number, std: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = std * rng.normal();
  return out;
}
