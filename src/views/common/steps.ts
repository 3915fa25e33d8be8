import { bisector } from 'd3';

/**
 * The step axis every view shares, in one place: its domain and the probe nearest a pointer. (Three views had their
 * own copies, which disagreed on where the axis starts and on what a pointer at no position reads.)
 */

const byStep = bisector<number, number>((s) => s);

/**
 * The index of the probe nearest to `step` in ascending `steps`; −1 when there are no probes or `step` is not a
 * number (a pointer at no position reads nothing).
 */
export function nearestIndex(steps: readonly number[], step: number): number {
  if (steps.length === 0 || !Number.isFinite(step)) return -1;
  return Math.min(Math.max(byStep.center(steps, step), 0), steps.length - 1);
}

/**
 * The step axis: from step 0 (where every run starts, so views line up) to the last finite probe of any of the
 * step lists, at least to 1 so that a lone probe at step 0 has room.
 */
export function stepDomain(stepLists: readonly (readonly number[])[]): [number, number] {
  let last = 0;
  for (const steps of stepLists) for (const s of steps) if (Number.isFinite(s) && s > last) last = s;
  return [0, Math.max(1, last)];
}
