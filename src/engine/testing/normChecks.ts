import { expect, it } from 'vitest';
import { tf, type Tensor } from '../tf';
import { createRng } from '../random';
import { normReference, relativeError } from './reference';

type NormFn = (x: Tensor, gamma: Tensor, beta: Tensor, opts: { epsilon: number }) => Tensor;

export function randomArray(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const rng = createRng(seed, 'test');
  return Float32Array.from({ length: n }, () => shift + scale * rng.normal());
}

/**
 * Random inputs for a [batch, …, channels] tensor with features on very different scales, and the float64
 * reference of the normalization whose statistic groups are given by `groupOf`.
 */
export function normCase(shape: number[], seed: number, groupOf: (i: number) => number, numGroups: number, epsilon = 1e-5) {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = shape[shape.length - 1]!;
  const x = randomArray(n, seed, 3, 2).map((v, i) => v * (1 + (i % c)) - (i % c));
  const gamma = randomArray(c, seed + 1, 0.5, 1);
  const beta = randomArray(c, seed + 2);
  const dy = randomArray(n, seed + 3);
  const ref = normReference(x, gamma, beta, dy, groupOf, numGroups, (i) => i % c, epsilon);
  return { x, gamma, beta, dy, ref, c, epsilon };
}

/** Group norm's statistic sets on an NHWC (or [N, F]) tensor: element i belongs to set n·G + ⌊c/(C/G)⌋. */
export function groupStatisticOf(shape: readonly number[], groups: number): (i: number) => number {
  const c = shape[shape.length - 1]!;
  const perExample = shape.slice(1).reduce((a, b) => a * b, 1);
  return (i) => Math.floor(i / perExample) * groups + Math.floor((i % c) / (c / groups));
}

/** A normalization's y and the gradients of ℓ = Σ y·dy, read back, with every tensor disposed. */
export function runNorm(norm: (x: Tensor, gamma: Tensor, beta: Tensor) => Tensor, shape: number[], x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, dy: ArrayLike<number>) {
  const inputs = [tf.tensor(Float32Array.from(x), shape), tf.tensor1d(Float32Array.from(gamma)), tf.tensor1d(Float32Array.from(beta))];
  const dyT = tf.tensor(Float32Array.from(dy), shape);
  const { value, grads } = tf.valueAndGrads((a: Tensor, g: Tensor, b: Tensor) => tf.sum(tf.mul(norm(a, g, b), dyT)))(inputs);
  const y = tf.tidy(() => norm(inputs[0]!, inputs[1]!, inputs[2]!));
  const out = { y: y.dataSync(), dx: grads[0]!.dataSync(), dGamma: grads[1]!.dataSync(), dBeta: grads[2]!.dataSync() };
  tf.dispose([value, y, dyT, ...grads, ...inputs]);
  return out;
}

/**
 * The numerics every normalization must pass: forward and γ, β, x gradients against the float64 reference,
 * the custom gradient against autodiff of `plain` (the same formula from plain ops) and against central
 * finite differences.
 */
export function normNumericsSuite(norm: NormFn, plain: NormFn, shape: number[], groupOf: (i: number) => number, numGroups: number): void {
  const make = (seed: number) => normCase(shape, seed, groupOf, numGroups);
  const lossOf = (fn: NormFn, dyT: Tensor, epsilon: number) => (a: Tensor, b: Tensor, c: Tensor) => tf.sum(tf.mul(fn(a, b, c, { epsilon }), dyT));
  const tensors = (x: Float32Array, g: Float32Array, b: Float32Array) => [tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b)];

  it('forward matches the float64 reference (relative error ≤ 1e-5)', () => {
    const { x, gamma, beta, ref, epsilon } = make(11);
    const inputs = tensors(x, gamma, beta);
    const y = norm(inputs[0]!, inputs[1]!, inputs[2]!, { epsilon });
    expect(y.shape).toEqual(shape);
    expect(relativeError(y.dataSync(), ref.y)).toBeLessThan(1e-5);
    tf.dispose([y, ...inputs]);
  });

  it('x, γ and β gradients of the custom backward match the float64 reference (relative error ≤ 1e-5)', () => {
    const { x, gamma, beta, dy, ref, epsilon } = make(12);
    const dyT = tf.tensor(dy, shape);
    const inputs = tensors(x, gamma, beta);
    const [dx, dg, db] = tf.grads(lossOf(norm, dyT, epsilon))(inputs);
    expect(relativeError(dx!.dataSync(), ref.dx)).toBeLessThan(1e-5);
    expect(relativeError(dg!.dataSync(), ref.dGamma)).toBeLessThan(1e-5);
    expect(relativeError(db!.dataSync(), ref.dBeta)).toBeLessThan(1e-5);
    tf.dispose([dx!, dg!, db!, dyT, ...inputs]);
  });

  it('custom backward agrees with tf.grads of the plain-ops formula (relative error ≤ 1e-5)', () => {
    const { x, gamma, beta, dy, epsilon } = make(13);
    const dyT = tf.tensor(dy, shape);
    const inputs = tensors(x, gamma, beta);
    const custom = tf.grads(lossOf(norm, dyT, epsilon))(inputs);
    const auto = tf.grads(lossOf(plain, dyT, epsilon))(inputs);
    for (let k = 0; k < 3; k++) expect(relativeError(custom[k]!.dataSync(), auto[k]!.dataSync())).toBeLessThan(1e-5);
    tf.dispose([...custom, ...auto, ...inputs, dyT]);
  });

  it('custom backward agrees with central finite differences', () => {
    const { x, gamma, beta, dy, epsilon } = make(14);
    const dyT = tf.tensor(dy, shape);
    const f = lossOf(norm, dyT, epsilon);
    const loss = (xs: Float32Array, gs: Float32Array, bs: Float32Array) =>
      tf.tidy(() => {
        const [a, b, c] = tensors(xs, gs, bs);
        return f(a!, b!, c!).dataSync()[0]!;
      });
    const inputs = tensors(x, gamma, beta);
    const grads = tf.grads(f)(inputs).map((g) => g.dataSync());
    // The forward runs in float32, so the step is large (h = 1e-2) and the bound loose: this catches wrong
    // formulas, the float64 reference above catches imprecise ones.
    const h = 1e-2;
    const arrays = [x, gamma, beta];
    const probeIndices = [[0, 3, 17, x.length - 1], [...gamma.keys()], [...beta.keys()]];
    probeIndices.forEach((indices, which) => {
      for (const idx of indices) {
        const shifted = (delta: number) => arrays.map((a, k) => (k === which ? a.map((v, i) => (i === idx ? v + delta : v)) : a));
        const [xp, gp, bp] = shifted(h);
        const [xm, gm, bm] = shifted(-h);
        const fd = (loss(xp!, gp!, bp!) - loss(xm!, gm!, bm!)) / (2 * h);
        expect(Math.abs(fd - grads[which]![idx]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
    });
    tf.dispose([...inputs, dyT]);
  });
}
