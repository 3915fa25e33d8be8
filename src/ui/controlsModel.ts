import { CNN_MAX_WIDTH, NORMS, trainExamples, armName, defaultGroups, groupChoices, numericRange, parseConfig, type ArmConfig, type ExperimentConfig } from '../config/schema';
import { linearScale, listScale, logScale, type SliderScale } from './sliderScale';

/**
 * A configuration with one field changed, validated. Every field of ExperimentConfig defines the run (data,
 * weights, batches, optimizer, probe schedule), so any change restarts it from step 0; what does not invalidate
 * the run (speed, the viewed layer and unit, the theme) lives outside the configuration.
 */
export function withChange(config: ExperimentConfig, path: string, value: unknown): ExperimentConfig {
  const next = structuredClone(config) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node = next;
  for (const k of keys.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = value;
  // Cross-field fixes the controls promise: a CNN needs MNIST, and switching between MLP and CNN starts from
  // that architecture's own sensible size (100 units vs 16 channels) instead of clamping the other's.
  const c = next as unknown as ExperimentConfig;
  if (c.dataset.name !== 'mnist' && c.model.kind === 'cnn') c.model.kind = 'mlp';
  if (c.model.kind !== config.model.kind) c.model = { ...ARCHITECTURE_DEFAULTS[c.model.kind] };
  // A smaller training set (the 2-D sets' 800 points) takes the largest batch it can hold, in the run and its changes.
  if (c.dataset.name !== config.dataset.name) {
    const most = trainExamples(c.dataset.name);
    c.batchSize = Math.min(c.batchSize, most);
    for (const e of c.schedule) if (e.set.batchSize !== undefined) e.set.batchSize = Math.min(e.set.batchSize, most);
  }
  if (JSON.stringify(c.model) !== JSON.stringify(config.model)) c.arms = withFittingGroups(c.arms, c.model);
  return parseConfig(c);
}

/**
 * The arms with each group-norm arm's own number of groups made to fit a new network: kept where it still divides
 * every layer, else the valid count nearest to it (by ratio: 5 groups of 100 units become 4 of 64, not 2), and left
 * to the default where it then is the default.
 */
export function withFittingGroups(arms: readonly ArmConfig[], model: ExperimentConfig['model']): ArmConfig[] {
  const choices = groupChoices(model);
  return arms.map((a) => {
    if (a.norm !== 'group' || a.groups === undefined || choices.includes(a.groups)) return a;
    const own = a.groups;
    const distance = (g: number) => Math.abs(Math.log(g / own));
    // The choices ascend, so on a tie the smaller count (the larger groups) wins.
    const nearest = choices.reduce((best, g) => (distance(g) < distance(best) ? g : best));
    const { groups: _dropped, ...rest } = a;
    return nearest === defaultGroups(model) ? rest : { ...rest, groups: nearest };
  });
}

export const ARCHITECTURE_DEFAULTS = {
  mlp: { kind: 'mlp', depth: 3, width: 100 },
  cnn: { kind: 'cnn', depth: 3, width: 16 },
} as const satisfies Record<string, ExperimentConfig['model']>;

export const BATCH_SIZES = [2, 4, 8, 16, 32, 60, 64, 128, 256, 512] as const;

/**
 * The bounds of a numeric field, read from the schema: the one place a bound is written. A control for a field the
 * schema does not bound is a programming error, caught when this module loads.
 */
export function schemaBounds(path: string): { min: number; max: number } {
  const r = numericRange(path);
  if (!r || !Number.isFinite(r.min) || !Number.isFinite(r.max)) throw new Error(`the schema gives ${path} no finite bounds`);
  return r;
}

/**
 * Every slider's scale, by the schema path it sets: its ends are the schema's bounds, and between them the values
 * a person would pick (round numbers on log scales, even steps on linear ones).
 */
export const CONTROL_SCALES = {
  'dataset.noise': linearScale(schemaBounds('dataset.noise'), 0.05),
  'model.depth': linearScale(schemaBounds('model.depth'), 1),
  'init.scale': logScale(schemaBounds('init.scale')),
  'normalization.momentum': logScale(schemaBounds('normalization.momentum')),
  'normalization.epsilon': logScale(schemaBounds('normalization.epsilon')),
  'optimizer.learningRate': logScale(schemaBounds('optimizer.learningRate')),
  'optimizer.momentum': linearScale(schemaBounds('optimizer.momentum'), 0.01),
  batchSize: listScale(schemaBounds('batchSize'), BATCH_SIZES),
  'probe.interval': logScale(schemaBounds('probe.interval'), { integer: true }),
} as const satisfies Record<string, SliderScale>;

const WIDTH_SCALES = {
  mlp: logScale(schemaBounds('model.width'), { integer: true, powersOfTwo: true }),
  // The schema caps a CNN's channels below model.width's own bound (a cross-field rule), so its slider ends there.
  cnn: logScale({ min: schemaBounds('model.width').min, max: CNN_MAX_WIDTH }, { integer: true, powersOfTwo: true }),
} as const;

/** The width slider's scale: units for an MLP, channels for a CNN. */
export function widthScale(kind: ExperimentConfig['model']['kind']): SliderScale {
  return WIDTH_SCALES[kind];
}

/** The batch-size slider's scale: it ends at the schema's bound or at the dataset's training examples, the lower. */
export function batchSizeScale(dataset: ExperimentConfig['dataset']['name']): SliderScale {
  const bounds = schemaBounds('batchSize');
  const max = Math.min(bounds.max, trainExamples(dataset));
  return max === bounds.max ? CONTROL_SCALES.batchSize : listScale({ min: bounds.min, max }, BATCH_SIZES);
}

/** Compact display of a number: 0.5, 0.05, 1e-5. */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(Number(v.toPrecision(3)));
  return v.toExponential(1).replace('e-', 'e−');
}

/**
 * The arm "+ add an arm" proposes: the normalization not yet in the comparison (batch, then layer, then group, then
 * none), with a label that no other arm has ("BN 2" when a "BN" exists).
 */
export function proposeArm(config: ExperimentConfig): ArmConfig {
  const present = new Set(config.arms.map((a) => a.norm));
  const norm = (['batch', 'layer', 'group', 'none'] as const).find((n) => !present.has(n)) ?? NORMS[1];
  const arm: ArmConfig = { norm };
  const names = new Set(config.arms.map((a) => armName(a, config)));
  const base = armName(arm, config);
  if (!names.has(base)) return arm;
  let k = 2;
  while (names.has(`${base} ${k}`)) k++;
  return { ...arm, label: `${base} ${k}` };
}

/** What suits each kind of data: MNIST's settings are Ioffe & Szegedy's; the 2-D sets' are the spirals preset's. */
const DATA_DEFAULTS = {
  image: { model: { kind: 'mlp', depth: 3, width: 100 }, activation: 'sigmoid', init: { scheme: 'gaussian', scale: 0.1 }, optimizer: { kind: 'sgd', learningRate: 0.5 }, batchSize: 60, probe: { interval: 50, batchSize: 500 } },
  plane: { model: { kind: 'mlp', depth: 4, width: 16 }, activation: 'relu', init: { scheme: 'he', scale: 1 }, optimizer: { kind: 'adam', learningRate: 0.01 }, batchSize: 32, probe: { interval: 20, batchSize: 200 } },
} as const;

/**
 * Switching between MNIST and a 2-D set: the settings that suit the new kind of data (MNIST's sigmoid and SGD at 0.5
 * leave the spirals at chance), and a sentence saying what changed. Within one kind nothing else changes.
 */
export function withDatasetDefaults(config: ExperimentConfig, next: ExperimentConfig): { config: ExperimentConfig; changed: string | null } {
  const kind = (c: ExperimentConfig) => (c.dataset.name === 'mnist' ? 'image' : 'plane');
  if (kind(config) === kind(next)) return { config: next, changed: null };
  const d = DATA_DEFAULTS[kind(next)];
  const out = parseConfig({
    ...next,
    model: { ...d.model },
    arms: withFittingGroups(next.arms, d.model),
    activation: d.activation,
    init: { ...d.init },
    optimizer: { ...next.optimizer, ...d.optimizer },
    batchSize: d.batchSize,
    probe: { ...next.probe, ...d.probe },
    schedule: [],
  });
  const opt = { sgd: 'SGD', momentum: 'SGD with momentum', adam: 'Adam' }[d.optimizer.kind];
  return {
    config: out,
    changed: `${d.model.depth} layers of ${d.model.width} ${d.activation === 'relu' ? 'ReLU' : d.activation} units, ${d.init.scheme === 'he' ? 'He' : 'Gaussian'} initialisation, ${opt} at ${d.optimizer.learningRate}, batch ${d.batchSize}`,
  };
}
