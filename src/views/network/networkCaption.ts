import { listJoin } from '../common/outcomes';

/**
 * The network view's caption: what the arms share and, read off the arms themselves, what they differ in. (A fixed
 * "they differ only in normalization" was false for a comparison with per-arm learning rates.) Pure.
 */
export interface ArmSettings {
  norm: string;
  learningRate: number;
  /** Where the arm's normalization sits ('before' or 'after' the nonlinearity); meaningless for a plain arm. */
  placement?: string;
  /** The arm's initial scale, where arms may differ in it: the same random draws, scaled. */
  initScale?: number;
  /** Santurkar et al.'s noise after batch norm (0 or absent: none). */
  noise?: number;
  /** Group norm's number of groups. */
  groups?: number;
}

export function networkCaption(arms: readonly ArmSettings[]): string {
  const click = 'Click a layer to inspect it in every view.';
  if (arms.length === 0) return click;
  if (arms.length === 1) return `One network: its layers and normalization blocks. ${click}`;
  const differ = (values: readonly unknown[]) => new Set(values).size > 1;
  const normed = arms.filter((a) => a.norm !== 'none');
  const scaled = differ(arms.map((a) => a.initScale));
  const what = [
    ...(differ(arms.map((a) => a.norm)) ? ['normalization (highlighted)'] : []),
    ...(differ(normed.map((a) => a.placement)) ? ['its placement'] : []),
    // Two batch-norm arms may differ in their noise alone, two group-norm arms in their groups alone.
    ...(differ(arms.filter((a) => a.norm === 'batch').map((a) => a.noise ?? 0)) ? ['noise after batch norm'] : []),
    ...(differ(arms.filter((a) => a.norm === 'group').map((a) => a.groups)) ? ['number of groups'] : []),
    ...(differ(arms.map((a) => a.learningRate)) ? ['learning rate'] : []),
    ...(scaled ? ['initial scale'] : []),
  ];
  const shared = `The arms share architecture, mini-batches and ${scaled ? 'the random draws of their initial weights' : 'initial weights'}`;
  return what.length ? `${shared}; they differ in ${listJoin(what)}. ${click}` : `${shared}, and every setting. ${click}`;
}
