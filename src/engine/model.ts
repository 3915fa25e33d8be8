import { armGroups } from '../config/arms';
import type { Activation, ArmConfig, ExperimentConfig, NormKind, Placement } from '../config/schema';
import { tf, type Tensor } from './tf';
import { batchNorm, batchNormInference } from './norm/batch';
import { applyBnNoise, bnNoiseDraw, type BnNoiseSpec } from './norm/noise';
import { layerNorm } from './norm/layer';
import { groupNorm } from './norm/group';
import { initStd } from './init';
import { createRng } from './random';
import { conv3x3, dense } from './layers';

/**
 * The network of one arm, as data: a stack of hidden layers (dense or 3×3 convolution), each followed by the
 * arm's normalization (before or after the nonlinearity), then a dense softmax classifier.
 */
export interface HiddenLayerSpec {
  readonly kind: 'dense' | 'conv';
  /** Output units (dense) or channels (conv). */
  readonly units: number;
  readonly stride: 1 | 2;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
  readonly fanIn: number;
  readonly fanOut: number;
}

export interface Architecture {
  readonly inputShape: readonly number[];
  readonly hidden: readonly HiddenLayerSpec[];
  readonly numClasses: number;
  /** Flattened size of the last hidden layer's output: the classifier's fan-in. */
  readonly classifierFanIn: number;
}

export function buildArchitecture(config: ExperimentConfig, inputShape: readonly number[], numClasses: number): Architecture {
  const hidden: HiddenLayerSpec[] = [];
  if (config.model.kind === 'mlp') {
    let fanIn = inputShape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < config.model.depth; i++) {
      const units = config.model.width;
      hidden.push({ kind: 'dense', units, stride: 1, inShape: [fanIn], outShape: [units], fanIn, fanOut: units });
      fanIn = units;
    }
    return { inputShape, hidden, numClasses, classifierFanIn: fanIn };
  }
  if (inputShape.length !== 3) throw new Error('the CNN needs image input [height, width, channels]');
  let [h, w, c] = inputShape as [number, number, number];
  for (let i = 0; i < config.model.depth; i++) {
    // The first convolution keeps the resolution; later ones halve it while it is above 4×4 (same padding).
    const stride: 1 | 2 = i > 0 && h > 4 ? 2 : 1;
    const units = config.model.width;
    const oh = Math.ceil(h / stride);
    const ow = Math.ceil(w / stride);
    hidden.push({ kind: 'conv', units, stride, inShape: [h, w, c], outShape: [oh, ow, units], fanIn: 9 * c, fanOut: 9 * units });
    [h, w, c] = [oh, ow, units];
  }
  return { inputShape, hidden, numClasses, classifierFanIn: h * w * c };
}

/** What one arm trains: its normalization and where it sits. */
export interface ArmSpec {
  readonly norm: NormKind;
  readonly placement: Placement;
  readonly affine: boolean;
  readonly epsilon: number;
  readonly activation: Activation;
  /** Santurkar et al.'s noise after each batch-norm layer (training mode only), or null. */
  readonly noise: BnNoiseSpec | null;
  /** Group norm's number of groups (the schema checked that it divides every hidden layer); absent for other norms. */
  readonly groups?: number;
}

export function armSpec(arm: ArmConfig, config: ExperimentConfig): ArmSpec {
  return {
    norm: arm.norm,
    placement: arm.placement ?? config.normalization.placement,
    affine: config.normalization.affine,
    epsilon: config.normalization.epsilon,
    activation: config.activation,
    noise: arm.norm === 'batch' && arm.noise ? { strength: arm.noise, seed: config.seed } : null,
    ...(arm.norm === 'group' ? { groups: armGroups(arm, config)! } : {}),
  };
}

export type ParamRole = 'weight' | 'bias' | 'gamma' | 'beta';

/** One trainable tensor's place in the network; layer = hidden index, or hidden.length for the classifier. */
export interface ParamInfo {
  readonly name: string;
  readonly layer: number;
  readonly role: ParamRole;
  readonly shape: readonly number[];
}

/**
 * The parameter list of an arm. Batch norm placed before the nonlinearity makes the layer's bias redundant
 * (the mean subtraction cancels it; β takes its role, Ioffe & Szegedy §3.2), so that bias is left out. Layer and
 * group norm keep it: they subtract a mean over an example's units (of a group), which removes only the bias's
 * average over those units; what varies from unit to unit survives, divided by the example's own σ, which β
 * (added after that division) cannot stand in for. (Group norm with one channel per group, instance norm, right after
 * a convolution does cancel the bias, as batch norm does; kept, it merely has no effect.) Every normalization has γ
 * and β per unit or channel.
 */
export function paramLayout(arch: Architecture, spec: ArmSpec): ParamInfo[] {
  const out: ParamInfo[] = [];
  arch.hidden.forEach((l, i) => {
    const wShape = l.kind === 'dense' ? [l.fanIn, l.units] : [3, 3, l.inShape[2]!, l.units];
    out.push({ name: `hidden${i}.weight`, layer: i, role: 'weight', shape: wShape });
    if (!(spec.norm === 'batch' && spec.placement === 'before')) out.push({ name: `hidden${i}.bias`, layer: i, role: 'bias', shape: [l.units] });
    if (spec.norm !== 'none' && spec.affine) {
      out.push({ name: `hidden${i}.gamma`, layer: i, role: 'gamma', shape: [l.units] });
      out.push({ name: `hidden${i}.beta`, layer: i, role: 'beta', shape: [l.units] });
    }
  });
  const k = arch.hidden.length;
  out.push({ name: 'classifier.weight', layer: k, role: 'weight', shape: [arch.classifierFanIn, arch.numClasses] });
  out.push({ name: 'classifier.bias', layer: k, role: 'bias', shape: [arch.numClasses] });
  return out;
}

/**
 * The standard normal draws behind each layer's weights (hidden layers in order, then the classifier), drawn once per
 * configuration and network and kept while the configuration lives: every arm starts from these same draws, so the
 * second arm of a comparison takes them instead of drawing them again (some 100,000 draws for Ioffe & Szegedy's
 * network, 50–90 ms of a fresh page's way to its first chart). Kept as the float64 values the generator returned, so
 * that an arm's weights, std × draw rounded to float32, are bit for bit what drawing them anew gives.
 */
const weightDraws = new WeakMap<ExperimentConfig, { arch: Architecture; draws: Float64Array[] }>();

function standardDraws(arch: Architecture, config: ExperimentConfig): Float64Array[] {
  const kept = weightDraws.get(config);
  if (kept?.arch === arch) return kept.draws;
  // The weights are drawn layer by layer from the seed's 'init' stream, in a fixed order that does not depend on the arm.
  const rng = createRng(config.seed, 'init');
  const sizes = [...arch.hidden.map((l) => (l.kind === 'dense' ? l.fanIn * l.units : 9 * l.inShape[2]! * l.units)), arch.classifierFanIn * arch.numClasses];
  const draws = sizes.map((n) => {
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = rng.normal();
    return d;
  });
  weightDraws.set(config, { arch, draws });
  return draws;
}

/**
 * Initial values for the layout, shared by all arms: the weights are the configuration's standard normal draws
 * (standardDraws) times each layer's initial standard deviation, so arms start from identical weights.
 */
export function initialValues(arch: Architecture, layout: readonly ParamInfo[], config: ExperimentConfig, scale = config.init.scale): Float32Array[] {
  // An arm with its own scale gets the same draws, scaled: the comparison differs in the scale alone.
  const fans = [...arch.hidden.map((l) => [l.fanIn, l.fanOut] as const), [arch.classifierFanIn, arch.numClasses] as const];
  const weights = standardDraws(arch, config).map((d, i) => {
    const std = initStd(config.init.scheme, scale, fans[i]![0], fans[i]![1]);
    const w = new Float32Array(d.length);
    for (let j = 0; j < d.length; j++) w[j] = std * d[j]!;
    return w;
  });
  return layout.map((p) => {
    const size = p.shape.reduce((a, b) => a * b, 1);
    if (p.role === 'weight') return weights[p.layer]!;
    if (p.role === 'gamma') return new Float32Array(size).fill(1);
    return new Float32Array(size);
  });
}

export function activate(x: Tensor, activation: Activation): Tensor {
  switch (activation) {
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
  }
}

/** Per hidden layer, what a forward pass can hand back for probes and for the running statistics. */
export interface ForwardCapture {
  /** The nonlinearity's input (Ioffe & Szegedy's Figure 1b–c plots its percentiles). */
  preActivations: Tensor[];
  /** The layer's input: the previous layer's output, or the data. */
  inputs: Tensor[];
  /** Batch norm's input, whose batch moments feed the running statistics (training mode only). */
  normInputs: Tensor[];
}

export interface RunningStats {
  mean: Tensor;
  variance: Tensor;
}

/**
 * Training mode normalizes with the batch's statistics; `step` (0-based, the training step the pass belongs to)
 * picks the noise of a noisy batch-norm arm, which a training-mode pass of such an arm must name.
 */
export type Mode = { kind: 'train'; step?: number } | { kind: 'inference'; running: readonly (RunningStats | null)[] };

/**
 * The forward pass of one arm. `params` follows `layout`. In training mode batch norm uses the batch's statistics
 * (with the custom §3 gradient); in inference mode it uses the running ones. Returns the logits.
 */
export function forward(
  arch: Architecture,
  spec: ArmSpec,
  layout: readonly ParamInfo[],
  params: readonly Tensor[],
  x: Tensor,
  mode: Mode,
  capture?: ForwardCapture,
  /** Per hidden layer, zeros added to its batch-norm output: their gradient is that layer's ∂ℓ/∂y. */
  taps?: readonly Tensor[],
): Tensor {
  const byName = new Map<string, Tensor>();
  layout.forEach((p, i) => byName.set(p.name, params[i]!));
  let h = arch.hidden[0]?.kind === 'conv' ? tf.reshape(x, [-1, ...arch.inputShape]) : x;
  arch.hidden.forEach((l, i) => {
    capture?.inputs.push(h);
    const weight = byName.get(`hidden${i}.weight`)!;
    const opts = { inputGrad: i > 0 };
    let z = l.kind === 'dense' ? dense(h, weight, opts) : conv3x3(h, weight, l.stride, opts);
    const bias = byName.get(`hidden${i}.bias`);
    if (bias) z = tf.add(z, bias);
    const normalize = (t: Tensor): Tensor => {
      if (spec.norm === 'none') return t;
      const gamma = byName.get(`hidden${i}.gamma`) ?? tf.onesLike(bias ?? tf.zeros([l.units]));
      const beta = byName.get(`hidden${i}.beta`) ?? tf.zeros([l.units]);
      if (spec.norm === 'layer') return layerNorm(t, gamma, beta, { epsilon: spec.epsilon });
      // Each example's own statistics per group: no running averages, the same in training and inference.
      if (spec.norm === 'group') {
        if (spec.groups === undefined) throw new Error('a group-norm arm needs its number of groups');
        return groupNorm(t, gamma, beta, { groups: spec.groups, epsilon: spec.epsilon });
      }
      if (mode.kind === 'train') {
        capture?.normInputs.push(t);
        let y = batchNorm(t, gamma, beta, { epsilon: spec.epsilon });
        const tap = taps?.[i];
        if (tap) y = tf.add(y, tap);
        // The tap sits before the noise: its gradient stays batch norm's own ∂ℓ/∂y, as the inspector shows it.
        if (!spec.noise) return y;
        if (mode.step === undefined) throw new Error('a noisy batch-norm arm needs the training step in training mode');
        return applyBnNoise(y, bnNoiseDraw(spec.noise, mode.step, i, l.units));
      }
      const run = mode.running[i];
      if (!run) throw new Error(`no running statistics for batch-norm layer ${i}`);
      return batchNormInference(t, gamma, beta, run.mean, run.variance, { epsilon: spec.epsilon });
    };
    if (spec.placement === 'before') z = normalize(z);
    capture?.preActivations.push(z);
    h = activate(z, spec.activation);
    if (spec.placement === 'after') h = normalize(h);
  });
  if (h.rank > 2) h = tf.reshape(h, [h.shape[0]!, -1]);
  return tf.add(dense(h, byName.get('classifier.weight')!), byName.get('classifier.bias')!);
}

/** Mean softmax cross-entropy of logits against integer labels. */
export function crossEntropy(logits: Tensor, labels: Tensor, numClasses: number): Tensor {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)));
}
