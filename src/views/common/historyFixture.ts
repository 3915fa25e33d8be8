import { createHistory, type ArmHistory } from '../../engine/history';

/**
 * Probe histories written by hand for the caption tests: the series an arm's probes would hold, the rest (layers)
 * filled with what `createHistory` makes. Test-only; the lab never imports it.
 */
export interface ArmSeries {
  name: string;
  norm?: string;
  steps: number[];
  testAccuracy: number[];
  testLoss?: number[];
  trainLoss?: number[];
  divergedAt?: number | null;
  /** Training seconds and ms per step at each probe (the machine-dependent timing); absent: not timed (NaN). */
  seconds?: number[];
  msPerStep?: number[];
  /** Per hidden layer, per probe. */
  layers?: { l2?: number[]; cos?: number[]; gradNorm?: number[] }[];
}

export function historyOf(...arms: ArmSeries[]): ArmHistory[] {
  const depth = Math.max(1, ...arms.map((a) => a.layers?.length ?? 0));
  const history = createHistory(
    arms.map((a) => ({ name: a.name, norm: a.norm ?? (a.name.startsWith('BN') ? 'batch' : a.name.startsWith('LN') ? 'layer' : a.name.startsWith('GN') ? 'group' : 'none') })),
    Array.from({ length: depth }, () => 10),
  );
  arms.forEach((a, i) => {
    const h = history[i]!;
    h.steps.push(...a.steps);
    h.testAccuracy.push(...a.testAccuracy);
    h.testLoss.push(...(a.testLoss ?? a.steps.map(() => 1)));
    h.trainLoss.push(...(a.trainLoss ?? a.testLoss ?? a.steps.map(() => 1)));
    h.divergedAt = a.divergedAt ?? null;
    h.timing.trainingSeconds.push(...(a.seconds ?? a.steps.map(() => NaN)));
    h.timing.msPerStep.push(...(a.msPerStep ?? a.steps.map(() => NaN)));
    a.layers?.forEach((l, j) => {
      const lh = h.layers[j]!;
      lh.ics.l2.push(...(l.l2 ?? a.steps.map(() => 0)));
      lh.ics.cos.push(...(l.cos ?? a.steps.map(() => 1)));
      lh.gradNorm.push(...(l.gradNorm ?? a.steps.map(() => 1)));
    });
  });
  return history;
}
