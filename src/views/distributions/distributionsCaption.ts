import { listJoin } from '../common/outcomes';
import type { PercentileBand } from './distributionsMath';

/**
 * The activation-distribution view's caption, computed from the bands on screen. Drift is the net displacement from
 * the first probe to the newest (of the median, and of the 15–85th percentile width), which does not grow with the
 * probe rate as a path length does. For batch norm before the nonlinearity it says what holds by construction: the
 * probe runs batch norm in training mode on its fixed batch, so each unit's input there has mean β and standard
 * deviation γ (to within ε), and its band moves only as γ and β learn. Pure.
 */

export interface DistributionsCaptionInput {
  /** The arms of the run on screen: placement is where each one's normalization sits ('before' the nonlinearity, or 'after'). */
  arms: readonly { name: string; norm: string; placement: string }[];
  /** Per arm, what the view draws (the pooled layer or one unit), index-aligned with `arms`. */
  bands: readonly (PercentileBand | null)[];
  activation: string;
  /** 0-based. */
  layer: number;
  unit: number | null;
  unitWord: string;
}

/** Where each activation saturates (its slope is under 7% of its largest), as the view shades it (saturationRegions). */
const SATURATES: Record<string, number> = { sigmoid: 4, tanh: 2 };

const possessive = (name: string) => `${name}’s`;
/** Arm names are lower case ("plain"): a sentence that starts with one starts with a capital. */
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

export function distributionsCaption(input: DistributionsCaptionInput): string {
  const { arms, bands, activation, layer, unit, unitWord } = input;
  // The layer and unit are named: the caption speaks of what the tools beside it select.
  const where = `layer ${layer + 1}${unit === null ? '' : `, ${unitWord} ${unit + 1}`}`;
  const drawn: { arm: DistributionsCaptionInput['arms'][number]; band: PercentileBand }[] = [];
  arms.forEach((arm, i) => {
    const band = bands[i];
    if (band && band.steps.length >= 2) drawn.push({ arm, band });
  });
  const bnNote =
    arms.some((a) => a.norm === 'batch' && a.placement === 'before')
      ? ' Probed in training mode, a BN unit’s input has mean β and standard deviation γ: its band moves only as they learn.'
      : '';
  if (!drawn.length) {
    const look = SATURATES[activation] !== undefined ? ', and reach the shaded saturating region' : activation === 'relu' ? ', and how much falls in the shaded zero-gradient region' : '';
    return `Ioffe & Szegedy’s Figure 1b–c, live (${where}): watch whether the bands drift as earlier layers learn${look}.${bnNote}`;
  }
  const from = drawn[0]!.band.steps[0]!;
  const to = Math.max(...drawn.map((d) => d.band.steps[d.band.steps.length - 1]!));
  const moves = drawn.map(({ arm, band }) => {
    const n = band.steps.length - 1;
    const width = (t: number) => band.p85[t]! - band.p15[t]!;
    return { name: arm.name, median: band.p50[n]! - band.p50[0]!, width: width(n) - width(0), band, n };
  });
  const finite = moves.filter((m) => Number.isFinite(m.median) && Number.isFinite(m.width));
  let text = `${where[0]!.toUpperCase()}${where.slice(1)}, from step ${from.toLocaleString('en-US')} to ${to.toLocaleString('en-US')}:`;
  text += finite.length
    ? ` the median moved ${finite.map((m) => `${signed(m.median)} (${m.name})`).join(', ')}; the 15–85 width changed ${finite.map((m) => `${signed(m.width)} (${m.name})`).join(', ')}.`
    : ' no finite percentiles to compare.';
  const limit = SATURATES[activation];
  if (limit !== undefined) {
    const saturating = moves.filter((m) => m.band.p5[m.n]! < -limit || m.band.p95[m.n]! > limit).map((m) => m.name);
    if (saturating.length) text += ` ${capitalize(listJoin(saturating.map(possessive)))} 5–95 band${saturating.length > 1 ? 's now reach' : ' now reaches'} the saturating region (|x| > ${limit}).`;
  } else if (activation === 'relu') {
    const dead = moves.filter((m) => m.band.p50[m.n]! < 0).map((m) => m.name);
    if (dead.length) text += ` Over half of ${listJoin(dead.map(possessive))} inputs are now below zero, where the ReLU passes no gradient.`;
  }
  return text + bnNote;
}
