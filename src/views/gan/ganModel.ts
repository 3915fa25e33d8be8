import type { GanProbe } from '../../engine/gan/config';

/** What the view keeps of a probe for its curves, table and caption: everything but the samples. */
export interface GanSummary {
  readonly step: number;
  readonly arms: readonly {
    readonly dLoss: number;
    readonly gLoss: number;
    readonly modesCovered: number;
    readonly highQuality: number;
    readonly divergedAt: number | null;
  }[];
}

export function summarize(p: GanProbe): GanSummary {
  return {
    step: p.step,
    arms: p.arms.map((a) => ({ dLoss: a.dLoss, gLoss: a.gLoss, modesCovered: a.coverage.modesCovered, highQuality: a.coverage.highQuality, divergedAt: a.divergedAt })),
  };
}

/**
 * Each arm's mean number of modes covered over the trained probes of the second half of the run so far (steps ≥
 * half the last step), or null before there are two such probes: a GAN's samples wander from probe to probe, so one
 * probe alone can flatter or wrong an arm.
 */
export function lateMeanModes(history: readonly GanSummary[]): { mean: number[]; probes: number; from: number } | null {
  const last = history[history.length - 1]?.step ?? 0;
  const late = history.filter((p) => p.step > 0 && p.step >= last / 2);
  if (late.length < 2) return null;
  const arms = late[0]!.arms.length;
  return {
    mean: Array.from({ length: arms }, (_, i) => late.reduce((s, p) => s + p.arms[i]!.modesCovered, 0) / late.length),
    probes: late.length,
    from: late[0]!.step,
  };
}

const pct = (v: number) => `${Math.round(v * 100)}%`;
const one = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/**
 * The caption, computed from the run on screen: where each generator stands at the newest probe, and, once there
 * is enough of a run, which covered more modes on average over its second half. Nothing in it is claimed in advance.
 */
export function ganCaption(history: readonly GanSummary[], names: readonly string[], modes: number): string {
  const intro = `Two generators, ${names.join(' and ')}, learn a ring of ${modes} Gaussians (grey) from the same start on the same batches; coloured: their samples from fixed noise.`;
  const latest = history[history.length - 1];
  if (!latest) return `${intro} Press Train to watch them move onto the ring.`;
  if (latest.step === 0) return `${intro} Step 0: neither has trained yet.`;
  const now = latest.arms
    .map((a, i) =>
      a.divergedAt !== null ? `${names[i]} diverged at step ${a.divergedAt}` : `${names[i]} covers ${a.modesCovered} of ${modes} modes (${pct(a.highQuality)} of its samples near a mode)`,
    )
    .join(', ');
  let text = `${intro} Step ${latest.step}: ${now}.`;
  const late = lateMeanModes(history);
  if (late && late.mean.length === 2) {
    const [a, b] = late.mean as [number, number];
    const verdict = Math.abs(a - b) < 0.05 ? 'as many modes as' : b > a ? 'more modes than' : 'fewer modes than';
    text += ` From step ${late.from} on (${late.probes} probes), ${names[1]} covered ${verdict} ${names[0]} on average: ${one(b)} against ${one(a)}.`;
  }
  return text;
}

/** The plane the panels show: the ring and a margin, the same for every panel and probe so that motion is real. */
export function planeExtent(radius: number): number {
  return radius * 1.45;
}
