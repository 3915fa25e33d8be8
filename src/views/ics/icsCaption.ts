import type { ArmHistory } from '../../engine/history';
import { formatSignificant as formatValue } from '../common/format';

/**
 * The internal-covariate-shift view's caption. Ioffe & Szegedy (2015) proposed batch norm to reduce internal
 * covariate shift; Santurkar et al. (2018, §2.2, Figure 4) measured it as ‖G − G′‖₂, how far a layer's gradient moves
 * when the earlier layers take their step, and found that batch norm often does not reduce it, sometimes raises
 * it, and traced batch norm's benefit to a smoother loss landscape instead (§3). So the caption says what is
 * measured, then what this run shows, and reads it against the paper whichever way the numbers fall. Pure.
 */

/** What the view measures; the note above its charts says what G and G′ are for the selected layer. */
const WHAT = 'Measured as Santurkar et al. (2018) do';

/** Gradient norms more than this far apart (either way) scale ‖G − G′‖ too: the caption then says so. */
const SCALE_NOTE = 10;

function meanFinite(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n ? sum / n : NaN;
}

/** The means over an arm's probes (up to its divergence) of a layer's ICS and gradient norm. */
export interface IcsMeans {
  name: string;
  norm: string;
  probes: number;
  l2: number;
  cos: number;
  gradNorm: number;
}

export function icsMeans(arm: ArmHistory, layer: number): IcsMeans | null {
  const l = arm.layers[layer];
  if (!l) return null;
  // Up to the arm's divergence: after it the arm trains no further.
  let end = arm.steps.length;
  if (arm.divergedAt !== null) {
    end = 0;
    while (end < arm.steps.length && arm.steps[end]! < arm.divergedAt) end++;
  }
  const slice = (a: readonly number[]) => a.slice(0, end);
  return {
    name: arm.name,
    norm: arm.norm,
    probes: end,
    l2: meanFinite(slice(l.ics.l2)),
    cos: meanFinite(slice(l.ics.cos)),
    gradNorm: meanFinite(slice(l.gradNorm)),
  };
}

/**
 * The caption for `layer` (0-based). With a plain arm and a normalized one that both have probes, it
 * compares their mean ‖G − G′‖₂ over the run: "Here BN's ‖G − G′‖ at layer 2 averages 0.0374, larger than plain's
 * 0.00951 …".
 */
export function icsCaption(history: readonly ArmHistory[], layer: number): string {
  if (layer <= 0) return `${WHAT}: how far a layer’s gradient moves when the layers before it step. The first layer has none before it: pick a later layer.`;
  const means = history.map((a) => icsMeans(a, layer)).filter((m): m is IcsMeans => m !== null && m.probes >= 2 && Number.isFinite(m.l2));
  const plain = means.find((m) => m.norm === 'none');
  const normed = means.find((m) => m.norm === 'batch') ?? means.find((m) => m.norm !== 'none');
  if (!plain || !normed) {
    return `${WHAT}: how far a layer’s gradient moves when the layers before it step. Batch norm was proposed to reduce this shift: compare the arms once they have trained.`;
  }
  const at = `layer ${layer + 1}`;
  const scale = scaleNote(plain, normed);
  const cos = Number.isFinite(plain.cos) && Number.isFinite(normed.cos) ? ` (cos ${normed.cos.toFixed(3)} vs ${plain.cos.toFixed(3)})` : '';
  const numbers = `${normed.name}'s ‖G − G′‖ averages ${formatValue(normed.l2)} at ${at}, ${normed.l2 >= plain.l2 ? 'larger' : 'smaller'} than ${plain.name}'s ${formatValue(plain.l2)}${cos}${scale}`;
  const kind = normed.norm === 'batch' ? 'batch norm' : normed.norm === 'layer' ? 'layer norm' : normed.norm === 'group' ? 'group norm' : 'normalization';
  if (normed.l2 >= plain.l2) {
    // Santurkar et al. studied batch norm: for another normalization the paper is a comparison, not a source.
    return normed.norm === 'batch'
      ? `${WHAT}. Here ${numbers}: as they found, batch norm does not reduce this shift; they credit its benefit to a smoother loss landscape.`
      : `${WHAT}. Here ${numbers}: ${kind} does not reduce this shift here; Santurkar et al. found the same of batch norm, and credit its benefit to a smoother loss landscape.`;
  }
  return `${WHAT}. Here ${numbers}: in this run ${kind} reduces this shift; they found batch norm often does not, and credit its benefit to a smoother loss landscape.`;
}

/** When the two arms' gradients differ by more than SCALE_NOTE×, ‖G − G′‖ mostly reflects that: the cosine does not. */
function scaleNote(plain: IcsMeans, normed: IcsMeans): string {
  const r = normed.gradNorm / plain.gradNorm;
  if (!Number.isFinite(r) || r <= 0) return '';
  if (r >= SCALE_NOTE) return ` (${plain.name}'s gradient itself is ${formatRatio(r)}× smaller)`;
  if (r <= 1 / SCALE_NOTE) return ` (${normed.name}'s gradient itself is ${formatRatio(1 / r)}× smaller)`;
  return '';
}

function formatRatio(r: number): string {
  return r >= 100 ? Math.round(r).toLocaleString('en-US') : r.toFixed(0);
}
