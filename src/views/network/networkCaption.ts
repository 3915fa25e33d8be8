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
    ...(differ(arms.map((a) => a.learningRate)) ? ['learning rate'] : []),
    ...(scaled ? ['initial scale'] : []),
  ];
  const shared = `The arms share architecture, mini-batches and ${scaled ? 'the random draws of their initial weights' : 'initial weights'}`;
  return what.length ? `${shared}; they differ in ${listJoin(what)}. ${click}` : `${shared}, and every setting. ${click}`;
}
