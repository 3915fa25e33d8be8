import { KERNELS_WASM_BASE64, KERNELS_WASM_BYTES } from './kernelsWasm';

/**
 * The fast path's WebAssembly module (kernels.c) and a bump allocator over its memory. Pointers are byte offsets;
 * every size the TypeScript side passes is in floats (or int32s), 4 bytes each.
 */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly __heap_base: WebAssembly.Global;
  exp_f32(x: number): number;
  log_f32(x: number): number;
  tanh_f32(x: number): number;
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, accumulate: number): void;
  gemm_sparse_a(a: number, b: number, c: number, m: number, k: number, n: number, idx: number, val: number): void;
  /** A's nonzeros row by row (rowptr [M+1], k and val [nonzeros]); returns their count. */
  csr_build(a: number, m: number, k: number, rowptr: number, kOut: number, val: number): number;
  /** gemm_sparse_a from csr_build's rows, bit for bit; 0 (and nothing done) where B is not finite. */
  gemm_csr(rowptr: number, kIn: number, val: number, b: number, c: number, m: number, k: number, n: number): number;
  transpose(a: number, t: number, rows: number, cols: number): void;
  add_bias(y: number, b: number, rows: number, cols: number): void;
  col_sum(x: number, out: number, rows: number, cols: number): void;
  scale_shift_cols(y: number, s: number, m: number, rows: number, cols: number): void;
  /** Σ (x − x0) and Σ (x − x0)² over `n` floats at `x`, in float64 (four lanes of partial sums), into two float64s at `out`. */
  shifted_sums(x: number, n: number, x0: number, out: number): void;
  /** Σ a² (b = 0), or also Σ (a − b)², Σ a·b and Σ b², in float64 and in order, into four float64s at `out`. */
  pair_sums(a: number, b: number, n: number, out: number): void;
  /** Batch norm's inspector sums per unit (Σ d·c, Σ d, Σ c; d = ∂ℓ/∂y·γ, c = x − μ) into 3·U float64s at `out`. */
  bn_inspect_sums(x: number, dy: number, mean: number, gamma: number, rows: number, units: number, out: number): void;
  act_fwd(kind: number, x: number, y: number, n: number): void;
  act_bwd(kind: number, x: number, y: number, dy: number, dx: number, n: number): void;
  bn_fwd(x: number, xhat: number, y: number, mean: number, variance: number, invstd: number, gamma: number, beta: number, shift: number, rows: number, cols: number, eps: number): void;
  bn_bwd(xhat: number, invstd: number, gamma: number, dy: number, dx: number, dgamma: number, dbeta: number, rows: number, cols: number): void;
  bn_infer(x: number, y: number, mean: number, variance: number, gamma: number, beta: number, invstd: number, rows: number, cols: number, eps: number): void;
  gn_fwd(x: number, xhat: number, y: number, invstd: number, gamma: number, beta: number, n: number, p: number, g: number, cg: number, eps: number): void;
  gn_bwd(xhat: number, invstd: number, gamma: number, dy: number, dx: number, dgamma: number, dbeta: number, n: number, p: number, g: number, cg: number): void;
  softmax_ce(z: number, labels: number, dz: number, m: number, k: number): number;
  sgd(p: number, g: number, n: number, lr: number): void;
  momentum(p: number, v: number, g: number, n: number, lr: number, mu: number): void;
  adam(p: number, m: number, v: number, g: number, n: number, lr: number, b1: number, omb1: number, b2: number, omb2: number, c1: number, c2: number): void;
  im2col(x: number, cols: number, n: number, h: number, w: number, c: number, oh: number, ow: number, stride: number, padT: number, padL: number): void;
  /** im2col + gemm in one pass, bit for bit; 0 (and nothing done) where it cannot be (a non-finite W). */
  conv3x3_fwd(x: number, w: number, y: number, n: number, h: number, w_: number, c: number, oh: number, ow: number, stride: number, padT: number, padL: number, cout: number): number;
  col2im(cols: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number, stride: number, padT: number, padL: number): void;
  /** summaries.c, the probe's distribution summaries (summaries.ts): its workspace's bytes (unsigned), and the summary. */
  summaries_workspace_bytes(samples: number, units: number, bins: number, range32: number): number;
  summarize_distributions(z: number, samples: number, units: number, bins: number, range32: number, width32: number, plan: number, weights: number, ws: number, out: number): void;
}

let decoded: Uint8Array<ArrayBuffer> | null = null;
/** The binary, decoded from base64 once (validated, then compiled: not decoded for each). */
function wasmBytes(): Uint8Array<ArrayBuffer> {
  if (decoded) return decoded;
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  if (bytes.length !== KERNELS_WASM_BYTES) throw new Error(`the fast kernels' binary is ${bytes.length} bytes, expected ${KERNELS_WASM_BYTES}`);
  return (decoded = bytes);
}

let compiled: WebAssembly.Module | null = null;

/**
 * Compiles the module ahead of time, off the critical path (a page's main thread may not compile synchronously a
 * module of this size). Where it was not called, `instantiateKernels` compiles synchronously, which Node and
 * workers allow.
 */
export async function preloadKernels(): Promise<void> {
  compiled ??= await WebAssembly.compile(wasmBytes());
}

/** Whether this environment can run the kernels (WebAssembly with 128-bit SIMD). */
export function kernelsSupported(): boolean {
  // A module that compiled is valid: no second pass over its bytes.
  if (supported === null && compiled) supported = true;
  if (supported === null) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(wasmBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}
let supported: boolean | null = null;

const ALIGN = 16;

/** One instance of the module: its own memory, laid out by `alloc` from the heap base up. */
export class FastKernels {
  readonly k: KernelExports;
  private top: number;

  constructor() {
    compiled ??= new WebAssembly.Module(wasmBytes());
    this.k = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
    this.top = Math.ceil((this.k.__heap_base.value as number) / ALIGN) * ALIGN;
  }

  /** Room for `count` 4-byte values, 16-byte aligned, zero-filled; grows the memory as needed. */
  alloc(count: number): number {
    const ptr = this.top;
    this.top = Math.ceil((ptr + 4 * Math.max(count, 1)) / ALIGN) * ALIGN;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    new Uint8Array(this.k.memory.buffer, ptr, this.top - ptr).fill(0);
    return ptr;
  }

  /** A view of `count` floats at `ptr` (views go stale when the memory grows: take a fresh one each time). */
  f32(ptr: number, count: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, count);
  }

  i32(ptr: number, count: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, ptr, count);
  }

  /** Bytes of memory in use. */
  get bytes(): number {
    return this.k.memory.buffer.byteLength;
  }
}
