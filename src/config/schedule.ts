import { parseConfig, type ChangeKey, type ExperimentConfig, type ScheduleChange, type ScheduleEvent } from './schema';

/**
 * Changes during a run. The configuration holds the settings at step 0 and a schedule of changes; the settings in
 * force at a step are the start values with every change up to that step applied. Pure functions: the controls,
 * the views' step-axis marks and the link all read the schedule through them.
 */

/** Configuration fields that can change from a step on, and the schedule's name for each. */
export const SCHEDULABLE: Readonly<Record<string, ChangeKey>> = {
  'optimizer.learningRate': 'learningRate',
  'optimizer.momentum': 'momentum',
  'normalization.momentum': 'bnMomentum',
  batchSize: 'batchSize',
  'normalization.affine': 'affine',
};

export interface SettingsInForce {
  learningRate: number;
  momentum: number;
  bnMomentum: number;
  batchSize: number;
  affine: boolean;
  bnMode: 'train' | 'inference';
}

/** The settings in force for the training step after `step` steps (events at `step` included). */
export function settingsAt(config: ExperimentConfig, step: number): SettingsInForce {
  const s: SettingsInForce = {
    learningRate: config.optimizer.learningRate,
    momentum: config.optimizer.momentum,
    bnMomentum: config.normalization.momentum,
    batchSize: config.batchSize,
    affine: config.normalization.affine,
    bnMode: 'train',
  };
  for (const e of config.schedule) {
    if (e.step > step) break;
    Object.assign(s, definedOnly(e.set));
  }
  return s;
}

function definedOnly(set: ScheduleChange): Partial<SettingsInForce> {
  return Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as Partial<SettingsInForce>;
}

/** Running averages whose starting values weigh at most this much are "warm": they describe the data, not the start. */
export const WARM_SHARE = 0.01;

/**
 * The first step from which batch norm's running averages give their starting values (mean 0, variance 1) a weight
 * of at most `share`, or null if they still weigh more after `upTo` steps. Each training step keeps (1 − m) of them,
 * m the running-statistics momentum in force (PyTorch's convention); in inference mode they are frozen and keep it
 * all. At m = 0.1 that is step 44; at m = 0.001, step 4,603. Until then inference mode normalizes with numbers that are
 * partly the starting values, and at step 0 with exactly them, which normalizes nothing.
 */
export function warmStep(config: ExperimentConfig, upTo: number, share = WARM_SHARE): number | null {
  let weight = 1;
  for (let step = 0; step < upTo; step++) {
    const s = settingsAt(config, step);
    if (s.bnMode !== 'inference') weight *= 1 - s.bnMomentum;
    if (weight <= share) return step + 1;
  }
  return null;
}

/**
 * The configuration with `key` set to `value` from `step` on: merged into an event already at that step, later
 * events kept. Validated by the schema (throws ConfigError, e.g. optimizer momentum under Adam).
 */
export function withScheduledChange(config: ExperimentConfig, step: number, key: ChangeKey, value: ScheduleChange[ChangeKey]): ExperimentConfig {
  const schedule: ScheduleEvent[] = config.schedule.map((e) => ({ step: e.step, set: { ...e.set } }));
  const at = schedule.find((e) => e.step === step);
  if (at) (at.set as Record<string, unknown>)[key] = value;
  else schedule.push({ step, set: { [key]: value } as ScheduleChange });
  schedule.sort((a, b) => a.step - b.step);
  return parseConfig({ ...config, schedule });
}

/** The configuration without the event at `step`. */
export function withoutEvent(config: ExperimentConfig, step: number): ExperimentConfig {
  return parseConfig({ ...config, schedule: config.schedule.filter((e) => e.step !== step) });
}

const CHANGE_NAMES: Record<ChangeKey, string> = {
  learningRate: 'learning rate',
  momentum: 'momentum',
  bnMomentum: 'running-stats momentum',
  batchSize: 'batch size',
  affine: 'γ, β',
  bnMode: 'batch norm',
};

/** "learning rate 0.05, γ, β frozen": an event's changes in words, for the controls and the views' marks. */
export function describeChange(set: ScheduleChange): string {
  return (Object.entries(definedOnly(set)) as [ChangeKey, unknown][])
    .map(([k, v]) => {
      if (k === 'affine') return v ? 'γ, β learn again' : 'γ, β frozen';
      if (k === 'bnMode') return v === 'inference' ? 'batch norm in inference mode' : 'batch norm in training mode';
      return `${CHANGE_NAMES[k]} ${String(v)}`;
    })
    .join(', ');
}
