import { z } from 'zod';
import { armGroups, armName, DEFAULT_GROUPS, defaultGroups, groupChoices, hiddenWidths, type ModelShape } from './arms';

/**
 * ExperimentConfig: everything that determines a run. One schema validates the share link, the CLI's input
 * and the presets, so the three can never drift apart. Every bound here is the bound the UI's controls use.
 * Versioned: a link made by version 1 must keep opening once version 2 exists (add a migration, don't edit).
 */
export const CONFIG_VERSION = 1;

export const DATASETS = ['mnist', 'spirals', 'circles', 'xor', 'blobs'] as const;
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
export const NORMS = ['none', 'batch', 'layer', 'group'] as const;
export const INITS = ['gaussian', 'glorot', 'he'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const PLACEMENTS = ['before', 'after'] as const;
export const MODEL_KINDS = ['mlp', 'cnn'] as const;

export type DatasetName = (typeof DATASETS)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type NormKind = (typeof NORMS)[number];
export type InitScheme = (typeof INITS)[number];
export type OptimizerKind = (typeof OPTIMIZERS)[number];
export type Placement = (typeof PLACEMENTS)[number];

const num = (min: number, max: number) => z.number().finite().min(min).max(max);
const int = (min: number, max: number) => z.number().int().min(min).max(max);
/** probe.testSize's largest value, and its default: the whole test set (MNIST's holds 2,000 digits). */
export const MAX_TEST_SIZE = 10000;

/** The most channels a CNN layer may have (model.width's own bound, 512, is for MLP units). */
export const CNN_MAX_WIDTH = 64;

/**
 * Training examples per dataset: the digits' split is fixed when `public/data/mnist.bin` is built
 * (scripts/convert-mnist.mjs, NUM_TRAIN) and the 2-D sets draw 800 (engine/data/synthetic.ts). A batch can't be larger.
 */
export function trainExamples(dataset: (typeof DATASETS)[number]): number {
  return dataset === 'mnist' ? 8000 : 800;
}

/** The strongest noise an arm may inject after batch norm: shifts up to ±5, scales from 1/6 to 6. */
export const BN_NOISE_MAX = 5;

// The pure helpers (group counts, arm names) live in arms.ts, free of zod, for the engine: re-exported here.
export { armGroups, armName, DEFAULT_GROUPS, defaultGroups, groupChoices, hiddenWidths };

export const armSchema = z.strictObject({
  /** Shown in legends; defaults to a name derived from the settings ("BN", "plain"). */
  label: z.string().min(1).max(40).optional(),
  norm: z.enum(NORMS),
  /** Per-arm learning rate, e.g. Ioffe & Szegedy's "BN-x5"; falls back to optimizer.learningRate. */
  learningRate: num(1e-5, 10).optional(),
  /** Per-arm initial scale (std or gain, as init.scale): the same draws, scaled; falls back to init.scale. */
  initScale: num(1e-4, 10).optional(),
  /** Where this arm's normalization sits; falls back to normalization.placement. */
  placement: z.enum(PLACEMENTS).optional(),
  /**
   * Santurkar et al.'s (2018, §2.1) "noisy" batch norm: in training, each batch-norm output unit is scaled and
   * shifted by random amounts drawn anew at every step, of this strength n (shift ~ U(−n, n), scale between
   * 1/(1 + n) and 1 + n; src/engine/norm/noise.ts). 0 or absent: off. Batch-norm arms only.
   */
  noise: num(0, BN_NOISE_MAX).optional(),
  /**
   * Group norm's number of groups G (Wu & He 2018): each example is normalized over each group of width/G consecutive
   * units or channels. 1 is layer norm; on a CNN, G = channels is instance norm. It must divide every hidden layer's
   * width (checked with the model, below); absent: defaultGroups. Group-norm arms only.
   */
  groups: int(1, 512).optional(),
})
  .refine((a) => a.noise === undefined || a.norm === 'batch', { message: 'noise after batch norm needs a batch-norm arm', path: ['noise'] })
  .refine((a) => a.groups === undefined || a.norm === 'group', { message: 'a number of groups needs a group-norm arm', path: ['groups'] });

/**
 * A change applied from a given step on, without restarting the run (a learning-rate drop at step 300). Only the
 * settings where "from now on" has a meaning can change: the rest define the network or its data.
 */
export const changeSchema = z
  .strictObject({
    /** The base learning rate; an arm with its own rate keeps its ratio to the base (BN ×5 stays 5×). */
    learningRate: num(1e-5, 10).optional(),
    /** Heavy-ball momentum of the 'momentum' optimizer. */
    momentum: num(0, 0.999).optional(),
    /** Running-statistics momentum of batch norm (PyTorch's convention). */
    bnMomentum: num(0.001, 1).optional(),
    batchSize: int(2, 1000).optional(),
    /** false freezes γ and β at their current values; true lets them learn again. */
    affine: z.boolean().optional(),
    /** 'inference': batch norm normalizes with its running statistics (frozen) while training goes on. */
    bnMode: z.enum(['train', 'inference']).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'a change must set at least one setting' });

export const scheduleEventSchema = z.strictObject({
  /** The change holds from this step on: it applies after `step` training steps, before the next (0: from the start). */
  step: int(0, 1_000_000),
  set: changeSchema,
});

export const CHANGE_KEYS = ['learningRate', 'momentum', 'bnMomentum', 'batchSize', 'affine', 'bnMode'] as const;
export type ChangeKey = (typeof CHANGE_KEYS)[number];
export type ScheduleChange = z.output<typeof changeSchema>;
export type ScheduleEvent = z.output<typeof scheduleEventSchema>;

export const configSchema = z
  .strictObject({
    version: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
    /** The only source of randomness: initial weights, batch order, synthetic data. */
    seed: int(0, 2 ** 31 - 1).default(1),
    dataset: z
      .strictObject({
        name: z.enum(DATASETS).default('mnist'),
        /** Noise level of the 2-D sets, 0 (clean) … 1 (heavily overlapping); ignored for MNIST. */
        noise: num(0, 1).default(0.15),
      })
      .default({ name: 'mnist', noise: 0.15 }),
    model: z
      .strictObject({
        kind: z.enum(MODEL_KINDS).default('mlp'),
        /** Hidden layers (MLP) or convolutional layers (CNN). */
        depth: int(1, 8).default(3),
        /** Units per hidden layer (MLP) or channels per convolution (CNN). */
        width: int(2, 512).default(100),
      })
      .default({ kind: 'mlp', depth: 3, width: 100 }),
    activation: z.enum(ACTIVATIONS).default('sigmoid'),
    init: z
      .strictObject({
        scheme: z.enum(INITS).default('gaussian'),
        /** Gaussian: the standard deviation; Glorot and He: a gain on their standard deviation. */
        scale: num(1e-4, 10).default(0.1),
      })
      .default({ scheme: 'gaussian', scale: 0.1 }),
    optimizer: z
      .strictObject({
        kind: z.enum(OPTIMIZERS).default('sgd'),
        learningRate: num(1e-5, 10).default(0.5),
        /** Heavy-ball momentum (optimizer 'momentum'). */
        momentum: num(0, 0.999).default(0.9),
        beta1: num(0, 0.9999).default(0.9),
        beta2: num(0, 0.99999).default(0.999),
      })
      .default({ kind: 'sgd', learningRate: 0.5, momentum: 0.9, beta1: 0.9, beta2: 0.999 }),
    batchSize: int(2, 1000).default(60),
    normalization: z
      .strictObject({
        placement: z.enum(PLACEMENTS).default('before'),
        /** Running-statistics momentum in PyTorch's convention (weight of the new batch); Keras's is 1 − this. */
        momentum: num(0.001, 1).default(0.1),
        epsilon: num(1e-8, 1).default(1e-5),
        /** Learnable γ and β. */
        affine: z.boolean().default(true),
      })
      .default({ placement: 'before', momentum: 0.1, epsilon: 1e-5, affine: true }),
    arms: z.array(armSchema).min(1).max(4).default([{ norm: 'none' }, { norm: 'batch' }]),
    probe: z
      .strictObject({
        /** Probe every k training steps. */
        interval: int(1, 1000).default(20),
        /** Fixed examples from the test set whose activations the distribution views show. */
        batchSize: int(16, 2000).default(500),
        /**
         * Test examples each probe scores (test loss and accuracy): the test set's first n, a fixed subsample, or all
         * of it when it holds fewer; never fewer than the probe batch, which is their first rows. A CNN's probe
         * spends most of its time here (cnn-mnist scores 500 of the 2,000 test digits, the MNIST MLP presets 1,000).
         */
        testSize: int(100, MAX_TEST_SIZE).default(MAX_TEST_SIZE),
        bins: int(8, 200).default(48),
        /** Range of the fixed histogram bins of the nonlinearity's input. */
        range: num(0.5, 100).default(8),
        /**
         * Santurkar et al.'s loss landscape (2018, §3.1) at every probe: the loss and gradient along the gradient at
         * several step sizes, five more forward and backward passes per arm, so it is off unless asked for.
         */
        landscape: z.boolean().default(false),
      })
      .default({ interval: 20, batchSize: 500, testSize: MAX_TEST_SIZE, bins: 48, range: 8, landscape: false }),
    /** Changes during the run, in step order: part of the run, so a link or a CLI config replays them exactly. */
    schedule: z.array(scheduleEventSchema).max(32).default([]),
  })
  .superRefine((c, ctx) => {
    c.schedule.forEach((e, i) => {
      const prev = c.schedule[i - 1];
      if (prev && e.step <= prev.step) {
        ctx.addIssue({ code: 'custom', path: ['schedule', i, 'step'], message: 'events must be in increasing step order, one per step' });
      }
      const bn = c.arms.some((a) => a.norm === 'batch');
      if (!bn && (e.set.bnMomentum !== undefined || e.set.bnMode !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['schedule', i, 'set'], message: 'batch-norm changes need an arm with batch norm' });
      }
      if (e.set.affine !== undefined && (!c.arms.some((a) => a.norm !== 'none') || !c.normalization.affine)) {
        ctx.addIssue({ code: 'custom', path: ['schedule', i, 'set', 'affine'], message: 'γ and β exist only in an arm with normalization and learnable γ, β' });
      }
      if (e.set.momentum !== undefined && c.optimizer.kind !== 'momentum') {
        ctx.addIssue({ code: 'custom', path: ['schedule', i, 'set', 'momentum'], message: 'the optimizer momentum applies to optimizer "momentum" only' });
      }
    });
    const examples = trainExamples(c.dataset.name);
    if (c.batchSize > examples) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `a batch can hold at most the ${examples} training examples of "${c.dataset.name}"` });
    }
    c.schedule.forEach((e, i) => {
      if (e.set.batchSize !== undefined && e.set.batchSize > examples) {
        ctx.addIssue({ code: 'custom', path: ['schedule', i, 'set', 'batchSize'], message: `a batch can hold at most the ${examples} training examples of "${c.dataset.name}"` });
      }
    });
    if (c.model.kind === 'cnn' && c.dataset.name !== 'mnist') {
      ctx.addIssue({ code: 'custom', path: ['model', 'kind'], message: 'the CNN needs image input: use dataset "mnist"' });
    }
    if (c.model.kind === 'cnn' && c.model.width > CNN_MAX_WIDTH) {
      ctx.addIssue({ code: 'custom', path: ['model', 'width'], message: `a CNN has at most ${CNN_MAX_WIDTH} channels per layer here` });
    }
    c.arms.forEach((a, i) => {
      const g = a.norm === 'group' ? a.groups : undefined;
      // A count that is not a whole number of at least 1 is the field's own error, reported once.
      const problem = g !== undefined && Number.isInteger(g) && g >= 1 ? groupsProblem(g, c.model) : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['arms', i, 'groups'], message: `arm ${i + 1}'s ${problem}` });
    });
  });

/** Why `groups` cannot split this network's hidden layers, naming the first layer it fails on; null when it can. */
function groupsProblem(groups: number, model: ModelShape): string | null {
  const what = model.kind === 'cnn' ? 'channels' : 'units';
  const choices = `use one of ${groupChoices(model).join(', ')}`;
  const widths = hiddenWidths(model);
  for (const [j, w] of widths.entries()) {
    if (w % groups !== 0) return `${groups} groups do not divide the ${w} ${what} of hidden layer ${j + 1}; ${choices}`;
    if (model.kind === 'mlp' && w / groups < 2) {
      return `${groups} groups leave one unit per group in hidden layer ${j + 1}, which group norm maps to β whatever the input; ${choices}`;
    }
  }
  return null;
}

export type ExperimentConfig = z.output<typeof configSchema>;
export type ExperimentConfigInput = z.input<typeof configSchema>;
export type ArmConfig = z.output<typeof armSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** One line per problem, naming the field and the allowed values or range. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root: z.ZodType = configSchema): string[] {
  return issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(config)';
    switch (issue.code) {
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
        const what = issue.origin === 'array' ? 'entries' : issue.origin === 'string' ? 'characters' : '';
        return `${field}: must be ${bound}${what ? ` ${what}` : ''}${rangeHint(field, root)}`;
      }
      case 'invalid_value':
        return `${field}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      case 'invalid_type':
        return `${field}: expected ${issue.expected}`;
      case 'unrecognized_keys':
        return `${field}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      default:
        return `${field}: ${issue.message}`;
    }
  });
}

/** For numeric fields, the full allowed range, read off the schema itself so the message cannot go stale. */
function rangeHint(field: string, root: z.ZodType): string {
  const r = numericRange(field, root);
  return r ? ` (allowed ${r.min} … ${r.max})` : '';
}

/**
 * The [min, max] of a numeric field of the schema, by dotted path ("optimizer.learningRate", "arms.0.initScale"),
 * for messages and the UI's controls. Read through zod's public API (ZodObject.shape, ZodArray.element, unwrap(),
 * ZodNumber.minValue/maxValue), so a zod upgrade that reshapes its internals cannot silently break the bounds.
 */
export function numericRange(field: string, root: z.ZodType = configSchema): { min: number; max: number } | null {
  let node: z.ZodType = root;
  for (const key of field.split('.')) {
    node = unwrap(node);
    if (node instanceof z.ZodObject && Object.hasOwn(node.shape, key)) node = node.shape[key] as z.ZodType;
    else if (node instanceof z.ZodArray && /^\d+$/.test(key)) node = node.element as z.ZodType;
    else return null;
  }
  node = unwrap(node);
  if (!(node instanceof z.ZodNumber)) return null;
  const min = node.minValue ?? -Infinity;
  const max = node.maxValue ?? Infinity;
  return Number.isFinite(min) || Number.isFinite(max) ? { min, max } : null;
}

/** The schema under defaults, optionals and pipes: the one that holds the field's own checks. */
function unwrap(node: z.ZodType): z.ZodType {
  for (let i = 0; i < 8; i++) {
    if (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
    else if (node instanceof z.ZodPipe) node = node.in as z.ZodType;
    else break;
  }
  return node;
}

/** Validates unknown input (a URL, a CLI flag set, a preset) into a complete configuration, or throws ConfigError. */
export function parseConfig(input: unknown): ExperimentConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}
