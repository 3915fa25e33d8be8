/**
 * A slider's scale: the values it can take, in ascending order, from the field's minimum to its maximum. Position i
 * on the track is `values[i]`, so what the slider shows, what it announces and what it commits are the same number,
 * and the arrow keys reach every value on the scale. (A continuous 0…1000 log track rounded to two digits could not:
 * one step moved the learning rate 1.4%, and rounding to 0.53 put it back where it was.)
 */
export interface SliderScale {
  readonly values: readonly number[];
  /** Positions moved by PageUp/PageDown: a decade on a log scale, a tenth of the track otherwise. */
  readonly page: number;
  /** Log scales place an off-scale value by ratio, linear ones by difference. */
  readonly log: boolean;
}

interface Bounds {
  min: number;
  max: number;
}

/** Round numbers per decade, about 10% apart: the values a person would type (0.5, 0.05, 2.5, 1.5e−5). */
const MANTISSAS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8] as const;

/** Drops binary noise (0.30000000000000004) so a scale value prints and compares as it reads. */
const clean = (v: number) => Number(v.toPrecision(12));

function build(values: Iterable<number>, { min, max }: Bounds, page: number, log: boolean): SliderScale {
  if (!(min <= max)) throw new RangeError(`a scale needs min ≤ max, got ${min} … ${max}`);
  const inside = [...values].filter((v) => v > min && v < max);
  const sorted = [...new Set([min, ...inside, max])].sort((a, b) => a - b);
  return { values: sorted, page, log };
}

/**
 * A log scale over [min, max] (min > 0): the bounds themselves and the round numbers between them. `integer` rounds
 * to whole numbers; `powersOfTwo` adds 2, 4, 8, … (channel and unit counts).
 */
export function logScale(bounds: Bounds, { integer = false, powersOfTwo = false } = {}): SliderScale {
  const { min, max } = bounds;
  if (!(min > 0)) throw new RangeError(`a log scale needs min > 0, got ${min}`);
  const values: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of MANTISSAS) values.push(integer ? Math.round(m * 10 ** e) : clean(m * 10 ** e));
  }
  if (powersOfTwo) for (let p = 1; p <= max; p *= 2) values.push(p);
  return build(values, bounds, MANTISSAS.length, true);
}

/** A linear scale min, min + step, …, with max itself last even when it is not a whole number of steps away. */
export function linearScale(bounds: Bounds, step: number): SliderScale {
  const { min, max } = bounds;
  if (!(step > 0)) throw new RangeError(`a linear scale needs step > 0, got ${step}`);
  const values: number[] = [];
  for (let k = 1; min + k * step < max; k++) values.push(clean(min + k * step));
  const n = values.length + 2;
  return build(values, bounds, Math.max(1, Math.ceil(n / 10)), false);
}

/** A scale of chosen values (batch sizes), kept within the bounds, with the bounds themselves at its ends. */
export function listScale(bounds: Bounds, values: readonly number[]): SliderScale {
  const n = values.length + 2;
  return build(values, bounds, Math.max(1, Math.ceil(n / 10)), bounds.min > 0);
}

// Two numbers this close are the same value on the scale (a value parsed from a link vs the scale's own).
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/** Where the thumb sits for a value: its position on the scale, or the nearest one for a value between two. */
export function nearestIndex(scale: SliderScale, value: number): number {
  const { values, log } = scale;
  const distance = (v: number) => (log && value > 0 ? Math.abs(Math.log(v / value)) : Math.abs(v - value));
  let best = 0;
  values.forEach((v, i) => {
    if (distance(v) < distance(values[best]!)) best = i;
  });
  return best;
}

/**
 * The value `count` positions above (dir +1) or below (dir −1) `value` on the scale. From a value between two scale
 * values (a link may carry 0.037), the first position is the neighbour on that side, so no scale value is skipped.
 * Stops at the ends.
 */
export function stepOnScale(scale: SliderScale, value: number, dir: 1 | -1, count = 1): number {
  const { values } = scale;
  const last = values.length - 1;
  if (dir > 0) {
    const next = values.findIndex((v) => v > value && !same(v, value));
    return next < 0 ? values[last]! : values[Math.min(last, next + count - 1)]!;
  }
  let prev = last;
  while (prev >= 0 && !(values[prev]! < value && !same(values[prev]!, value))) prev--;
  return prev < 0 ? values[0]! : values[Math.max(0, prev - count + 1)]!;
}

/** What a key does to a slider on this scale: the value it moves to, or null for a key the slider does not use. */
export function valueForKey(scale: SliderScale, value: number, key: string): number | null {
  const { values, page } = scale;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return stepOnScale(scale, value, 1);
    case 'ArrowLeft':
    case 'ArrowDown':
      return stepOnScale(scale, value, -1);
    case 'PageUp':
      return stepOnScale(scale, value, 1, page);
    case 'PageDown':
      return stepOnScale(scale, value, -1, page);
    case 'Home':
      return values[0]!;
    case 'End':
      return values[values.length - 1]!;
    default:
      return null;
  }
}
