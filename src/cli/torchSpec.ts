import { armName, type ExperimentConfig } from '../config/schema';
import { armSpec, paramLayout, type Architecture } from '../engine/model';
import { samePadding } from '../export/network';

/**
 * What scripts/torch-bench.py builds in PyTorch to anchor the engine's speed: the engine's own architecture (from
 * buildArchitecture, not re-derived), each arm's normalization, placement, learning rate and initial scale, the
 * optimizer and batch size. Pure data, sent to the Python child as one JSON line.
 */
export interface TorchLayerSpec {
  readonly kind: 'dense' | 'conv';
  readonly units: number;
  readonly stride: number;
  readonly fanIn: number;
  readonly fanOut: number;
  /** Conv only: input channels, and TensorFlow's 'same' padding as [top, bottom, left, right]. */
  readonly inChannels?: number;
  readonly padding?: readonly [number, number, number, number];
}

export interface TorchArmSpec {
  readonly name: string;
  readonly norm: MirroredNorm;
  readonly placement: 'before' | 'after';
  readonly affine: boolean;
  readonly epsilon: number;
  /** Running-statistics momentum in PyTorch's convention (the configuration's own). */
  readonly bnMomentum: number;
  readonly learningRate: number;
  readonly initScale: number;
}

export interface TorchNetSpec {
  readonly seed: number;
  readonly inputShape: readonly number[];
  readonly hidden: readonly TorchLayerSpec[];
  readonly classifierFanIn: number;
  readonly numClasses: number;
  readonly activation: ExperimentConfig['activation'];
  readonly init: ExperimentConfig['init'];
  readonly optimizer: ExperimentConfig['optimizer'];
  readonly batchSize: number;
  readonly arms: readonly TorchArmSpec[];
}

/** The normalizations scripts/torch-bench.py builds (BatchNorm1d/2d, LayerNorm, GroupNorm(1, C) for a CNN's layer norm). */
export const MIRRORED_NORMS = ['none', 'batch', 'layer'] as const;
export type MirroredNorm = (typeof MIRRORED_NORMS)[number];

/**
 * Why PyTorch cannot run this configuration as the engine does, or null when it can. Noise after batch norm and
 * a schedule of changes are the engine's own mechanics, which the anchor does not reproduce, and a normalization it
 * does not build would be a different network: a ratio against a different computation would mislead.
 */
export function torchMirrorProblem(config: ExperimentConfig): string | null {
  const other = config.arms.find((a) => !(MIRRORED_NORMS as readonly string[]).includes(a.norm));
  if (other) return `${other.norm} norm is not mirrored in PyTorch`;
  if (config.arms.some((a) => a.noise)) return 'noise after batch norm is not mirrored in PyTorch';
  if (config.schedule.length > 0) return 'a schedule of changes is not mirrored in PyTorch';
  return null;
}

/** The PyTorch mirror of a configuration that torchMirrorProblem accepts. */
export function torchNetSpec(config: ExperimentConfig, arch: Architecture): TorchNetSpec {
  const problem = torchMirrorProblem(config);
  if (problem) throw new Error(problem);
  const hidden = arch.hidden.map((l): TorchLayerSpec => {
    if (l.kind === 'dense') return { kind: 'dense', units: l.units, stride: 1, fanIn: l.fanIn, fanOut: l.fanOut };
    const [h, w, c] = l.inShape as [number, number, number];
    const [top, bottom] = samePadding(h, l.stride);
    const [left, right] = samePadding(w, l.stride);
    return { kind: 'conv', units: l.units, stride: l.stride, fanIn: l.fanIn, fanOut: l.fanOut, inChannels: c, padding: [top, bottom, left, right] };
  });
  const { placement, affine, epsilon, momentum } = config.normalization;
  return {
    seed: config.seed,
    inputShape: [...arch.inputShape],
    hidden,
    classifierFanIn: arch.classifierFanIn,
    numClasses: arch.numClasses,
    activation: config.activation,
    init: config.init,
    optimizer: config.optimizer,
    batchSize: config.batchSize,
    arms: config.arms.map((a) => ({
      name: armName(a, config),
      norm: a.norm as MirroredNorm,
      placement: a.placement ?? placement,
      affine,
      epsilon,
      bnMomentum: momentum,
      learningRate: a.learningRate ?? config.optimizer.learningRate,
      initScale: a.initScale ?? config.init.scale,
    })),
  };
}

/**
 * Each arm's count of trainable parameters in the engine (weights, biases, γ and β as paramLayout lists them): the
 * PyTorch mirror must have the same, or it is not the same network.
 */
export function engineParameterCounts(config: ExperimentConfig, arch: Architecture): number[] {
  return config.arms.map((a) => paramLayout(arch, armSpec(a, config)).reduce((n, p) => n + p.shape.reduce((x, y) => x * y, 1), 0));
}
