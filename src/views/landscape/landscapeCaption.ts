import type { ArmHistory } from '../../engine/history';
import { LANDSCAPE_MULTIPLIERS } from '../../engine/probes/landscapeSteps';
import { formatStep } from '../common/format';
import { formatRange, formatValue, landscapeSeries, valuesAt, type LandscapeArmSeries, type LandscapeAt } from './landscapeMath';

/**
 * The loss-landscape view's caption. Santurkar et al. (2018, §3.1, Figure 4) walk along the gradient from the current
 * weights and find that with batch norm the loss varies less over the walk and the gradient changes less (it is more
 * predictive), which they give as the reason batch norm trains faster. The caption reads the newest probe at which
 * a plain arm and a normalized arm both measured it, gives both arms' numbers, and says whether this run agrees with
 * the paper on each count, whichever way they fall. Pure.
 */

const WHAT = 'Santurkar et al. (2018) credit batch norm’s speed to a smoother loss landscape';

/** The two arms compared at their newest common probe, or null where there is none. */
export interface LandscapeComparison {
  plain: { series: LandscapeArmSeries; at: LandscapeAt };
  normed: { series: LandscapeArmSeries; at: LandscapeAt };
  /** The two arms walk different step sizes (their learning rates differ). */
  ownRates: boolean;
}

/** The plain arm and the first normalized one (batch norm first) at the newest probe where both measured the landscape. */
export function landscapeComparison(history: readonly ArmHistory[]): LandscapeComparison | null {
  const series = landscapeSeries(history);
  const plain = series.find((s) => s.norm === 'none');
  const normed = series.find((s) => s.norm === 'batch') ?? series.find((s) => s.norm !== 'none');
  if (!plain || !normed) return null;
  for (let i = plain.steps.length - 1; i >= 0; i--) {
    const j = normed.steps.lastIndexOf(plain.steps[i]!);
    const p = valuesAt(plain, i);
    const n = valuesAt(normed, j);
    if (p && n) {
      const a = plain.stepSizes[i] ?? [];
      const b = normed.stepSizes[j] ?? [];
      const ownRates = a.length !== b.length || a.some((v, k) => v !== b[k]);
      return { plain: { series: plain, at: p }, normed: { series: normed, at: n }, ownRates };
    }
  }
  return null;
}

const kindOf = (norm: string) => (norm === 'batch' ? 'batch norm' : norm === 'layer' ? 'layer norm' : norm === 'group' ? 'group norm' : 'normalization');

/**
 * The caption. `measuring`: the run's configuration measures the landscape (`probe.landscape`); without it the
 * caption says what the view would show and what it costs.
 */
export function landscapeCaption(history: readonly ArmHistory[], measuring: boolean): string {
  if (!measuring) {
    return `${WHAT}. This run does not measure it: at every probe each arm would take ${LANDSCAPE_MULTIPLIERS.length} more forward and backward passes.`;
  }
  const c = landscapeComparison(history);
  if (!c) {
    const one = landscapeSeries(history)
      .map((s) => ({ s, at: lastMeasured(s) }))
      .find((x) => x.at !== null);
    if (!one || !one.at) return `${WHAT}. At every probe each arm walks along its gradient by ${LANDSCAPE_MULTIPLIERS[0]}–${LANDSCAPE_MULTIPLIERS[LANDSCAPE_MULTIPLIERS.length - 1]}× its learning rate; the first probe is on its way.`;
    return `${WHAT}. At step ${formatStep(one.at.step)} ${one.s.name}'s loss along its gradient spans ${formatRange(one.at.lossMin, one.at.lossMax)} and its gradient changes by up to ${formatValue(one.at.gradientChangeMax)}; a plain arm and a normalized one are needed to compare.`;
  }
  const { plain, normed } = c;
  const p = plain.at;
  const n = normed.at;
  const pWidth = p.lossMax - p.lossMin;
  const nWidth = n.lossMax - n.lossMin;
  const narrower = nWidth < pWidth;
  const steadier = n.gradientChangeMax < p.gradientChangeMax;
  const numbers =
    `At step ${formatStep(n.step)} the loss along the gradient spans ${formatRange(n.lossMin, n.lossMax)} for ${normed.series.name} ` +
    `and ${formatRange(p.lossMin, p.lossMax)} for ${plain.series.name} (${formatValue(nWidth)} against ${formatValue(pWidth)} wide)` +
    `, and the gradient changes by up to ${formatValue(n.gradientChangeMax)} against ${formatValue(p.gradientChangeMax)}` +
    (c.ownRates ? ' (each arm walks multiples of its own learning rate)' : '');
  const paper = 'Santurkar et al. (2018) found both smaller with batch norm, the reason they give for its speed';
  let verdict: string;
  if (narrower && steadier) verdict = 'Santurkar et al. (2018) found the same with batch norm: a smoother landscape, the reason they give for its speed.';
  else if (!narrower && !steadier) verdict = `${paper}; in this run, at this step, neither is smaller with ${kindOf(normed.series.norm)}.`;
  else verdict = `${paper}; here only the ${narrower ? 'loss range' : 'gradient change'} is.`;
  return `${numbers}. ${verdict}`;
}

function lastMeasured(s: LandscapeArmSeries): LandscapeAt | null {
  for (let i = s.steps.length - 1; i >= 0; i--) {
    const v = valuesAt(s, i);
    if (v) return v;
  }
  return null;
}
