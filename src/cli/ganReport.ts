import { GAN_ARMS, type GanConfig, type GanProbe } from '../engine/gan/gan';
import type { GanOptions } from './ganArgs';

/** At most this many rows in the printed table: evenly spaced probes, the last always among them. */
const MAX_ROWS = 8;

/** Which probes the table shows (indices into `probes`), skipping the untrained step 0. */
export function tableRows(count: number, max = MAX_ROWS): number[] {
  const trained = count - 1;
  if (trained <= 0) return [];
  if (trained <= max) return Array.from({ length: trained }, (_, i) => i + 1);
  return Array.from({ length: max }, (_, i) => Math.round(((i + 1) * trained) / max));
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const pct = (v: number) => `${Math.round(v * 100)}%`;

/**
 * The mean number of modes covered over the probes of the second half of the run: a GAN's picture wanders (the
 * generator chases the discriminator), so the last probe alone can flatter or wrong an arm.
 */
export function lateMeanModes(probes: readonly GanProbe[], arm: number): number {
  const last = probes[probes.length - 1]?.step ?? 0;
  const late = probes.filter((p) => p.step > 0 && p.step >= last / 2);
  return late.length ? late.reduce((s, p) => s + p.arms[arm]!.coverage.modesCovered, 0) / late.length : NaN;
}

export function ganTable(probes: readonly GanProbe[], cfg: GanConfig, every: number): string {
  const rows = tableRows(probes.length);
  const head = `| step | ${GAN_ARMS.map((a) => `${a.name}: modes · high-quality · D loss · G loss`).join(' | ')} |`;
  const rule = `|-----:|${GAN_ARMS.map(() => '------------------------------------------:').join('|')}|`;
  const body = rows.map((r) => {
    const p = probes[r]!;
    return `| ${p.step} | ${p.arms
      .map((a) => `${a.coverage.modesCovered}/${cfg.modes} · ${pct(a.coverage.highQuality)} · ${f2(a.dLoss)} · ${f2(a.gLoss)}${a.divergedAt !== null ? ` (diverged at ${a.divergedAt})` : ''}`)
      .join(' | ')} |`;
  });
  const summary = GAN_ARMS.map((a, i) => `${a.name} ${lateMeanModes(probes, i).toFixed(1)}`).join(', ');
  return [
    head,
    rule,
    ...body,
    `seed ${cfg.seed}; ring of ${cfg.modes} Gaussians, radius ${cfg.radius}, std ${cfg.std}; batch ${cfg.batchSize}, Adam lr ${cfg.learningRate}, β1 ${cfg.beta1}`,
    `modes covered, mean over the probes of the second half (every ${every} steps): ${summary}`,
    `a mode is covered when ≥ 1/32 of ${cfg.probeSamples} samples from fixed noise lie within 3 std of it; high-quality: the share within 3 std of any mode;`,
    `samples in inference mode (batch norm on its running averages); losses are means over the steps since the previous probe`,
  ].join('\n');
}

/** Samples rounded to 1e-4 (far below the ring's spread), so the file stays small and reads the same everywhere. */
function rounded(xs: Float32Array): number[] {
  return Array.from(xs, (v) => (Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null) as number);
}

export function ganJson(probes: readonly GanProbe[], opts: GanOptions, backend: string): string {
  const last = probes[probes.length - 1];
  return `${JSON.stringify(
    {
      kind: 'gan-ring',
      config: opts.config,
      overrides: opts.overrides,
      steps: opts.steps,
      every: opts.every,
      backend,
      arms: GAN_ARMS.map((a, i) => ({
        name: a.name,
        kind: a.kind,
        steps: probes.map((p) => p.step),
        dLoss: probes.map((p) => nullable(p.arms[i]!.dLoss)),
        gLoss: probes.map((p) => nullable(p.arms[i]!.gLoss)),
        modesCovered: probes.map((p) => p.arms[i]!.coverage.modesCovered),
        highQuality: probes.map((p) => p.arms[i]!.coverage.highQuality),
        perMode: probes.map((p) => p.arms[i]!.coverage.perMode),
        trainModeModesCovered: probes.map((p) => p.arms[i]!.trainModeCoverage?.modesCovered ?? null),
        divergedAt: last?.arms[i]!.divergedAt ?? null,
        lateMeanModes: lateMeanModes(probes, i),
        finalSamples: last ? rounded(last.arms[i]!.samples) : [],
      })),
    },
    null,
    1,
  )}\n`;
}

/** JSON has no NaN: a loss not measured yet (step 0) is null. */
function nullable(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
