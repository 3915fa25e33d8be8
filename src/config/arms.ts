import type { ArmConfig, ExperimentConfig, NormKind } from './schema';

/**
 * The pure helpers of the configuration that the engine needs (an arm's name and group count, a network's group
 * choices), kept apart from the zod schema: the training worker's engine imports them, and importing them from
 * schema.ts put zod and every schema's construction into the worker's session code, on the way to the first chart.
 * schema.ts re-exports them, so `from '../config/schema'` keeps working everywhere else. Types only from schema.ts:
 * nothing of zod reaches this module's importers.
 */

/**
 * Group norm's group count when a group-norm arm does not set its own: the largest valid count up to this. Wu & He
 * (2018) default to 32 groups on ResNets of 64 channels and more; the lab's layers are 16 channels or 100 units, where
 * 4 groups keep 4 channels or 25 units in each. Part of what a link means: changing it changes old links' runs.
 */
export const DEFAULT_GROUPS = 4;

/** What the group count depends on: the kind of network and its hidden layers' widths. */
export type ModelShape = Pick<ExperimentConfig['model'], 'kind' | 'depth' | 'width'>;

/** The units (MLP) or channels (CNN) of each hidden layer, in order: every layer is model.width wide. */
export function hiddenWidths(model: Pick<ModelShape, 'depth' | 'width'>): number[] {
  return Array.from({ length: model.depth }, () => model.width);
}

/**
 * The group counts a group-norm arm may use on this network: those that divide every hidden layer's width. On a dense
 * layer a group needs at least two units (one unit per group is normalized to x̂ = 0, so the layer would output β
 * whatever its input); a convolution's groups also span height and width, so one channel per group (instance norm)
 * is allowed there.
 */
export function groupChoices(model: ModelShape): number[] {
  const widths = hiddenWidths(model);
  const out: number[] = [];
  // 1 always qualifies: every width is at least 2.
  for (let g = 1; g <= Math.min(...widths); g++) {
    if (widths.every((w) => w % g === 0 && (model.kind === 'cnn' || w / g >= 2))) out.push(g);
  }
  return out;
}

/** The group count of a group-norm arm that sets none: the largest valid one up to DEFAULT_GROUPS. */
export function defaultGroups(model: ModelShape): number {
  return groupChoices(model)
    .filter((g) => g <= DEFAULT_GROUPS)
    .reduce((a, b) => Math.max(a, b), 1);
}

/** The legend name of an arm: its label, else what makes it differ. */
export function armName(arm: ArmConfig, config: ExperimentConfig): string {
  if (arm.label) return arm.label;
  const base = ARM_BASE_NAMES[arm.norm];
  // A group-norm arm is "GN" at the default count, and says its own count otherwise ("GN 2 groups").
  const g = armGroups(arm, config);
  const groups = g !== null && g !== defaultGroups(config.model) ? ` ${g} group${g === 1 ? '' : 's'}` : '';
  const lr = arm.learningRate !== undefined && arm.learningRate !== config.optimizer.learningRate ? ` lr ${arm.learningRate}` : '';
  const scale = arm.initScale !== undefined && arm.initScale !== config.init.scale ? ` ${config.init.scheme === 'gaussian' ? 'std' : 'gain'} ${arm.initScale}` : '';
  const place = arm.norm !== 'none' && arm.placement !== undefined && arm.placement !== config.normalization.placement ? ` ${arm.placement}` : '';
  const noise = arm.norm === 'batch' && arm.noise ? ` + noise ${arm.noise}` : '';
  return base + groups + noise + place + lr + scale;
}

/** The short names arms start from. */
const ARM_BASE_NAMES: Record<NormKind, string> = { none: 'plain', batch: 'BN', layer: 'LN', group: 'GN' };

/** The number of groups a group-norm arm normalizes with (its own, or the default for the network); null for other arms. */
export function armGroups(arm: ArmConfig, config: Pick<ExperimentConfig, 'model'>): number | null {
  if (arm.norm !== 'group') return null;
  return arm.groups ?? defaultGroups(config.model);
}
