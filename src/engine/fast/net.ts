import type { ExperimentConfig } from '../../config/schema';
import type { Architecture, ArmSpec, HiddenLayerSpec, ParamInfo } from '../model';
import { bnNoiseDraw } from '../norm/noise';
import { samePadding } from '../layers';
import type { FastKernels } from './kernels';
import { INSPECT_SAMPLES } from '../probes/batchNorm';
import type { BatchNormInspection } from '../probes/types';

/**
 * One arm's network on the fast path: its parameters, gradients, optimizer state and every activation of a
 * training step live in the WebAssembly module's memory, and a step is one call per layer operation (about 40 for
 * the ioffe network), with no tensor allocated. It computes what the tfjs path computes (model.ts, the §3 backward
 * pass of norm/standardize.ts, optimizers.ts), in the same float32 operations up to the order of the sums:
 * fast.test.ts trains both from the same weights on the same batches and compares losses, gradients and weights.
 *
 * The tfjs path stays the reference, the WebGL path and the path of every probe: `read()` hands the state back as
 * arrays, which the trainer copies into its tensors before it measures.
 */

const ACTIVATION = { sigmoid: 0, tanh: 1, relu: 2 } as const;

/** The live settings a step runs with (the schedule can change them between steps). */
export interface FastStepSettings {
  readonly learningRate: number;
  readonly optimizer: ExperimentConfig['optimizer'];
  /** γ and β frozen (schedule `affine: false`): neither they nor their optimizer state change. */
  readonly frozenAffine: boolean;
  readonly bnMomentum: number;
  /** The 0-based training step: Adam's bias correction and the noise draws of a noisy batch-norm arm. */
  readonly step: number;
}

export interface FastState {
  params: Float32Array[];
  /** In the tfjs optimizer's order: momentum [v per param]; Adam [m per param…, v per param…]; SGD none. */
  optState: Float32Array[];
  running: ({ mean: Float32Array; variance: Float32Array } | null)[];
}

/** A pass of the probes (forwardOnly): batch norm with the running averages, or with the rows' own statistics. */
export type FastPassMode = { readonly kind: 'inference' } | { readonly kind: 'train'; readonly step: number };

/** What a probe pass hands back of its first rows, per hidden layer. */
export interface FastCapture {
  /**
   * The nonlinearity's input, [rows, …outShape] row-major, as ForwardCapture.preActivations holds it: views of the
   * arm's memory, made afresh at each read, valid until the arm's next pass of the same kind (an evaluation, or a
   * probePass); copy them to keep them. Left where they lie, a probe allocates no megabytes for the garbage
   * collector, whose collections were the slowest probes' extra 10–20 ms.
   */
  readonly preActivations: Float32Array[];
  /** Mean and biased variance of each layer's input over the rows (tf.moments of ForwardCapture.inputs). */
  readonly inputMean: number[];
  readonly inputVariance: number[];
}

/** A test-set evaluation on the fast path (inference mode). */
export interface FastEvaluation {
  /** Σ over examples of the cross-entropy, and how many the arg-max of the logits got right. */
  readonly lossSum: number;
  readonly correct: number;
  /** The first `captureRows` examples' pass (the probe batch's, inference mode). */
  readonly capture: FastCapture;
}

/**
 * Batch norm's numbers on the probe's training batch, as probes/batchNorm.ts's measureBatchNorm gives them: the
 * inspector's, and the running averages beside the batch moments.
 */
export interface FastBatchNormProbe extends BatchNormInspection {
  runningMean: Float32Array;
  runningVariance: Float32Array;
}

export interface FastLayerProbe {
  gradNorm: number;
  ics: { l2: number; cos: number };
  /** Batch-norm arms only. */
  bn: FastBatchNormProbe | null;
}

/** The probe's measurements on the next training batch (FastNet.probeBatch). */
export interface FastBatchProbe {
  /** The mean loss on the batch. */
  loss: number;
  layers: FastLayerProbe[];
}

/** What a pass of forwardBackward does besides computing gradients. */
interface PassOptions {
  /** The training step whose noise a noisy batch-norm arm draws. */
  readonly noiseStep: number;
  /** Moves the running averages with this momentum (a training step); a probe's pass leaves them. */
  readonly bnMomentum?: number;
  /** The lowest layer whose gradients are formed (0, all of them, unless given). */
  readonly stopAt?: number;
  /**
   * An internal-covariate-shift pass: only this layer's weight gradient is wanted. The others (and the classifier's,
   * and every bias's) are not formed; the passes down to it still are.
   */
  readonly weightGradOf?: number;
  /**
   * The forward pass starts at this layer: the layers below hold what the previous pass computed, which must be the
   * same parameters on the same batch (the ICS passes' shifted earlier layers, shared from one pass to the next).
   */
  readonly forwardFrom?: number;
  readonly onNorm?: NormHook;
}

/** Pointers of a batch-norm layer's backward: ∂ℓ/∂y (after the noise's scale), ∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β, over `rows`. */
interface NormTensors {
  dy: number;
  dx: number;
  dgamma: number;
  dbeta: number;
  rows: number;
}
type NormHook = (layer: number, t: NormTensors) => void;

/**
 * Examples per im2col block in a probe pass: the block's columns (451 kB an example for a 3×3 convolution over 16
 * channels at 28×28) are the largest buffer, so a long pass runs the convolution block by block.
 */
const PROBE_COL_BLOCK = 16;
/** Examples per chunk of a test-set evaluation (its buffers hold one chunk's activations). */
const EVAL_CHUNK_DENSE = 500;
const EVAL_CHUNK_CONV = 64;

/** Buffers of the probe passes, laid out on first use and shared by every arm of one module instance. */
interface ProbeBuffers {
  /** The sizes the buffers were laid out for (rows apart); other sizes lay them out afresh. */
  key: string;
  rows: number;
  x: number;
  labels: number;
  cols: number;
  lin: number;
  nrm: number;
  /** Ping-pong: a layer reads one and writes the other. */
  act: [number, number];
  mean: number;
  variance: number;
  invstd: number;
  shift: number;
  noiseScale: number;
  noiseShift: number;
  runMean: number;
  runVar: number;
  logits: number;
  dlogits: number;
  /** shifted_sums' two float64s. */
  sums: number;
}

const probeBuffers = new WeakMap<FastKernels, ProbeBuffers>();

/**
 * The data a module's probes read (the test set), copied into its memory once: every probe's passes then read their
 * rows where they lie instead of copying them in again (for MNIST's 2,000 test digits, 6 MB per arm and probe).
 */
interface ResidentInputs {
  readonly source: Float32Array;
  readonly ptr: number;
  /** Its nonzeros row by row (csr_build), laid out the first time a sparse first layer reads it. */
  csr: { readonly features: number; readonly rowptr: number; readonly k: number; readonly val: number } | null;
}
const residentInputs = new WeakMap<FastKernels, ResidentInputs>();

/** Where `xs` lies in `kernels`' memory if it is (a stretch of) the resident data, else null. */
function residentPointer(kernels: FastKernels, xs: Float32Array): number | null {
  const r = residentInputs.get(kernels);
  if (!r || xs.buffer !== r.source.buffer) return null;
  const offset = xs.byteOffset - r.source.byteOffset;
  return offset >= 0 && offset + xs.byteLength <= r.source.byteLength ? r.ptr + offset : null;
}

/** Running mean and variance of a float64 sum through a shift (the first value), merged chunk by chunk. */
class ShiftedMoments {
  private x0 = NaN;
  private s1 = 0;
  private s2 = 0;
  private n = 0;

  add(v: Float32Array): void {
    if (v.length === 0) return;
    if (Number.isNaN(this.x0)) this.x0 = Number.isFinite(v[0]!) ? v[0]! : 0;
    const x0 = this.x0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < v.length; i++) {
      const d = v[i]! - x0;
      s1 += d;
      s2 += d * d;
    }
    this.s1 += s1;
    this.s2 += s2;
    this.n += v.length;
  }

  /** add() of the `n` floats at `ptr` in `kernels`' memory, summed where they lie (shifted_sums, in float64 too). */
  addAt(kernels: FastKernels, ptr: number, n: number, sums: number): void {
    if (n === 0) return;
    if (Number.isNaN(this.x0)) {
      const first = kernels.f32(ptr, 1)[0]!;
      this.x0 = Number.isFinite(first) ? first : 0;
    }
    kernels.k.shifted_sums(ptr, n, this.x0, sums);
    const s = new Float64Array(kernels.k.memory.buffer, sums, 2);
    this.s1 += s[0]!;
    this.s2 += s[1]!;
    this.n += n;
  }

  get mean(): number {
    return Math.fround(this.x0 + this.s1 / this.n);
  }

  get variance(): number {
    return Math.fround(Math.max(0, this.s2 / this.n - (this.s1 / this.n) ** 2));
  }
}

/** Moments of a data array's first values, per array and length: examples never change, so once is enough. */
const rawMomentsCache = new WeakMap<ArrayBufferLike, Map<string, { mean: number; variance: number }>>();
function rawMoments(xs: Float32Array, n: number): { mean: number; variance: number } {
  let byRange = rawMomentsCache.get(xs.buffer);
  if (!byRange) rawMomentsCache.set(xs.buffer, (byRange = new Map()));
  const key = `${xs.byteOffset}:${n}`;
  let m = byRange.get(key);
  if (!m) {
    const sm = new ShiftedMoments();
    sm.add(xs.subarray(0, n));
    m = { mean: sm.mean, variance: sm.variance };
    byRange.set(key, m);
  }
  return m;
}

interface LayerPlan {
  readonly spec: HiddenLayerSpec;
  /** Rows per example of the layer's output ([batch·h·w, units] for a convolution). */
  readonly rowsPerExample: number;
  readonly inSize: number;
  readonly outSize: number;
  readonly weight: number;
  readonly bias: number | null;
  readonly gamma: number | null;
  readonly beta: number | null;
  readonly pad: readonly [number, number];
}

interface LayerBuffers {
  cols: number;
  lin: number;
  xhat: number;
  nrm: number;
  act: number;
  mean: number;
  variance: number;
  invstd: number;
  shift: number;
  noiseScale: number;
  noiseShift: number;
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export class FastNet {
  private readonly layers: LayerPlan[];
  private readonly paramPtr: number[];
  private readonly gradPtr: number[];
  private readonly statePtr: number[];
  private readonly sizes: number[];
  private readonly classifier: { weight: number; bias: number; gradW: number; gradB: number; fanIn: number };
  /** Running statistics (batch-norm arms), kept in float32 as the tfjs path keeps them. */
  private readonly running: ({ mean: Float32Array; variance: Float32Array } | null)[];
  private capacity = 0;
  /** Training steps taken: what was computed from the weights stays valid while this stays the same. */
  private steps = 0;
  /**
   * Layer 0's product with the first rows of a probe pass (before its bias), with the weights of step `steps`: a
   * batch-norm arm's training-mode pass over the probe batch (probePass) reads the same rows as the evaluation's
   * first chunk, and takes the product from here instead of computing it again (on MNIST, a sparse product of 500
   * digits, about a twentieth of a probe).
   */
  private layer0: { input: number; rows: number; ptr: number; capacity: number; steps: number } | null = null;
  /** Where each kind of probe pass leaves its capture (captureInto): per layer, room for `rows` examples. */
  private readonly captures = new Map<'evaluation' | 'pass', { rows: number; ptrs: number[] }>();
  /** A copy of each hidden layer's weight gradient, for the probe's ICS measure (probeBatch). */
  private gradCopies: number[] | null = null;
  /** Room for the float64 sums of pair_sums and bn_inspect_sums, laid out on first use. */
  private f64Room: { ptr: number; count: number } | null = null;
  private buf!: {
    x: number;
    labels: number;
    layers: LayerBuffers[];
    logits: number;
    dlogits: number;
    gh: number;
    g1: number;
    g2: number;
    dcols: number;
    tr: number;
    trW: number;
    scratchGamma: number;
    scratchBeta: number;
    /** gemm_sparse_a's scratch: a row's nonzero entries (indices, values). */
    sparseIdx: number;
    sparseVal: number;
  };

  constructor(
    private readonly kernels: FastKernels,
    private readonly arch: Architecture,
    private readonly spec: ArmSpec,
    private readonly layout: readonly ParamInfo[],
    init: readonly Float32Array[],
    optimizerKind: ExperimentConfig['optimizer']['kind'],
    batchSize: number,
    /**
     * The inputs are mostly zeros (MNIST's blank pixels): the first dense layer's products with them, forward and
     * in its weight gradient, skip the zeros (gemm_sparse_a, the same numbers bit for bit).
     */
    private readonly sparseInput = false,
  ) {
    const slots = optimizerKind === 'sgd' ? 0 : optimizerKind === 'momentum' ? 1 : 2;
    this.sizes = layout.map((p) => count(p.shape));
    this.paramPtr = this.sizes.map((n, i) => {
      const ptr = kernels.alloc(n);
      kernels.f32(ptr, n).set(init[i]!);
      return ptr;
    });
    this.gradPtr = this.sizes.map((n) => kernels.alloc(n));
    this.statePtr = [];
    for (let s = 0; s < slots; s++) for (const n of this.sizes) this.statePtr.push(kernels.alloc(n));
    const ptrOf = (name: string): number | null => {
      const i = layout.findIndex((p) => p.name === name);
      return i < 0 ? null : this.paramPtr[i]!;
    };
    this.layers = arch.hidden.map((l, i) => ({
      spec: l,
      rowsPerExample: l.kind === 'conv' ? l.outShape[0]! * l.outShape[1]! : 1,
      inSize: count(l.inShape),
      outSize: count(l.outShape),
      weight: ptrOf(`hidden${i}.weight`)!,
      bias: ptrOf(`hidden${i}.bias`),
      gamma: ptrOf(`hidden${i}.gamma`),
      beta: ptrOf(`hidden${i}.beta`),
      pad: l.kind === 'conv' ? [samePadding(l.inShape[0]!, l.stride)[0], samePadding(l.inShape[1]!, l.stride)[0]] : [0, 0],
    }));
    const gradOf = (name: string) => this.gradPtr[layout.findIndex((p) => p.name === name)]!;
    this.classifier = {
      weight: ptrOf('classifier.weight')!,
      bias: ptrOf('classifier.bias')!,
      gradW: gradOf('classifier.weight'),
      gradB: gradOf('classifier.bias'),
      fanIn: arch.classifierFanIn,
    };
    this.running = arch.hidden.map((l) => (spec.norm === 'batch' ? { mean: new Float32Array(l.units), variance: new Float32Array(l.units).fill(1) } : null));
    this.ensureCapacity(batchSize);
  }

  /**
   * Lays out the per-batch buffers for batches of up to `batch` examples. A larger batch (a scheduled change)
   * lays them out afresh further up; the old ones are left behind, since batch-size changes are rare.
   */
  private ensureCapacity(batch: number): void {
    if (batch <= this.capacity) return;
    const k = this.kernels;
    const units = (l: LayerPlan) => l.spec.units;
    let maxAct = this.arch.classifierFanIn * batch;
    let maxCols = 1;
    let maxW = this.arch.classifierFanIn * this.arch.numClasses;
    for (const l of this.layers) {
      maxAct = Math.max(maxAct, l.outSize * batch, l.inSize * batch);
      if (l.spec.kind === 'conv') maxCols = Math.max(maxCols, l.rowsPerExample * batch * l.spec.fanIn);
      maxW = Math.max(maxW, l.spec.fanIn * l.spec.units);
    }
    const perGroup = this.spec.norm === 'group' ? this.spec.groups! : 1;
    this.buf = {
      x: k.alloc(count(this.arch.inputShape) * batch),
      labels: k.alloc(batch),
      layers: this.layers.map((l) => {
        const n = l.outSize * batch;
        const u = units(l);
        const setCount = this.spec.norm === 'batch' ? u : batch * perGroup;
        return {
          cols: l.spec.kind === 'conv' ? k.alloc(l.rowsPerExample * batch * l.spec.fanIn) : 0,
          lin: k.alloc(n),
          xhat: this.spec.norm === 'none' ? 0 : k.alloc(n),
          nrm: this.spec.norm === 'none' ? 0 : k.alloc(n),
          act: k.alloc(n),
          mean: k.alloc(u),
          variance: k.alloc(u),
          invstd: k.alloc(setCount),
          shift: k.alloc(u),
          noiseScale: k.alloc(u),
          noiseShift: k.alloc(u),
        };
      }),
      logits: k.alloc(this.arch.numClasses * batch),
      dlogits: k.alloc(this.arch.numClasses * batch),
      gh: k.alloc(maxAct),
      g1: k.alloc(maxAct),
      g2: k.alloc(maxAct),
      dcols: k.alloc(maxCols),
      tr: k.alloc(Math.max(maxAct, maxCols)),
      trW: k.alloc(maxW),
      scratchGamma: k.alloc(Math.max(...this.layers.map(units), 1)),
      scratchBeta: k.alloc(Math.max(...this.layers.map(units), 1)),
      sparseIdx: k.alloc(Math.max(count(this.arch.inputShape), batch)),
      sparseVal: k.alloc(Math.max(count(this.arch.inputShape), batch)),
    };
    this.capacity = batch;
  }

  /** One training step on a batch: `xs` is [batch, features] row-major, `ys` the labels. Returns the mean loss. */
  step(xs: Float32Array, ys: Int32Array, settings: FastStepSettings): number {
    const M = this.loadBatch(xs, ys);
    const loss = this.forwardBackward(M, this.layers, { noiseStep: settings.step, bnMomentum: settings.bnMomentum });
    this.update(settings);
    this.steps++;
    return loss;
  }

  /** Copies a batch into the step's buffers; returns its size. */
  private loadBatch(xs: Float32Array, ys: Int32Array): number {
    const M = ys.length;
    this.ensureCapacity(M);
    this.kernels.f32(this.buf.x, xs.length).set(xs);
    this.kernels.i32(this.buf.labels, M).set(ys);
    return M;
  }

  /**
   * The forward and backward pass of a step over the batch in the step's buffers, with the layers of `plans` (the
   * arm's own, or some with other parameters: the probe's shifted earlier layers). Gradients go to the arm's gradient
   * buffers, down to layer `pass.stopAt` (0: all of them; above 0, the input gradient of that layer is not formed).
   * The running averages move only when `pass.bnMomentum` is given. Returns the mean loss.
   */
  private forwardBackward(M: number, plans: readonly LayerPlan[], pass: PassOptions): number {
    const { k } = this.kernels;
    const b = this.buf;
    const spec = this.spec;
    const act = ACTIVATION[spec.activation];
    const stopAt = pass.stopAt ?? 0;
    const from = pass.forwardFrom ?? 0;
    const allGrads = pass.weightGradOf === undefined;

    // Forward.
    let h = from === 0 ? b.x : this.layerOutput(from - 1);
    plans.forEach((l, i) => {
      if (i < from) return;
      const lb = b.layers[i]!;
      const R = M * l.rowsPerExample;
      const U = l.spec.units;
      const n = R * U;
      if (l.spec.kind === 'conv') {
        const [H, W, C] = l.spec.inShape as [number, number, number];
        const [OH, OW] = l.spec.outShape as [number, number, number];
        k.im2col(h, lb.cols, M, H, W, C, OH, OW, l.spec.stride, l.pad[0], l.pad[1]);
        k.gemm(lb.cols, l.weight, lb.lin, R, l.spec.fanIn, U, 0);
      } else {
        this.gemmInput(i, h, l.weight, lb.lin, M, l.spec.fanIn, U);
      }
      if (l.bias !== null) k.add_bias(lb.lin, l.bias, R, U);
      if (spec.norm === 'none') {
        k.act_fwd(act, lb.lin, lb.act, n);
        h = lb.act;
        return;
      }
      const normIn = spec.placement === 'before' ? lb.lin : lb.act;
      if (spec.placement === 'after') k.act_fwd(act, lb.lin, lb.act, n);
      this.normForward(l, i, lb, normIn, M, pass);
      if (spec.placement === 'before') {
        k.act_fwd(act, lb.nrm, lb.act, n);
        h = lb.act;
      } else {
        h = lb.nrm;
      }
    });
    const K = this.arch.numClasses;
    const F = this.classifier.fanIn;
    k.gemm(h, this.classifier.weight, b.logits, M, F, K, 0);
    k.add_bias(b.logits, this.classifier.bias, M, K);
    const loss = k.softmax_ce(b.logits, b.labels, b.dlogits, M, K);

    // Backward.
    if (allGrads) {
      k.transpose(h, b.tr, M, F);
      k.gemm(b.tr, b.dlogits, this.classifier.gradW, F, M, K, 0);
      k.col_sum(b.dlogits, this.classifier.gradB, M, K);
    }
    k.transpose(this.classifier.weight, b.trW, F, K);
    k.gemm(b.dlogits, b.trW, b.gh, M, K, F, 0);
    for (let i = plans.length - 1; i >= stopAt; i--) {
      const l = plans[i]!;
      const lb = b.layers[i]!;
      const R = M * l.rowsPerExample;
      const U = l.spec.units;
      const n = R * U;
      // b.gh holds ∂ℓ/∂(layer output); d_lin ends in b.g2.
      if (spec.norm === 'none') {
        k.act_bwd(act, lb.lin, lb.act, b.gh, b.g2, n);
      } else if (spec.placement === 'before') {
        k.act_bwd(act, lb.nrm, lb.act, b.gh, b.g1, n);
        this.normBackward(l, i, lb, b.g1, b.g2, M, pass.onNorm);
      } else {
        this.normBackward(l, i, lb, b.gh, b.g1, M, pass.onNorm);
        k.act_bwd(act, lb.lin, lb.act, b.g1, b.g2, n);
      }
      if (l.bias !== null && allGrads) k.col_sum(b.g2, this.gradOfPtr(l.bias), R, U);
      const input = i === 0 ? b.x : this.layerOutput(i - 1);
      const gradW = this.gradOfPtr(l.weight);
      const fanIn = l.spec.fanIn;
      const formW = allGrads || pass.weightGradOf === i;
      if (l.spec.kind === 'dense') {
        if (formW) {
          k.transpose(input, b.tr, M, fanIn);
          this.gemmInput(i, b.tr, b.g2, gradW, fanIn, M, U);
        }
        if (i > stopAt) {
          k.transpose(l.weight, b.trW, fanIn, U);
          k.gemm(b.g2, b.trW, b.gh, M, U, fanIn, 0);
        }
      } else {
        if (formW) {
          k.transpose(lb.cols, b.tr, R, fanIn);
          k.gemm(b.tr, b.g2, gradW, fanIn, R, U, 0);
        }
        if (i > stopAt) {
          const [H, W, C] = l.spec.inShape as [number, number, number];
          const [OH, OW] = l.spec.outShape as [number, number, number];
          k.transpose(l.weight, b.trW, fanIn, U);
          k.gemm(b.g2, b.trW, b.dcols, R, U, fanIn, 0);
          k.col2im(b.dcols, b.gh, M, H, W, C, OH, OW, l.spec.stride, l.pad[0], l.pad[1]);
        }
      }
    }
    return loss;
  }

  /** C = A·B for a dense layer `i`: A holds the raw inputs (or their transpose) at layer 0, where they may be sparse. */
  private gemmInput(i: number, a: number, b: number, c: number, m: number, kk: number, n: number): void {
    const { k } = this.kernels;
    if (i === 0 && this.sparseInput) {
      const csr = this.residentRows(a, kk);
      if (csr && k.gemm_csr(csr.rowptr, csr.k, csr.val, b, c, m, kk, n)) return;
      const scratch = this.sparseScratch(kk);
      k.gemm_sparse_a(a, b, c, m, kk, n, scratch.idx, scratch.val);
    } else {
      k.gemm(a, b, c, m, kk, n, 0);
    }
  }

  /**
   * The resident data's nonzeros from the row at `a` on (its rowptr moved to that row, for gemm_csr), when `a` points
   * at a row of the resident data of `features` values per row; null for any other input (a training batch, a
   * transpose). Laid out on first use: one pass over the data to count, one in the module to fill.
   */
  private residentRows(a: number, features: number): { rowptr: number; k: number; val: number } | null {
    const r = residentInputs.get(this.kernels);
    if (!r || r.source.length % features !== 0) return null;
    const offset = a - r.ptr;
    if (offset < 0 || offset >= 4 * r.source.length || offset % (4 * features) !== 0) return null;
    if (r.csr?.features !== features) {
      let nonzeros = 0;
      for (const v of r.source) if (v !== 0) nonzeros++;
      const rows = r.source.length / features;
      const kernels = this.kernels;
      const csr = { features, rowptr: kernels.alloc(rows + 1), k: kernels.alloc(nonzeros), val: kernels.alloc(nonzeros) };
      kernels.k.csr_build(r.ptr, rows, features, csr.rowptr, csr.k, csr.val);
      r.csr = csr;
    }
    return { rowptr: r.csr.rowptr + offset / features, k: r.csr.k, val: r.csr.val };
  }

  /** gemm_sparse_a's scratch for rows of `k` entries (the step's buffers, or larger ones for a long probe pass). */
  private sparse: { size: number; idx: number; val: number } | null = null;
  private sparseScratch(k: number): { idx: number; val: number } {
    if (k <= Math.max(count(this.arch.inputShape), this.capacity)) return { idx: this.buf.sparseIdx, val: this.buf.sparseVal };
    if (!this.sparse || this.sparse.size < k) this.sparse = { size: k, idx: this.kernels.alloc(k), val: this.kernels.alloc(k) };
    return this.sparse;
  }

  private layerOutput(i: number): number {
    const lb = this.buf.layers[i]!;
    return this.spec.norm !== 'none' && this.spec.placement === 'after' ? lb.nrm : lb.act;
  }

  private gradOfPtr(paramPtr: number): number {
    return this.gradPtr[this.paramPtr.indexOf(paramPtr)]!;
  }

  private normForward(l: LayerPlan, i: number, lb: LayerBuffers, input: number, M: number, pass: PassOptions): void {
    const { k } = this.kernels;
    const spec = this.spec;
    const U = l.spec.units;
    const R = M * l.rowsPerExample;
    const gamma = l.gamma ?? 0;
    const beta = l.beta ?? 0;
    if (spec.norm === 'batch') {
      k.bn_fwd(input, lb.xhat, lb.nrm, lb.mean, lb.variance, lb.invstd, gamma, beta, lb.shift, R, U, spec.epsilon);
      if (pass.bnMomentum !== undefined) this.updateRunning(i, lb, R, pass.bnMomentum);
      this.addNoise(i, pass.noiseStep, lb.nrm, lb.noiseScale, lb.noiseShift, R, U);
      return;
    }
    const groups = spec.norm === 'group' ? spec.groups! : 1;
    k.gn_fwd(input, lb.xhat, lb.nrm, lb.invstd, gamma, beta, M, l.rowsPerExample, groups, U / groups, spec.epsilon);
  }

  /** ∂ℓ/∂(norm output) in `dy` → ∂ℓ/∂(norm input) in `dx`, and ∂ℓ/∂γ, ∂ℓ/∂β; `onNorm` sees batch norm's. */
  private normBackward(l: LayerPlan, i: number, lb: LayerBuffers, dy: number, dx: number, M: number, onNorm?: NormHook): void {
    const { k } = this.kernels;
    const b = this.buf;
    const U = l.spec.units;
    const R = M * l.rowsPerExample;
    const dgamma = l.gamma !== null ? this.gradOfPtr(l.gamma) : b.scratchGamma;
    const dbeta = l.beta !== null ? this.gradOfPtr(l.beta) : b.scratchBeta;
    if (this.spec.norm === 'batch') {
      // The noise y′ = s·y + m passes s·∂ℓ/∂y′ back to batch norm's output.
      if (this.spec.noise) k.scale_shift_cols(dy, lb.noiseScale, 0, R, U);
      k.bn_bwd(lb.xhat, lb.invstd, l.gamma ?? 0, dy, dx, dgamma, dbeta, R, U);
      onNorm?.(i, { dy, dx, dgamma, dbeta, rows: R });
      return;
    }
    const groups = this.spec.norm === 'group' ? this.spec.groups! : 1;
    k.gn_bwd(lb.xhat, lb.invstd, l.gamma ?? 0, dy, dx, dgamma, dbeta, M, l.rowsPerExample, groups, U / groups);
  }

  /** running ← (1 − m)·running + m·batch, the variance unbiased; in float32, as updateRunningStats does. */
  private updateRunning(i: number, lb: LayerBuffers, count: number, momentum: number): void {
    const r = this.running[i];
    if (!r) return;
    const f = Math.fround;
    const U = r.mean.length;
    const mean = this.kernels.f32(lb.mean, U);
    const variance = this.kernels.f32(lb.variance, U);
    const keep = f(1 - momentum);
    const take = f(momentum);
    const unbias = f(count / (count - 1));
    for (let c = 0; c < U; c++) {
      const v = count > 1 ? f(variance[c]! * unbias) : variance[c]!;
      r.mean[c] = f(r.mean[c]! * keep) + f(mean[c]! * take);
      r.variance[c] = f(r.variance[c]! * keep) + f(v * take);
    }
  }

  /**
   * The optimizer's step from the gradients in the gradient buffers: in place, or (`into`) on copies of the
   * parameters and optimizer state, leaving the arm's as they are.
   */
  private update(s: FastStepSettings, into?: { params: readonly number[]; state: readonly number[] }): void {
    const { k } = this.kernels;
    const P = this.paramPtr.length;
    const opt = s.optimizer;
    const c1 = 1 - opt.beta1 ** (s.step + 1);
    const c2 = 1 - opt.beta2 ** (s.step + 1);
    const params = into?.params ?? this.paramPtr;
    const state = into?.state ?? this.statePtr;
    if (into) {
      const mem = new Uint8Array(this.kernels.k.memory.buffer);
      this.paramPtr.forEach((p, i) => mem.copyWithin(params[i]!, p, p + 4 * this.sizes[i]!));
      this.statePtr.forEach((p, j) => mem.copyWithin(state[j]!, p, p + 4 * this.sizes[j % P]!));
    }
    for (let i = 0; i < P; i++) {
      const role = this.layout[i]!.role;
      if (s.frozenAffine && (role === 'gamma' || role === 'beta')) continue;
      const p = params[i]!;
      const g = this.gradPtr[i]!;
      const n = this.sizes[i]!;
      if (opt.kind === 'sgd') k.sgd(p, g, n, s.learningRate);
      else if (opt.kind === 'momentum') k.momentum(p, state[i]!, g, n, s.learningRate, opt.momentum);
      else k.adam(p, state[i]!, state[P + i]!, g, n, s.learningRate, opt.beta1, 1 - opt.beta1, opt.beta2, 1 - opt.beta2, c1, c2);
    }
  }

  /**
   * The probe's measurements on the next training mini-batch (`xs`, `ys`; peeked, not trained on), in training
   * mode, changing nothing of the arm: probes/gradients.ts's batchPass, measureGradients and measureBatchNorm in one.
   * The loss; per hidden layer the weight gradient's norm and its internal covariate shift (Santurkar et al. 2018,
   * §2.2: G = ∂ℓ/∂W_j, and G′ the same after every earlier layer takes the step the optimizer would take from here,
   * `settings` as a step would use them; ‖G − G′‖₂ and cos(G, G′)); and for batch norm the layer's batch moments and
   * its §3 backward quantities. Norms and cosines are summed in float64.
   */
  probeBatch(xs: Float32Array, ys: Int32Array, settings: FastStepSettings): FastBatchProbe {
    const M = this.loadBatch(xs, ys);
    const bn: (FastBatchNormProbe | null)[] = this.layers.map(() => null);
    const onNorm: NormHook = (i, t) => (bn[i] = this.inspectBatchNorm(i, t));
    const loss = this.forwardBackward(M, this.layers, { noiseStep: settings.step, onNorm });
    const weightCount = (i: number) => this.layers[i]!.spec.fanIn * this.layers[i]!.spec.units;
    // G, kept in the module (laid out once) while the ICS passes overwrite the gradients.
    this.gradCopies ??= this.layers.map((_, i) => this.kernels.alloc(weightCount(i)));
    const copies = this.gradCopies;
    const mem = new Uint8Array(this.kernels.k.memory.buffer);
    this.layers.forEach((l, i) => mem.copyWithin(copies[i]!, this.gradOfPtr(l.weight), this.gradOfPtr(l.weight) + 4 * weightCount(i)));
    // The step the optimizer would take (as the reference's probe proposes it, γ and β too), on copies.
    const scratch = this.proposalBuffers();
    this.update({ ...settings, frozenAffine: false }, scratch);
    const shiftedPtr = (ptr: number | null) => (ptr === null ? null : scratch.params[this.paramPtr.indexOf(ptr)]!);
    // Norms and cosines are float64 sums in the module (pair_sums), in order.
    const sums = this.f64Sums(4);
    const pairSums = (a: number, b: number, n: number) => {
      this.kernels.k.pair_sums(a, b, n, sums);
      return new Float64Array(this.kernels.k.memory.buffer, sums, 4);
    };
    const layers = this.layers.map((_, j): FastLayerProbe => {
      const squares = pairSums(copies[j]!, 0, weightCount(j))[0]!;
      const gradNorm = Math.fround(Math.sqrt(squares));
      if (j === 0) return { gradNorm, ics: { l2: 0, cos: 1 }, bn: bn[j]! };
      const plans = this.layers.map((l, i) =>
        i < j ? { ...l, weight: shiftedPtr(l.weight)!, bias: shiftedPtr(l.bias), gamma: shiftedPtr(l.gamma), beta: shiftedPtr(l.beta) } : l,
      );
      // Layer j's pass shifts layers 0 … j − 1, as layer j − 1's pass shifted 0 … j − 2: that pass's outputs of those
      // layers are kept, and this forward pass starts at layer j − 1.
      this.forwardBackward(M, plans, { noiseStep: settings.step, stopAt: j, weightGradOf: j, forwardFrom: j - 1 });
      const pair = pairSums(copies[j]!, this.gradOfPtr(this.layers[j]!.weight), weightCount(j));
      const diff = pair[1]!;
      const dot = pair[2]!;
      const norm = pair[3]!;
      return { gradNorm, ics: { l2: Math.fround(Math.sqrt(diff)), cos: Math.fround(dot / (Math.sqrt(squares) * Math.sqrt(norm))) }, bn: bn[j]! };
    });
    return { loss, layers };
  }

  /** Copies of the parameters and optimizer state for a proposed step, laid out once. */
  private proposal: { params: number[]; state: number[] } | null = null;
  private proposalBuffers(): { params: number[]; state: number[] } {
    const P = this.paramPtr.length;
    this.proposal ??= {
      params: this.sizes.map((n) => this.kernels.alloc(n)),
      state: this.statePtr.map((_, j) => this.kernels.alloc(this.sizes[j % P]!)),
    };
    return this.proposal;
  }

  /**
   * Batch norm's layer `i` on the probe's batch, read off the backward pass (`t`: ∂ℓ/∂y after the noise's scale,
   * ∂ℓ/∂x, ∂ℓ/∂γ and ∂ℓ/∂β), as measureBatchNorm reports it: the batch moments (bn_fwd's, biased), the running
   * averages, γ and β, and the §3 terms ∂ℓ/∂μ and ∂ℓ/∂σ² (in float64 from x, ∂ℓ/∂y, γ and the batch moments).
   */
  private inspectBatchNorm(i: number, t: NormTensors): FastBatchNormProbe {
    const l = this.layers[i]!;
    const lb = this.buf.layers[i]!;
    const U = l.spec.units;
    const R = t.rows;
    // Laid out before any view is taken: growing the memory would detach them.
    const room = this.f64Sums(3 * U);
    const f32 = (ptr: number, n: number) => this.kernels.f32(ptr, n);
    const xPtr = this.spec.placement === 'before' ? lb.lin : lb.act;
    const x = f32(xPtr, R * U);
    const dy = f32(t.dy, R * U);
    const mean = f32(lb.mean, U).slice();
    const variance = f32(lb.variance, U).slice();
    const gamma = l.gamma !== null ? f32(l.gamma, U).slice() : new Float32Array(U).fill(1);
    const beta = l.beta !== null ? f32(l.beta, U).slice() : new Float32Array(U);
    const eps = this.spec.epsilon;
    // Σ ∂ℓ/∂x̂·(x − μ) and Σ ∂ℓ/∂x̂, Σ (x − μ) per unit, in float64 (bn_inspect_sums).
    this.kernels.k.bn_inspect_sums(xPtr, t.dy, lb.mean, l.gamma ?? 0, R, U, room);
    const all = new Float64Array(this.kernels.k.memory.buffer, room, 3 * U);
    const sxc = all.subarray(0, U);
    const sdx = all.subarray(U, 2 * U);
    const sc = all.subarray(2 * U);
    const dMean = new Float32Array(U);
    const dVariance = new Float32Array(U);
    for (let u = 0; u < U; u++) {
      const ve = variance[u]! + eps;
      const dv = sxc[u]! * -0.5 * ve ** -1.5;
      dVariance[u] = dv;
      dMean[u] = -sdx[u]! / Math.sqrt(ve) + (dv * -2 * sc[u]!) / R;
    }
    const samples = Math.min(INSPECT_SAMPLES, R);
    const run = this.running[i]!;
    return {
      count: R,
      samples,
      gamma,
      beta,
      mean,
      variance,
      runningMean: run.mean.slice(),
      runningVariance: run.variance.slice(),
      dGamma: f32(t.dgamma, U).slice(),
      dBeta: f32(t.dbeta, U).slice(),
      dMean,
      dVariance,
      x: x.slice(0, samples * U),
      dy: dy.slice(0, samples * U),
      dx: f32(t.dx, samples * U).slice(),
    };
  }

  /** A pointer to room for `count` float64s in the module (laid out on first use, reused by every call). */
  private f64Sums(count: number): number {
    if (!this.f64Room || this.f64Room.count < count) this.f64Room = { ptr: this.kernels.alloc(2 * count), count };
    return this.f64Room.ptr;
  }

  /** The probe passes' buffers (shared by the arms of this module instance), for passes of up to `rows` examples. */
  private probeBuffers(rows: number): ProbeBuffers {
    const have = probeBuffers.get(this.kernels);
    // A buffer fits another arm too when it fits this one: arms of one trainer share the architecture.
    const maxOut = Math.max(this.arch.classifierFanIn, count(this.arch.inputShape), ...this.layers.map((l) => l.outSize));
    const maxUnits = Math.max(1, ...this.layers.map((l) => l.spec.units));
    const maxCols = Math.max(1, ...this.layers.map((l) => (l.spec.kind === 'conv' ? l.rowsPerExample * l.spec.fanIn : 0)));
    const key = JSON.stringify({ out: maxOut, units: maxUnits, cols: maxCols, classes: this.arch.numClasses });
    if (have && have.rows >= rows && have.key === key) return have;
    // The module's memory only grows: lay the buffers out for the most rows asked so far, so that passes of
    // different sizes (the test set's chunks, the probe batch) reuse one layout instead of adding one per probe.
    if (have && have.key === key) rows = Math.max(rows, have.rows);
    const k = this.kernels;
    const n = rows * maxOut;
    const buf: ProbeBuffers = {
      key,
      rows,
      x: k.alloc(rows * count(this.arch.inputShape)),
      labels: k.alloc(rows),
      cols: k.alloc(Math.min(rows, PROBE_COL_BLOCK) * maxCols),
      lin: k.alloc(n),
      nrm: k.alloc(n),
      act: [k.alloc(n), k.alloc(n)],
      mean: k.alloc(maxUnits),
      variance: k.alloc(maxUnits),
      invstd: k.alloc(Math.max(maxUnits, rows * maxUnits)),
      shift: k.alloc(maxUnits),
      noiseScale: k.alloc(maxUnits),
      noiseShift: k.alloc(maxUnits),
      runMean: k.alloc(maxUnits),
      runVar: k.alloc(maxUnits),
      logits: k.alloc(rows * this.arch.numClasses),
      dlogits: k.alloc(rows * this.arch.numClasses),
      sums: k.alloc(4),
    };
    probeBuffers.set(this.kernels, buf);
    return buf;
  }

  /**
   * A forward pass for the probes over `rows` examples at `input` ([rows, features] in this module's memory: pb.x,
   * or the resident test set's rows, see inputRows), changing nothing of the arm: batch norm in inference mode
   * (running averages) or in training mode over these rows (their own statistics, and the noise of training step
   * `step`, without touching the running averages). The math of model.ts's forward, as `step` does it.
   * `onLayer(i, pre, input)` sees each hidden layer's nonlinearity input and the layer's input (pointers into this
   * module's memory, valid until the next layer). Returns the pointer to the logits.
   */
  private forwardOnly(pb: ProbeBuffers, input: number, rows: number, mode: FastPassMode, onLayer: (layer: number, pre: number, input: number) => void, keepLayer0 = 0): number {
    const { k } = this.kernels;
    const spec = this.spec;
    const act = ACTIVATION[spec.activation];
    // Only rows of the resident data are known by their pointer: pb.x holds whatever was copied in last.
    const resident = input !== pb.x;
    let h = input;
    let out = 0;
    this.layers.forEach((l, i) => {
      const R = rows * l.rowsPerExample;
      const U = l.spec.units;
      const n = R * U;
      const next = pb.act[out]!;
      if (l.spec.kind === 'conv') {
        const [H, W, C] = l.spec.inShape as [number, number, number];
        const [OH, OW] = l.spec.outShape as [number, number, number];
        // Without a weight gradient to form, no cols matrix: the direct pass is im2col + gemm's sums bit for bit.
        const direct = k.conv3x3_fwd(h, l.weight, pb.lin, rows, H, W, C, OH, OW, l.spec.stride, l.pad[0], l.pad[1], U) === 1;
        for (let e = 0; !direct && e < rows; e += PROBE_COL_BLOCK) {
          const m = Math.min(PROBE_COL_BLOCK, rows - e);
          k.im2col(h + 4 * e * l.inSize, pb.cols, m, H, W, C, OH, OW, l.spec.stride, l.pad[0], l.pad[1]);
          k.gemm(pb.cols, l.weight, pb.lin + 4 * e * l.outSize, m * l.rowsPerExample, l.spec.fanIn, U, 0);
        }
      } else if (i > 0 || !resident || !this.reuseLayer0(input, rows, pb.lin)) {
        this.gemmInput(i, h, l.weight, pb.lin, rows, l.spec.fanIn, U);
        if (i === 0 && resident && keepLayer0 > 0) this.keepLayer0(input, Math.min(keepLayer0, rows), pb.lin);
      }
      if (l.bias !== null) k.add_bias(pb.lin, l.bias, R, U);
      let pre = pb.lin;
      if (spec.norm === 'none') {
        k.act_fwd(act, pb.lin, next, n);
      } else if (spec.placement === 'before') {
        this.normalizeForProbe(l, i, pb, pb.lin, pb.nrm, rows, mode);
        pre = pb.nrm;
        k.act_fwd(act, pb.nrm, next, n);
      } else {
        k.act_fwd(act, pb.lin, pb.nrm, n);
        this.normalizeForProbe(l, i, pb, pb.nrm, next, rows, mode);
      }
      onLayer(i, pre, h);
      h = next;
      out = 1 - out;
    });
    const K = this.arch.numClasses;
    k.gemm(h, this.classifier.weight, pb.logits, rows, this.classifier.fanIn, K, 0);
    k.add_bias(pb.logits, this.classifier.bias, rows, K);
    return pb.logits;
  }

  /** Keeps layer 0's product `lin` of the `rows` examples at `input` (see `layer0`). */
  private keepLayer0(input: number, rows: number, lin: number): void {
    const U = this.layers[0]!.spec.units;
    if (!this.layer0 || this.layer0.capacity < rows * U) this.layer0 = { input, rows, ptr: this.kernels.alloc(rows * U), capacity: rows * U, steps: this.steps };
    Object.assign(this.layer0, { input, rows, steps: this.steps });
    new Uint8Array(this.kernels.k.memory.buffer).copyWithin(this.layer0.ptr, lin, lin + 4 * rows * U);
  }

  /** Layer 0's product of the `rows` examples at `input` into `lin`, if kept with these weights; false if not. */
  private reuseLayer0(input: number, rows: number, lin: number): boolean {
    const kept = this.layer0;
    if (!kept || kept.steps !== this.steps || kept.input !== input || kept.rows < rows) return false;
    const bytes = 4 * rows * this.layers[0]!.spec.units;
    new Uint8Array(this.kernels.k.memory.buffer).copyWithin(lin, kept.ptr, kept.ptr + bytes);
    return true;
  }

  /**
   * A noisy batch-norm arm's shift and scale of training step `step` on layer `layer`'s output [R, U], in place; the
   * draw is kept in `scale` and `shift` (the backward pass reads the scale). Nothing for an arm without noise.
   */
  private addNoise(layer: number, step: number, y: number, scale: number, shift: number, R: number, U: number): void {
    if (!this.spec.noise) return;
    const draw = bnNoiseDraw(this.spec.noise, step, layer, U);
    this.kernels.f32(scale, U).set(draw.scale);
    this.kernels.f32(shift, U).set(draw.shift);
    this.kernels.k.scale_shift_cols(y, scale, shift, R, U);
  }

  /** Normalizes `input` into `output` (which may not alias it) for a probe pass. */
  private normalizeForProbe(l: LayerPlan, i: number, pb: ProbeBuffers, input: number, output: number, rows: number, mode: FastPassMode): void {
    const { k } = this.kernels;
    const spec = this.spec;
    const U = l.spec.units;
    const R = rows * l.rowsPerExample;
    const gamma = l.gamma ?? 0;
    const beta = l.beta ?? 0;
    if (spec.norm === 'batch') {
      if (mode.kind === 'inference') {
        const r = this.running[i]!;
        this.kernels.f32(pb.runMean, U).set(r.mean);
        this.kernels.f32(pb.runVar, U).set(r.variance);
        k.bn_infer(input, output, pb.runMean, pb.runVar, gamma, beta, pb.invstd, R, U, spec.epsilon);
        return;
      }
      // x̂ is not needed after a forward pass: it goes where y goes, which bn_fwd then overwrites element by element.
      k.bn_fwd(input, output, output, pb.mean, pb.variance, pb.invstd, gamma, beta, pb.shift, R, U, spec.epsilon);
      this.addNoise(i, mode.step, output, pb.noiseScale, pb.noiseShift, R, U);
      return;
    }
    const groups = spec.norm === 'group' ? spec.groups! : 1;
    k.gn_fwd(input, output, output, pb.invstd, gamma, beta, rows, l.rowsPerExample, groups, U / groups, spec.epsilon);
  }

  /**
   * Copies out each layer's nonlinearity input for the first `rows` examples and accumulates its input's moments.
   * The first layer's input is the examples themselves (`xs`, from its start), the same at every probe: their
   * moments are computed once per data array (rawMoments).
   */
  private captureInto(kind: 'evaluation' | 'pass', pb: ProbeBuffers, rows: number, xs: Float32Array): { capture: FastCapture; take: (first: number, count: number) => (layer: number, pre: number, input: number) => void } {
    const kernels = this.kernels;
    let room = this.captures.get(kind);
    if (!room || room.rows < rows) {
      room = { rows, ptrs: this.layers.map((l) => kernels.alloc(rows * l.outSize)) };
      this.captures.set(kind, room);
    }
    const { ptrs } = room;
    const moments = this.layers.map(() => new ShiftedMoments());
    const first = rawMoments(xs, rows * count(this.arch.inputShape));
    const take = (start: number, n: number) => (layer: number, pre: number, input: number) => {
      const l = this.layers[layer]!;
      if (n <= 0) return;
      const at = ptrs[layer]! + 4 * start * l.outSize;
      new Uint8Array(kernels.k.memory.buffer).copyWithin(at, pre, pre + 4 * n * l.outSize);
      if (layer > 0) moments[layer]!.addAt(kernels, input, n * l.inSize, pb.sums);
    };
    const layers = this.layers;
    const capture: FastCapture = {
      get preActivations() {
        return ptrs.map((ptr, j) => kernels.f32(ptr, rows * layers[j]!.outSize));
      },
      get inputMean() {
        return moments.map((m, j) => (j === 0 ? first.mean : m.mean));
      },
      get inputVariance() {
        return moments.map((m, j) => (j === 0 ? first.variance : m.variance));
      },
    };
    return { capture, take };
  }

  /**
   * The probe batch's forward pass (`xs`: [rows, features]) in training mode: batch norm with these rows' own
   * statistics and the noise of `step`; the arm's state is left as it was.
   */
  probePass(xs: Float32Array, rows: number, mode: FastPassMode): FastCapture {
    const pb = this.probeBuffers(rows);
    const { capture, take } = this.captureInto('pass', pb, rows, xs);
    this.forwardOnly(pb, this.inputRows(pb, xs), rows, mode, take(0, rows));
    return capture;
  }

  /**
   * Loss and accuracy over `count` examples (`xs` [count, features], labels `ys`) in inference mode, in chunks, as a
   * deployed network sees them (measureEvaluation's numbers); the first `captureRows` examples' pass is handed back
   * too. Inference mode treats each example on its own, so the chunking changes nothing.
   */
  evaluate(xs: Float32Array, ys: Int32Array, count: number, captureRows: number): FastEvaluation {
    const chunk = this.layers.some((l) => l.spec.kind === 'conv') ? EVAL_CHUNK_CONV : EVAL_CHUNK_DENSE;
    const perChunk = Math.max(1, Math.min(chunk, count));
    const pb = this.probeBuffers(perChunk);
    const flat = count === 0 ? 0 : xs.length / ys.length;
    const K = this.arch.numClasses;
    const { capture, take } = this.captureInto('evaluation', pb, captureRows, xs);
    let lossSum = 0;
    let correct = 0;
    this.makeResident(xs);
    for (let start = 0; start < count; start += perChunk) {
      const rows = Math.min(perChunk, count - start);
      const input = this.inputRows(pb, xs.subarray(start * flat, (start + rows) * flat));
      this.kernels.i32(pb.labels, rows).set(ys.subarray(start, start + rows));
      const captured = Math.min(rows, captureRows - start);
      // The first chunk's captured rows' first-layer product is kept for probePass, which reads the same rows (from the
      // test set's start) with the same weights.
      const logits = this.forwardOnly(pb, input, rows, { kind: 'inference' }, take(start, captured), start === 0 ? captured : 0);
      // The chunk's mean loss times its size, summed in float32 as the reference sums it.
      lossSum = Math.fround(lossSum + Math.fround(this.kernels.k.softmax_ce(logits, pb.labels, pb.dlogits, rows, K) * rows));
      const z = this.kernels.f32(logits, rows * K);
      const labels = this.kernels.i32(pb.labels, rows);
      for (let r = 0; r < rows; r++) {
        // tf.argMax: the first index of the largest logit.
        let best = 0;
        for (let c = 1; c < K; c++) if (z[r * K + c]! > z[r * K + best]!) best = c;
        if (best === labels[r]) correct++;
      }
    }
    return { lossSum, correct, capture };
  }

  /** Copies `xs` (the test set) into the module's memory once, for inputRows to find (see ResidentInputs). */
  private makeResident(xs: Float32Array): void {
    if (residentInputs.get(this.kernels)?.source === xs) return;
    const ptr = this.kernels.alloc(xs.length);
    this.kernels.f32(ptr, xs.length).set(xs);
    residentInputs.set(this.kernels, { source: xs, ptr, csr: null });
  }

  /** A pointer to the examples `xs` in the module's memory: where they lie if resident, else copied into pb.x. */
  private inputRows(pb: ProbeBuffers, xs: Float32Array): number {
    const at = residentPointer(this.kernels, xs);
    if (at !== null) return at;
    this.kernels.f32(pb.x, xs.length).set(xs);
    return pb.x;
  }

  /** The gradients of the last step, per parameter (copies). */
  gradients(): Float32Array[] {
    return this.gradPtr.map((ptr, i) => this.kernels.f32(ptr, this.sizes[i]!).slice());
  }

  /** Parameters, optimizer state and running statistics as they stand (copies). */
  read(): FastState {
    const P = this.paramPtr.length;
    return {
      params: this.paramPtr.map((ptr, i) => this.kernels.f32(ptr, this.sizes[i]!).slice()),
      optState: this.statePtr.map((ptr, j) => this.kernels.f32(ptr, this.sizes[j % P]!).slice()),
      running: this.running.map((r) => (r ? { mean: r.mean.slice(), variance: r.variance.slice() } : null)),
    };
  }
}
