import { z } from 'zod';
import type { Coverage, RingSpec } from './ring';

// The GAN's settings, arms and probe types, apart from its trainer: the page's view reads them without loading
// TensorFlow.js (which reads the address as it loads, so it must not come with the page's first code).

/** The settings of the GAN on a ring (see GanTrainer in gan.ts). */
export const ganConfigSchema = z
  .object({
    seed: z.number().int().min(1).max(2 ** 31 - 1).default(1),
    modes: z.number().int().min(2).max(16).default(8),
    radius: z.number().min(0.5).max(10).default(2),
    std: z.number().min(0.005).max(0.5).default(0.05),
    noiseDim: z.number().int().min(1).max(16).default(4),
    hidden: z.number().int().min(4).max(256).default(64),
    batchSize: z.number().int().min(2).max(1024).default(64),
    learningRate: z.number().gt(0).max(0.1).default(1e-3),
    beta1: z.number().min(0).max(0.9999).default(0.5),
    beta2: z.number().min(0).max(0.99999).default(0.999),
    /** Running statistics, PyTorch's convention (the weight of the new batch). */
    bnMomentum: z.number().gt(0).max(1).default(0.1),
    epsilon: z.number().gt(0).max(0.1).default(1e-5),
    /** Generated samples drawn at each probe, from the same fixed noise every time. */
    probeSamples: z.number().int().min(8).max(4096).default(512),
  })
  .strict();

export type GanConfig = z.infer<typeof ganConfigSchema>;
export const DEFAULT_GAN_CONFIG: GanConfig = ganConfigSchema.parse({});

export type GanArmKind = 'plain' | 'batchnorm';
export const GAN_ARMS: readonly { kind: GanArmKind; name: string }[] = [
  { kind: 'plain', name: 'no BN' },
  { kind: 'batchnorm', name: 'BN in G' },
];

export function ringOf(cfg: GanConfig): RingSpec {
  return { modes: cfg.modes, radius: cfg.radius, std: cfg.std };
}

/** One arm at one probe. */
export interface GanArmProbe {
  readonly kind: GanArmKind;
  /** Mean discriminator and generator losses over the training steps since the last probe (NaN at step 0). */
  readonly dLoss: number;
  readonly gLoss: number;
  /**
   * The generator's samples from the fixed probe noise, [x, y, …], in inference mode: batch norm uses its running
   * averages, so each point is a function of its own noise alone, as a trained generator is used. In training mode a
   * sample would move with whichever other noise shared its batch.
   */
  readonly samples: Float32Array;
  readonly coverage: Coverage;
  /** The same noise in training mode (batch norm over the probe batch's own statistics); the plain arm: null. */
  readonly trainModeCoverage: Coverage | null;
  /** The first step whose losses were not finite, or null. */
  readonly divergedAt: number | null;
}

export interface GanProbe {
  readonly step: number;
  readonly arms: readonly GanArmProbe[];
}

