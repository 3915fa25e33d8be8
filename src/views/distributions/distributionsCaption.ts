import { bandDrift } from '../../engine/history';
import type { BnMode } from '../../engine/probes/types';
import { listJoin } from '../common/outcomes';
import type { PercentileBand } from './distributionsMath';
import { formatStep } from '../common/format';

/**
 * The activation-distribution view's caption, computed from the bands on screen. Drift is the net displacement from
 * the first probe to the newest (of the median, and of the 15–85th percentile width: engine/history's bandDrift), which
 * does not grow with the probe rate as a path length does. It says which batch-norm mode the bands are in, and what
 * that mode implies: in training mode a BN unit before the nonlinearity is normalized with the probe batch's own
 * statistics, so its input has mean β and standard deviation γ (to within ε) by construction and its band moves only
 * as γ and β learn; in inference mode batch norm uses its running averages, which start at mean 0 and variance 1, so
 * at step 0 it has not yet normalized anything. In inference mode drift is therefore measured from the first probe
 * after the running averages have (all but) forgotten that start (distributionsMath's warmStep), and the caption says
 * from which step: otherwise batch norm's drift would be mostly its own warm-up. Pure.
 */

export interface DistributionsCaptionInput {
  /** The arms of the run on screen: placement is where each one's normalization sits ('before' the nonlinearity, or 'after'). */
  arms: readonly { name: string; norm: string; placement: string; noise?: number }[];
  /** Per arm, what the view draws (the pooled layer or one unit, in `mode`), index-aligned with `arms`. */
  bands: readonly (PercentileBand | null)[];
  activation: string;
  /** 0-based. */
  layer: number;
  /** The unit drawn (0-based), or null for the whole layer pooled. */
  unit: number | null;
  unitWord: string;
  /** The batch-norm mode of the bands (it changes nothing for arms without batch norm). */
  mode: BnMode;
  /** The step from which batch norm's running averages are warm (warmStep), or null if not yet by the newest probe. */
  warmFrom: number | null;
}

/** Where each activation saturates (its slope is under 7% of its largest), as the view shades it (saturationRegions). */
const SATURATES: Record<string, number> = { sigmoid: 4, tanh: 2 };

const possessive = (name: string) => `${name}’s`;
/** Arm names are lower case ("plain"): a sentence that starts with one starts with a capital. */
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;

/**
 * The sentence on what the batch-norm mode means for the bands drawn, or '' when no arm has batch norm. `span` is the
 * first probe drawn, the probe drift is measured from and the newest (null before two probes).
 */
function modeNote(input: DistributionsCaptionInput, span: { first: number; from: number; to: number } | null): string {
  const { arms, mode, unit, unitWord, warmFrom } = input;
  if (!arms.some((a) => a.norm === 'batch')) return '';
  if (mode === 'train') {
    // Santurkar et al.'s noise after batch norm (engine/norm/noise.ts) moves those arms' bands at every step.
    const noisy = arms.filter((a) => a.norm === 'batch' && a.noise);
    const before = arms.some((a) => a.norm === 'batch' && !a.noise && a.placement === 'before');
    const what = unit === null ? `each BN ${unitWord}’s input` : `a BN ${unitWord}’s input`;
    const head = before
      ? ` Batch norm in training mode (the probe batch’s own statistics): ${noisy.length ? 'without noise, ' : ''}${what} has mean β and standard deviation γ, so its band is set by γ and β and moves only as they learn.`
      : ' Batch norm in training mode (the probe batch’s own statistics).';
    if (!noisy.length) return head;
    const one = noisy.length === 1;
    return `${head} ${noisy.map((a) => a.name).join(' and ')} add${one ? 's' : ''} noise after batch norm: each ${unitWord} shifted and rescaled by amounts drawn anew at every step, so ${one ? 'its band moves' : 'their bands move'} from probe to probe (inference mode adds none).`;
  }
  const head = ' Batch norm in inference mode: its running averages, as the test set is evaluated.';
  const start = 'They start at mean 0 and variance 1, so at step 0 batch norm has not normalized anything yet';
  if (!span) return `${head} ${start}.`;
  if (warmFrom === null) return `${head} ${span.first === 0 ? `${start}, and` : 'They'} still carry over 1% of those starting values at step ${formatStep(span.to)}.`;
  if (span.from > span.first) return `${head} They start at mean 0 and variance 1 (at step 0 batch norm normalizes nothing) and carry under 1% of that from step ${formatStep(warmFrom)} on, so drift is measured from step ${formatStep(span.from)}.`;
  return span.first === 0 ? `${head} ${start}.` : head;
}

export function distributionsCaption(input: DistributionsCaptionInput): string {
  const { arms, bands, activation, layer, unit, unitWord, mode, warmFrom } = input;
  // The layer and unit are named: the caption speaks of what the tools beside it select.
  const where = `layer ${layer + 1}${unit === null ? ' pooled' : `, ${unitWord} ${unit + 1}`}`;
  // Inference mode with batch norm: drift from the first probe at which the running averages are warm.
  const since = mode === 'inference' && warmFrom !== null && arms.some((a) => a.norm === 'batch') ? warmFrom : -Infinity;
  const drawn: { arm: DistributionsCaptionInput['arms'][number]; band: PercentileBand; from: number }[] = [];
  arms.forEach((arm, i) => {
    const band = bands[i];
    const from = band ? band.steps.findIndex((s) => s >= since) : -1;
    if (band && from >= 0 && from < band.steps.length - 1) drawn.push({ arm, band, from });
  });
  if (!drawn.length) {
    const look = SATURATES[activation] !== undefined ? ', and reach the shaded saturating region' : activation === 'relu' ? ', and how much falls in the shaded zero-gradient region' : '';
    return `Ioffe & Szegedy’s Figure 1b–c, live (${where}): watch whether the bands drift as earlier layers learn${look}.${modeNote(input, null)}`;
  }
  const first = drawn[0]!.band.steps[0]!;
  const from = drawn[0]!.band.steps[drawn[0]!.from]!;
  const to = Math.max(...drawn.map((d) => d.band.steps[d.band.steps.length - 1]!));
  const moves = drawn.map(({ arm, band, from: f }) => {
    const n = band.steps.length - 1;
    const drift = bandDrift(band, n, f);
    return { name: arm.name, median: drift.medianShift, width: drift.widthChange, band, n };
  });
  const finite = moves.filter((m) => Number.isFinite(m.median) && Number.isFinite(m.width));
  let text = `${capitalize(where)}, from step ${formatStep(from)} to ${formatStep(to)}:`;
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
  return text + modeNote(input, { first, from, to });
}
