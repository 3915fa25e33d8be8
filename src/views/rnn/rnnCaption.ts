import { rowRange, type RnnArmHistory } from '../../engine/rnn/history';

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * The RNN view's sentence, from the run on screen: who leads in test accuracy at the latest probe and by how much,
 * and how far the spread of the pre-activation a_t (before normalization) differs between time steps there, which
 * is why batch norm needs a set of statistics per step while layer norm, per example, needs none.
 */
export function rnnCaption(history: readonly RnnArmHistory[]): string {
  const first = history[0];
  const n = first?.steps.length ?? 0;
  if (!first || n === 0) {
    return 'Press Train: three tanh RNNs read each digit row by row, one with no normalization, one with layer norm, one with batch norm kept per time step, from the same weights on the same batches.';
  }
  const step = first.steps[n - 1]!;
  if (step === 0) return 'Step 0: every arm starts from the same weights; the curves fill in as they train.';
  const ranked = [...history].sort((a, b) => b.testAccuracy[n - 1]! - a.testAccuracy[n - 1]!);
  const lead = ranked[0]!;
  const second = ranked[1]!;
  const gap = (lead.testAccuracy[n - 1]! - second.testAccuracy[n - 1]!) * 100;
  const others = ranked
    .slice(1)
    .map((a) => `${a.label} ${pct(a.testAccuracy[n - 1]!)}`)
    .join(', ');
  const standing =
    gap < 0.05
      ? `At step ${step.toLocaleString('en-US')}, ${lead.label} and ${second.label} are level at ${pct(lead.testAccuracy[n - 1]!)} test accuracy`
      : `At step ${step.toLocaleString('en-US')}, ${lead.label} leads with ${pct(lead.testAccuracy[n - 1]!)} test accuracy (${others})`;
  // Batch norm's own a_t: the distribution its per-step statistics have to follow.
  const batch = history.find((a) => a.norm === 'batch');
  let perStep = '';
  if (batch) {
    const stds = batch.preStd[n - 1]!;
    const r = rowRange(stds, 1);
    if (Number.isFinite(r.min) && r.min > 0 && r.max > 0) {
      const fold = r.max / r.min;
      const differs = fold >= 1.95 ? `differs ${fold.toFixed(0)}-fold between time steps` : 'differs between time steps';
      perStep =
        `. In the batch-norm arm, the spread of a_t before normalization ${differs}, from ${r.min.toFixed(2)} (row ${r.minRow + 1}) to ` +
        `${r.max.toFixed(2)} (row ${r.maxRow + 1}) on the test digits, so batch norm keeps statistics for each of the ${stds.length} steps ` +
        `(the test digits use each step's running averages); layer norm normalizes each digit by itself at every step`;
    }
  }
  return `${standing}${perStep}.`;
}
