import type { Architecture, ArmSpec, HiddenLayerSpec, ParamInfo } from './model';

/**
 * Folding batch norm into the network for inference.
 *
 * With its running statistics fixed, batch norm is an affine map per unit (channel, for a convolution):
 *   BN(x) = γ (x − μ_run)/√(σ²_run + ε) + β = s·x + (β − μ_run·s),   s = γ/√(σ²_run + ε)
 * (Ioffe & Szegedy 2015, Algorithm 2, step 11). An affine map after a linear layer is a linear layer, so the
 * normalization disappears into the weights and the inference network runs with no normalization step at all:
 *   - batch norm before the nonlinearity, z = W·h + b: W′ = W·diag(s) (each output unit's column, or each output
 *     channel's 3×3×C filter, times s_k) and b′ = (b − μ_run)·s + β. The engine leaves b out under batch norm
 *     placed before (paramLayout: β takes its role), so there b′ = β − μ_run·s;
 *   - batch norm after the nonlinearity: s and the shift t = β − μ_run·s act on the NEXT layer's input, so they
 *     fold into that layer: row r of its weights times s_c and its bias plus Σ_r W[r, o]·t_c, c the unit (channel)
 *     that input r comes from. Exact when that layer is dense (a hidden dense layer or the classifier, which reads
 *     a convolution's output flattened). Not exact when it is a 3×3 convolution with 'same' padding: its padding
 *     zeros are added after batch norm, and folded weights would treat them as pre-normalization zeros, i.e. shift
 *     the border pixels by t. foldBatchNorm refuses that case (foldTarget and foldRefusal say why) rather than approximate.
 *
 * Everything here is plain arithmetic on arrays, in float64 (a shift like β − μ_run·s loses digits in float32 when
 * μ_run is large against the spread), cast to float32 at the end. No tfjs: the step inspector uses the same per-unit
 * function (foldedAffine) on the numbers of a probe, on the page's main thread.
 */

/** Inference-mode batch norm of one unit as y = scale·x + shift, x the linear layer's output before its bias. */
export interface FoldedUnit {
  /** s = γ/√(σ²_run + ε). */
  scale: number;
  /** (b − μ_run)·s + β: the folded bias b′ (with b = 0 where the layer has no bias of its own, t = β − μ_run·s). */
  shift: number;
}

/** One unit: s = γ/√(σ²_run + ε) and (b − μ_run)·s + β, in float64. */
export function foldedUnit(gamma: number, beta: number, runningMean: number, runningVariance: number, epsilon: number, bias = 0): FoldedUnit {
  const scale = gamma / Math.sqrt(runningVariance + epsilon);
  return { scale, shift: (bias - runningMean) * scale + beta };
}

/** Every unit of a layer (foldedUnit per index), as float64 arrays. */
export function foldedAffine(
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  runningMean: ArrayLike<number>,
  runningVariance: ArrayLike<number>,
  epsilon: number,
  bias?: ArrayLike<number>,
): { scale: Float64Array; shift: Float64Array } {
  const n = runningMean.length;
  if (gamma.length !== n || beta.length !== n || runningVariance.length !== n || (bias && bias.length !== n)) {
    throw new RangeError(`foldedAffine: γ, β, μ_run, σ²_run${bias ? ', b' : ''} must have one value per unit (${n})`);
  }
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = foldedUnit(gamma[k]!, beta[k]!, runningMean[k]!, runningVariance[k]!, epsilon, bias ? bias[k]! : 0);
    scale[k] = u.scale;
    shift[k] = u.shift;
  }
  return { scale, shift };
}

/** What can be folded: only the structure matters (an Architecture's hidden layers, or the page's layer list). */
export interface FoldableStructure {
  readonly hidden: readonly Pick<HiddenLayerSpec, 'kind'>[];
}

/**
 * Where hidden layer `layer`'s normalization folds: into the layer itself (batch norm before the nonlinearity), into
 * the next layer (after it; `into` = arch.hidden.length is the classifier), or nowhere, with the reason.
 */
export type FoldTarget = { kind: 'none-needed' } | { kind: 'fold'; into: number } | { kind: 'refused'; reason: string };

export function foldTarget(arch: FoldableStructure, spec: Pick<ArmSpec, 'norm' | 'placement'>, layer: number): FoldTarget {
  if (spec.norm === 'none') return { kind: 'none-needed' };
  if (spec.norm !== 'batch') {
    return {
      kind: 'refused',
      reason: `${spec.norm} norm normalizes each example by statistics of that example, which change with the input: it is no fixed affine map, so it does not fold into the weights`,
    };
  }
  if (spec.placement === 'before') return { kind: 'fold', into: layer };
  const next = arch.hidden[layer + 1];
  if (next?.kind === 'conv') {
    return {
      kind: 'refused',
      reason: `batch norm after the nonlinearity of layer ${layer + 1} feeds layer ${layer + 2}, a convolution whose zero padding comes after the normalization: folded weights would shift the border pixels, so the fold would not be exact`,
    };
  }
  return { kind: 'fold', into: layer + 1 };
}

/**
 * Why an arm's normalization cannot be folded exactly (the first layer's reason), or null when it can. Without
 * normalization there is nothing to fold (null: folding is the identity).
 */
export function foldRefusal(arch: FoldableStructure, spec: Pick<ArmSpec, 'norm' | 'placement'>): string | null {
  for (let j = 0; j < arch.hidden.length; j++) {
    const target = foldTarget(arch, spec, j);
    if (target.kind === 'refused') return target.reason;
  }
  return null;
}

/** A network as plain arrays: what LockstepTrainer.snapshotArm returns and what foldBatchNorm returns. */
export interface ArmArrays {
  readonly spec: ArmSpec;
  readonly layout: readonly ParamInfo[];
  /** One array per layout entry, row-major in its shape. */
  readonly params: readonly ArrayLike<number>[];
}

export interface RunningArrays {
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
}

export interface FoldedNetwork extends ArmArrays {
  /** The arm's spec with norm 'none' (and no noise): forward() runs it with no normalization. */
  readonly spec: ArmSpec;
  /** paramLayout(arch, spec): a weight and a bias per layer, the classifier's last. */
  readonly layout: ParamInfo[];
  readonly params: Float32Array[];
}

/**
 * The network that batch norm's inference mode computes, with batch norm folded into the weights and biases: run
 * through forward() in inference mode it gives the arm's inference-mode logits (to float32 rounding). `running`
 * has one entry per hidden layer (null where there is no batch norm), as the trainer keeps them. Throws with
 * foldRefusal's reason when the fold would not be exact.
 */
export function foldBatchNorm(arch: Architecture, arm: ArmArrays, running: readonly (RunningArrays | null)[]): FoldedNetwork {
  const { spec, layout, params } = arm;
  if (params.length !== layout.length) throw new RangeError(`foldBatchNorm: ${params.length} arrays for ${layout.length} parameters`);
  const refusal = foldRefusal(arch, spec);
  if (refusal) throw new Error(`cannot fold: ${refusal}`);
  const L = arch.hidden.length;
  const find = (layer: number, role: ParamInfo['role']): ArrayLike<number> | undefined => {
    const i = layout.findIndex((p) => p.layer === layer && p.role === role);
    return i >= 0 ? params[i] : undefined;
  };
  // Per layer (the classifier is layer L): its weights and bias in float64, the bias zero where the layout has none.
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let j = 0; j <= L; j++) {
    const w = find(j, 'weight');
    if (!w) throw new Error(`foldBatchNorm: layer ${j} has no weights in the layout`);
    weights.push(Float64Array.from(w));
    const units = j < L ? arch.hidden[j]!.units : arch.numClasses;
    const b = find(j, 'bias');
    biases.push(b ? Float64Array.from(b) : new Float64Array(units));
  }

  if (spec.norm === 'batch') {
    for (let j = 0; j < L; j++) {
      const units = arch.hidden[j]!.units;
      const run = running[j];
      if (!run) throw new Error(`foldBatchNorm: no running statistics for batch-norm layer ${j}`);
      // Without learnable γ, β (affine off) the engine normalizes with γ = 1, β = 0.
      const gamma = find(j, 'gamma') ?? new Float64Array(units).fill(1);
      const beta = find(j, 'beta') ?? new Float64Array(units);
      if (spec.placement === 'before') {
        // z = W·h + b, then BN: scale every output unit's weights (the last axis, dense or conv) and fold the bias.
        const { scale, shift } = foldedAffine(gamma, beta, run.mean, run.variance, spec.epsilon, biases[j]);
        scaleLastAxis(weights[j]!, scale);
        biases[j] = shift;
      } else {
        // h = s·a + t feeds layer j + 1 (dense, or the classifier): input row r comes from unit r mod units, as a
        // convolution's NHWC output flattens with the channel fastest.
        const { scale, shift } = foldedAffine(gamma, beta, run.mean, run.variance, spec.epsilon);
        const w = weights[j + 1]!;
        const b = biases[j + 1]!;
        const out = b.length;
        const rows = w.length / out;
        for (let r = 0; r < rows; r++) {
          const c = r % units;
          const s = scale[c]!;
          const t = shift[c]!;
          for (let o = 0; o < out; o++) {
            const k = r * out + o;
            // The bias takes the original weight times the shift, before the weight is rescaled.
            b[o] = b[o]! + w[k]! * t;
            w[k] = w[k]! * s;
          }
        }
      }
    }
  }

  const folded: ArmSpec = { ...spec, norm: 'none', noise: null };
  const outLayout: ParamInfo[] = [];
  const outParams: Float32Array[] = [];
  for (let j = 0; j <= L; j++) {
    const shape = layout.find((p) => p.layer === j && p.role === 'weight')!.shape;
    const name = j < L ? `hidden${j}` : 'classifier';
    outLayout.push({ name: `${name}.weight`, layer: j, role: 'weight', shape: [...shape] });
    outLayout.push({ name: `${name}.bias`, layer: j, role: 'bias', shape: [biases[j]!.length] });
    outParams.push(Float32Array.from(weights[j]!), Float32Array.from(biases[j]!));
  }
  return { spec: folded, layout: outLayout, params: outParams };
}

/** w (row-major, last axis = output unit) times scale[k] along its last axis, in place. */
function scaleLastAxis(w: Float64Array, scale: Float64Array): void {
  const units = scale.length;
  for (let i = 0; i < w.length; i++) w[i] = w[i]! * scale[i % units]!;
}
