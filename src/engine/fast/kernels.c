// The fast training path's kernels: float32, WebAssembly SIMD (128-bit), no libc.
//
// Built by `npm run wasm` (scripts/build-wasm.mjs) with Debian's clang and lld:
//   clang --target=wasm32 -O3 -msimd128 -mbulk-memory -nostdlib -Wl,--no-entry ...
// into src/engine/fast/kernelsWasm.ts (the binary as base64, so the worker, the page's fallback, Node and the
// CLI bundle all load it the same way); src/engine/fast/wasmBuild.test.ts rebuilds it and checks the bytes match.
//
// Each kernel is one step of a layer's forward or backward pass over buffers the TypeScript side (net.ts) lays
// out in this module's memory. The math follows the tfjs reference path op for op (src/engine/model.ts,
// norm/standardize.ts, optimizers.ts) so both paths compute the same float32 values up to summation order:
//   - moments through a shift x0 (the first sample of each set), as standardize.ts explains;
//   - no fast-math: every sum runs in a fixed order, so a run is bit-identical from one machine to the next.
// Matrices are row-major. Pointers are byte offsets into the module's memory.

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

// ---------------------------------------------------------------------------------------------------------------
// Scalar math (no libm): Cephes' single-precision polynomials, accurate to about one ulp over the ranges used.

static inline float pow2i(int n) {
  // 2^n for n in [-126, 127], built from its bits.
  union { uint32_t i; float f; } u = { (uint32_t)(n + 127) << 23 };
  return u.f;
}

static float exp_f(float x) {
  if (x > 88.72283935546875f) return __builtin_inff();
  if (x < -103.97208404541015625f) return 0.0f;
  float k = __builtin_rintf(x * 1.44269504088896341f);
  // Cody–Waite: r = x − k·ln 2 in two parts, so r keeps its digits.
  float r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  float y = p * r * r + r + 1.0f;
  int n = (int)k;
  if (n > 127) return y * pow2i(127) * pow2i(n - 127);
  if (n < -126) return y * pow2i(-126) * pow2i(n + 126);
  return y * pow2i(n);
}

// exp_f on four lanes at once, the same operations in the same order, so each lane is exp_f's result bit for bit
// (2^n is applied as (y·2^n₁)·2^n₂ with n₁ clamped to the normal exponents and n₂ = n − n₁, which is exp_f's
// y·2^n when n₂ = 0, since multiplying by 1 is exact, and its two-step scaling otherwise).
static inline v128_t exp_v(v128_t x) {
  // k = rint(x·log₂e) by adding 1.5·2²³: the sum's low bits hold the integer, and subtracting it back gives k as a
  // float, both exact while |x·log₂e| < 2²² (beyond, the result is ±∞ or 0, chosen below from x alone). Fewer
  // instructions in V8 than f32x4.nearest and i32x4.trunc_sat (which has no single x64 instruction).
  const v128_t magic = wasm_f32x4_splat(12582912.0f);
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), magic);
  v128_t k = wasm_f32x4_sub(t, magic);
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(k, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  v128_t y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  v128_t n = wasm_i32x4_sub(t, magic);
  v128_t n1 = wasm_i32x4_min(wasm_i32x4_max(n, wasm_i32x4_splat(-126)), wasm_i32x4_splat(127));
  v128_t n2 = wasm_i32x4_sub(n, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, s1), s2);
  y = wasm_v128_bitselect(wasm_f32x4_splat(__builtin_inff()), y, wasm_f32x4_gt(x, wasm_f32x4_splat(88.72283935546875f)));
  return wasm_v128_bitselect(wasm_f32x4_splat(0.0f), y, wasm_f32x4_lt(x, wasm_f32x4_splat(-103.97208404541015625f)));
}

static float log_f(float x) {
  // x > 0, finite, normal (the callers pass sums of exponentials, each at least 1).
  union { float f; uint32_t i; } u = { x };
  int e = (int)((u.i >> 23) & 0xff) - 126;
  u.i = (u.i & 0x007fffffu) | 0x3f000000u;  // the mantissa in [0.5, 1)
  float m = u.f;
  if (m < 0.707106781186547524f) {
    e -= 1;
    m = m + m - 1.0f;
  } else {
    m = m - 1.0f;
  }
  float z = m * m;
  float y = 7.0376836292e-2f;
  y = y * m - 1.1514610310e-1f;
  y = y * m + 1.1676998740e-1f;
  y = y * m - 1.2420140846e-1f;
  y = y * m + 1.4249322787e-1f;
  y = y * m - 1.6668057665e-1f;
  y = y * m + 2.0000714765e-1f;
  y = y * m - 2.4999993993e-1f;
  y = y * m + 3.3333331174e-1f;
  y = y * m * z;
  float fe = (float)e;
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  return m + y + 0.693359375f * fe;
}

static float tanh_f(float x) {
  float a = __builtin_fabsf(x);
  if (a < 0.625f) {
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    return p * z * x + x;
  }
  float t = 1.0f - 2.0f / (exp_f(a + a) + 1.0f);
  return x < 0 ? -t : t;
}

// The scalar functions, exported for the unit test that checks them against Math.exp, Math.log and Math.tanh.
EXPORT(exp_f32) float exp_f32(float x) { return exp_f(x); }
EXPORT(log_f32) float log_f32(float x) { return log_f(x); }
EXPORT(tanh_f32) float tanh_f32(float x) { return tanh_f(x); }

// ---------------------------------------------------------------------------------------------------------------
// Matrix products.

// C[M,N] = A[M,K]·B[K,N] (+ C when accumulate). Blocks of 4 rows × 8 columns live in registers while k runs,
// so each B row segment is loaded once per 4 rows; each C entry is a sum over k in increasing order.
EXPORT(gemm) void gemm(const float* A, const float* B, float* C, int M, int K, int N, int accumulate) {
  int j = 0;
  for (; j + 8 <= N; j += 8) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float* a0 = A + (i + 0) * K;
      const float* a1 = A + (i + 1) * K;
      const float* a2 = A + (i + 2) * K;
      const float* a3 = A + (i + 3) * K;
      v128_t c00 = wasm_f32x4_splat(0), c01 = wasm_f32x4_splat(0);
      v128_t c10 = wasm_f32x4_splat(0), c11 = wasm_f32x4_splat(0);
      v128_t c20 = wasm_f32x4_splat(0), c21 = wasm_f32x4_splat(0);
      v128_t c30 = wasm_f32x4_splat(0), c31 = wasm_f32x4_splat(0);
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t b0 = wasm_v128_load(b);
        v128_t b1 = wasm_v128_load(b + 4);
        v128_t x0 = wasm_f32x4_splat(a0[k]);
        v128_t x1 = wasm_f32x4_splat(a1[k]);
        v128_t x2 = wasm_f32x4_splat(a2[k]);
        v128_t x3 = wasm_f32x4_splat(a3[k]);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x2, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x2, b1));
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x3, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x3, b1));
      }
      float* c = C + i * N + j;
      if (accumulate) {
        c00 = wasm_f32x4_add(c00, wasm_v128_load(c)); c01 = wasm_f32x4_add(c01, wasm_v128_load(c + 4)); c += N;
        c10 = wasm_f32x4_add(c10, wasm_v128_load(c)); c11 = wasm_f32x4_add(c11, wasm_v128_load(c + 4)); c += N;
        c20 = wasm_f32x4_add(c20, wasm_v128_load(c)); c21 = wasm_f32x4_add(c21, wasm_v128_load(c + 4)); c += N;
        c30 = wasm_f32x4_add(c30, wasm_v128_load(c)); c31 = wasm_f32x4_add(c31, wasm_v128_load(c + 4));
        c = C + i * N + j;
      }
      wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01); c += N;
      wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); c += N;
      wasm_v128_store(c, c20); wasm_v128_store(c + 4, c21); c += N;
      wasm_v128_store(c, c30); wasm_v128_store(c + 4, c31);
    }
    for (; i < M; i++) {
      const float* a = A + i * K;
      v128_t c0 = wasm_f32x4_splat(0), c1 = wasm_f32x4_splat(0);
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t x = wasm_f32x4_splat(a[k]);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(b)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
      }
      float* c = C + i * N + j;
      if (accumulate) {
        c0 = wasm_f32x4_add(c0, wasm_v128_load(c));
        c1 = wasm_f32x4_add(c1, wasm_v128_load(c + 4));
      }
      wasm_v128_store(c, c0);
      wasm_v128_store(c + 4, c1);
    }
  }
  // The last columns (N mod 8: a dense layer of 100 units leaves 4, the classifier's 10 classes leave 2) four rows at
  // a time as well: one row's single sum is a chain of dependent additions, and ran at an eighth of the speed.
  for (; j + 4 <= N; j += 4) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float* a0 = A + (i + 0) * K;
      const float* a1 = A + (i + 1) * K;
      const float* a2 = A + (i + 2) * K;
      const float* a3 = A + (i + 3) * K;
      v128_t c0 = wasm_f32x4_splat(0), c1 = wasm_f32x4_splat(0), c2 = wasm_f32x4_splat(0), c3 = wasm_f32x4_splat(0);
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) {
        v128_t bk = wasm_v128_load(b);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a0[k]), bk));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(wasm_f32x4_splat(a1[k]), bk));
        c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(wasm_f32x4_splat(a2[k]), bk));
        c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(wasm_f32x4_splat(a3[k]), bk));
      }
      float* c = C + i * N + j;
      if (accumulate) {
        c0 = wasm_f32x4_add(c0, wasm_v128_load(c));
        c1 = wasm_f32x4_add(c1, wasm_v128_load(c + N));
        c2 = wasm_f32x4_add(c2, wasm_v128_load(c + 2 * N));
        c3 = wasm_f32x4_add(c3, wasm_v128_load(c + 3 * N));
      }
      wasm_v128_store(c, c0);
      wasm_v128_store(c + N, c1);
      wasm_v128_store(c + 2 * N, c2);
      wasm_v128_store(c + 3 * N, c3);
    }
    for (; i < M; i++) {
      const float* a = A + i * K;
      v128_t c0 = wasm_f32x4_splat(0);
      const float* b = B + j;
      for (int k = 0; k < K; k++, b += N) c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(a[k]), wasm_v128_load(b)));
      float* c = C + i * N + j;
      if (accumulate) c0 = wasm_f32x4_add(c0, wasm_v128_load(c));
      wasm_v128_store(c, c0);
    }
  }
  for (; j < N; j++) {
    int i = 0;
    for (; i + 4 <= M; i += 4) {
      const float* a0 = A + (i + 0) * K;
      const float* a1 = A + (i + 1) * K;
      const float* a2 = A + (i + 2) * K;
      const float* a3 = A + (i + 3) * K;
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int k = 0; k < K; k++) {
        float bk = B[k * N + j];
        s0 += a0[k] * bk;
        s1 += a1[k] * bk;
        s2 += a2[k] * bk;
        s3 += a3[k] * bk;
      }
      float* c = C + i * N + j;
      c[0] = accumulate ? c[0] + s0 : s0;
      c[N] = accumulate ? c[N] + s1 : s1;
      c[2 * N] = accumulate ? c[2 * N] + s2 : s2;
      c[3 * N] = accumulate ? c[3 * N] + s3 : s3;
    }
    for (; i < M; i++) {
      const float* a = A + i * K;
      float s = 0;
      for (int k = 0; k < K; k++) s += a[k] * B[k * N + j];
      C[i * N + j] = accumulate ? C[i * N + j] + s : s;
    }
  }
}

// Whether every one of n values is finite (neither ±∞ nor NaN).
static int all_finite(const float* x, int n) {
  int i = 0;
  v128_t bad = wasm_i32x4_splat(0);
  const v128_t exponent = wasm_i32x4_splat(0x7f800000);
  for (; i + 4 <= n; i += 4) bad = wasm_v128_or(bad, wasm_i32x4_eq(wasm_v128_and(wasm_v128_load(x + i), exponent), exponent));
  if (wasm_v128_any_true(bad)) return 0;
  for (; i < n; i++) {
    union { float f; uint32_t u; } v = { x[i] };
    if ((v.u & 0x7f800000u) == 0x7f800000u) return 0;
  }
  return 1;
}

// One row of a sparse product: c[0..N) = Σ_t val[t]·B[ks[t], ·], over the row's nonzeros in ascending k from +0 (so
// the dense gemm's sums bit for bit), 16 columns at a time in registers. gemm_sparse_a and gemm_csr share it.
static inline void sparse_row(const int* ks, const float* val, int nnz, const float* B, float* c, int N) {
  int j = 0;
  for (; j + 16 <= N; j += 16) {
    v128_t c0 = wasm_f32x4_splat(0), c1 = wasm_f32x4_splat(0), c2 = wasm_f32x4_splat(0), c3 = wasm_f32x4_splat(0);
    for (int t = 0; t < nnz; t++) {
      const float* b = B + ks[t] * N + j;
      v128_t x = wasm_f32x4_splat(val[t]);
      c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(x, wasm_v128_load(b)));
      c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(x, wasm_v128_load(b + 4)));
      c2 = wasm_f32x4_add(c2, wasm_f32x4_mul(x, wasm_v128_load(b + 8)));
      c3 = wasm_f32x4_add(c3, wasm_f32x4_mul(x, wasm_v128_load(b + 12)));
    }
    wasm_v128_store(c + j, c0);
    wasm_v128_store(c + j + 4, c1);
    wasm_v128_store(c + j + 8, c2);
    wasm_v128_store(c + j + 12, c3);
  }
  for (; j + 4 <= N; j += 4) {
    v128_t c0 = wasm_f32x4_splat(0);
    for (int t = 0; t < nnz; t++) c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(wasm_f32x4_splat(val[t]), wasm_v128_load(B + ks[t] * N + j)));
    wasm_v128_store(c + j, c0);
  }
  for (; j < N; j++) {
    float s = 0;
    for (int t = 0; t < nnz; t++) s += val[t] * B[ks[t] * N + j];
    c[j] = s;
  }
}

// C[M,N] = A[M,K]·B[K,N] for an A that is mostly zeros (MNIST digits are about four-fifths blank pixels, and so
// are the rows of their transpose, the first layer's weight gradient): each row's nonzero entries are gathered
// (into idx and val, K entries of scratch each) and only they are multiplied, in ascending k. The result is the
// dense gemm's bit for bit: both add each element's products in ascending k from +0, and a product with a zero
// entry is ±0, which leaves a sum unchanged (a sum that starts at +0 never becomes −0). That holds while B is
// finite (0·∞ is NaN): a B with ±∞ or NaN goes to the dense gemm.
EXPORT(gemm_sparse_a) void gemm_sparse_a(const float* A, const float* B, float* C, int M, int K, int N, int* idx, float* val) {
  if (!all_finite(B, K * N)) {
    gemm(A, B, C, M, K, N, 0);
    return;
  }
  for (int i = 0; i < M; i++) {
    const float* a = A + i * K;
    int nnz = 0;
    for (int k = 0; k < K; k++) {
      float v = a[k];
      if (v != 0.0f) {
        idx[nnz] = k;
        val[nnz] = v;
        nnz++;
      }
    }
    sparse_row(idx, val, nnz, B, C + i * N, N);
  }
}

// The nonzeros of A[M,K], row by row, for gemm_csr: row i's are entries rowptr[i] … rowptr[i+1] − 1 of k (their
// columns, ascending) and val. Returns their count. The test set is laid out so once (net.ts, ResidentInputs): on
// MNIST, gathering each row's nonzeros again at every probe was half of gemm_sparse_a's time (a branch per pixel
// that no predictor can guess).
EXPORT(csr_build) int csr_build(const float* A, int M, int K, int* rowptr, int* k_out, float* val) {
  int n = 0;
  for (int i = 0; i < M; i++) {
    rowptr[i] = n;
    const float* a = A + i * K;
    for (int k = 0; k < K; k++)
      if (a[k] != 0.0f) {
        k_out[n] = k;
        val[n] = a[k];
        n++;
      }
  }
  rowptr[M] = n;
  return n;
}

// C[M,N] = A·B for the M rows of A that csr_build laid out (rowptr points at the first of them: its offsets index
// the whole k and val arrays). The products and their order are gemm_sparse_a's, so the result is the dense gemm's
// bit for bit; and like gemm_sparse_a it needs a finite B: with ±∞ or NaN in B it returns 0 and does nothing (the
// caller takes the dense rows), else 1.
EXPORT(gemm_csr) int gemm_csr(const int* rowptr, const int* k_in, const float* val_in, const float* B, float* C, int M, int K, int N) {
  if (!all_finite(B, K * N)) return 0;
  for (int i = 0; i < M; i++) {
    const int* ks = k_in + rowptr[i];
    const float* val = val_in + rowptr[i];
    const int nnz = rowptr[i + 1] - rowptr[i];
    sparse_row(ks, val, nnz, B, C + i * N, N);
  }
  return 1;
}

// T[C,R] = A[R,C]ᵀ, in 8×8 tiles so both sides stay in cache.
EXPORT(transpose) void transpose(const float* A, float* T, int R, int C) {
  for (int r0 = 0; r0 < R; r0 += 8) {
    int r1 = r0 + 8 < R ? r0 + 8 : R;
    for (int c0 = 0; c0 < C; c0 += 8) {
      int c1 = c0 + 8 < C ? c0 + 8 : C;
      for (int r = r0; r < r1; r++)
        for (int c = c0; c < c1; c++) T[c * R + r] = A[r * C + c];
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Per-column operations on [R, C] (a dense layer's [batch, units]; a convolution's [batch·h·w, channels]).

// Y[r, c] += b[c]
EXPORT(add_bias) void add_bias(float* Y, const float* b, int R, int C) {
  for (int r = 0; r < R; r++) {
    float* y = Y + r * C;
    for (int c = 0; c < C; c++) y[c] += b[c];
  }
}

// out[c] = Σ_r X[r, c], rows in order.
EXPORT(col_sum) void col_sum(const float* X, float* out, int R, int C) {
  for (int c = 0; c < C; c++) out[c] = 0;
  for (int r = 0; r < R; r++) {
    const float* x = X + r * C;
    for (int c = 0; c < C; c++) out[c] += x[c];
  }
}

// out[0] = Σ (x − x0), out[1] = Σ (x − x0)² over n floats, in float64: a probe's moments of each layer's input,
// summed where the values lie (net.ts ShiftedMoments.addAt). Four float64 lanes of partial sums (elements i, i + 1,
// … mod 4), added up at the end: a single chain of dependent additions took four times as long.
EXPORT(shifted_sums) void shifted_sums(const float* x, int n, double x0, double* out) {
  v128_t a0 = wasm_f64x2_splat(0), a1 = wasm_f64x2_splat(0), q0 = wasm_f64x2_splat(0), q1 = wasm_f64x2_splat(0);
  const v128_t shift = wasm_f64x2_splat(x0);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t d0 = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(v), shift);
    v128_t d1 = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)), shift);
    a0 = wasm_f64x2_add(a0, d0);
    a1 = wasm_f64x2_add(a1, d1);
    q0 = wasm_f64x2_add(q0, wasm_f64x2_mul(d0, d0));
    q1 = wasm_f64x2_add(q1, wasm_f64x2_mul(d1, d1));
  }
  double s1 = (wasm_f64x2_extract_lane(a0, 0) + wasm_f64x2_extract_lane(a0, 1)) + (wasm_f64x2_extract_lane(a1, 0) + wasm_f64x2_extract_lane(a1, 1));
  double s2 = (wasm_f64x2_extract_lane(q0, 0) + wasm_f64x2_extract_lane(q0, 1)) + (wasm_f64x2_extract_lane(q1, 0) + wasm_f64x2_extract_lane(q1, 1));
  for (; i < n; i++) {
    double d = (double)x[i] - x0;
    s1 += d;
    s2 += d * d;
  }
  out[0] = s1;
  out[1] = s2;
}

// Σ a², and with b: Σ (a − b)², Σ a·b and Σ b², over n floats, in float64 and in order: out[0 … 3]. The probe's
// gradient norms and internal covariate shift (net.ts probeBatch), the sums its JavaScript made, bit for bit.
EXPORT(pair_sums) void pair_sums(const float* a, const float* b, int n, double* out) {
  double aa = 0, dd = 0, ab = 0, bb = 0;
  if (b) {
    for (int i = 0; i < n; i++) {
      double x = a[i], y = b[i];
      aa += x * x;
      dd += (x - y) * (x - y);
      ab += x * y;
      bb += y * y;
    }
  } else {
    for (int i = 0; i < n; i++) aa += (double)a[i] * (double)a[i];
  }
  out[0] = aa;
  out[1] = dd;
  out[2] = ab;
  out[3] = bb;
}

// Batch norm's §3 sums for the inspector, per unit u over the R rows in order, in float64: with c = x − μ and
// d = ∂ℓ/∂y·γ (γ null: 1), out [3·U] = Σ d·c, Σ d, Σ c (net.ts inspectBatchNorm; its JavaScript's sums bit for bit).
EXPORT(bn_inspect_sums) void bn_inspect_sums(const float* x, const float* dy, const float* mean, const float* gamma, int R, int U, double* out) {
  double* sdc = out;
  double* sd = out + U;
  double* sc = out + 2 * U;
  for (int u = 0; u < U; u++) sdc[u] = sd[u] = sc[u] = 0;
  for (int r = 0; r < R; r++) {
    const float* xr = x + r * U;
    const float* dr = dy + r * U;
    for (int u = 0; u < U; u++) {
      double c = (double)xr[u] - (double)mean[u];
      double d = (double)dr[u] * (gamma ? (double)gamma[u] : 1.0);
      sdc[u] += d * c;
      sd[u] += d;
      sc[u] += c;
    }
  }
}

// Y[r, c] = Y[r, c]·s[c] + m[c] (noisy batch norm's shift and scale); with m null, only the scale (its backward).
EXPORT(scale_shift_cols) void scale_shift_cols(float* Y, const float* s, const float* m, int R, int C) {
  for (int r = 0; r < R; r++) {
    float* y = Y + r * C;
    if (m) {
      for (int c = 0; c < C; c++) y[c] = y[c] * s[c] + m[c];
    } else {
      for (int c = 0; c < C; c++) y[c] = y[c] * s[c];
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Activations: 0 sigmoid, 1 tanh, 2 relu. The backward takes the forward's input x (relu) and output y (sigmoid,
// tanh), as tfjs's gradients do: σ' = y(1 − y), tanh' = 1 − y², relu' = [x > 0].

EXPORT(act_fwd) void act_fwd(int kind, const float* x, float* y, int n) {
  if (kind == 0) {
    // Four vectors at a time (exp_v is exp_f lane by lane): one vector's exp is a long chain of dependent operations,
    // and four chains side by side keep the arithmetic busy (3.1 → 2.1 ns a value). Then a vector, then one by one.
    int i = 0;
    const v128_t one = wasm_f32x4_splat(1.0f);
    for (; i + 16 <= n; i += 16) {
      v128_t e0 = exp_v(wasm_f32x4_neg(wasm_v128_load(x + i)));
      v128_t e1 = exp_v(wasm_f32x4_neg(wasm_v128_load(x + i + 4)));
      v128_t e2 = exp_v(wasm_f32x4_neg(wasm_v128_load(x + i + 8)));
      v128_t e3 = exp_v(wasm_f32x4_neg(wasm_v128_load(x + i + 12)));
      wasm_v128_store(y + i, wasm_f32x4_div(one, wasm_f32x4_add(one, e0)));
      wasm_v128_store(y + i + 4, wasm_f32x4_div(one, wasm_f32x4_add(one, e1)));
      wasm_v128_store(y + i + 8, wasm_f32x4_div(one, wasm_f32x4_add(one, e2)));
      wasm_v128_store(y + i + 12, wasm_f32x4_div(one, wasm_f32x4_add(one, e3)));
    }
    for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, wasm_f32x4_div(one, wasm_f32x4_add(one, exp_v(wasm_f32x4_neg(wasm_v128_load(x + i))))));
    for (; i < n; i++) y[i] = 1.0f / (1.0f + exp_f(-x[i]));
  } else if (kind == 1) {
    for (int i = 0; i < n; i++) y[i] = tanh_f(x[i]);
  } else {
    for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f;
  }
}

EXPORT(act_bwd) void act_bwd(int kind, const float* x, const float* y, const float* dy, float* dx, int n) {
  if (kind == 0) {
    for (int i = 0; i < n; i++) dx[i] = dy[i] * (y[i] * (1.0f - y[i]));
  } else if (kind == 1) {
    for (int i = 0; i < n; i++) dx[i] = (1.0f - y[i] * y[i]) * dy[i];
  } else {
    for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0.0f;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Batch norm over the rows of [R, C], per column (Ioffe & Szegedy, Algorithm 1), through the shift x0 = row 0.
// Writes x̂, y = γx̂ + β (γ, β null: 1 and 0), the batch mean and biased variance, and 1/√(σ² + ε). shift is
// scratch of C floats.

EXPORT(bn_fwd) void bn_fwd(const float* X, float* xhat, float* Y, float* mean, float* var, float* invstd, const float* gamma,
                           const float* beta, float* shift, int R, int C, float eps) {
  const float inv = 1.0f / (float)R;
  for (int c = 0; c < C; c++) shift[c] = 0;
  for (int r = 0; r < R; r++) {
    const float* x = X + r * C;
    for (int c = 0; c < C; c++) shift[c] += x[c] - X[c];
  }
  for (int c = 0; c < C; c++) {
    shift[c] = shift[c] * inv;  // mean(x − x0)
    mean[c] = X[c] + shift[c];
    var[c] = 0;
  }
  for (int r = 0; r < R; r++) {
    const float* x = X + r * C;
    float* h = xhat + r * C;
    for (int c = 0; c < C; c++) {
      float d = (x[c] - X[c]) - shift[c];
      h[c] = d;
      var[c] += d * d;
    }
  }
  for (int c = 0; c < C; c++) {
    var[c] = var[c] * inv;
    invstd[c] = 1.0f / __builtin_sqrtf(var[c] + eps);
  }
  for (int r = 0; r < R; r++) {
    float* h = xhat + r * C;
    float* y = Y + r * C;
    for (int c = 0; c < C; c++) {
      h[c] = h[c] * invstd[c];
      y[c] = (gamma ? h[c] * gamma[c] : h[c]) + (beta ? beta[c] : 0.0f);
    }
  }
}

// The §3 backward pass in its folded form, dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂)), with
// ∂ℓ/∂γ = Σ dy·x̂ and ∂ℓ/∂β = Σ dy written to dgamma and dbeta (always: scratch when γ, β are not learned).
EXPORT(bn_bwd) void bn_bwd(const float* xhat, const float* invstd, const float* gamma, const float* dY, float* dX, float* dgamma,
                           float* dbeta, int R, int C) {
  for (int c = 0; c < C; c++) dgamma[c] = dbeta[c] = 0;
  for (int r = 0; r < R; r++) {
    const float* dy = dY + r * C;
    const float* h = xhat + r * C;
    for (int c = 0; c < C; c++) {
      dbeta[c] += dy[c];
      dgamma[c] += dy[c] * h[c];
    }
  }
  const float inv = 1.0f / (float)R;
  for (int r = 0; r < R; r++) {
    const float* dy = dY + r * C;
    const float* h = xhat + r * C;
    float* dx = dX + r * C;
    for (int c = 0; c < C; c++) {
      float g = (gamma ? gamma[c] : 1.0f) * invstd[c];
      dx[c] = g * (dy[c] - dbeta[c] * inv - h[c] * (dgamma[c] * inv));
    }
  }
}

// Batch norm in inference mode (the probes' test-set pass): y = ((x − μ_run)·1/√(σ²_run + ε))·γ + β per column, in
// the reference's order of operations (batchNormInference, norm/batch.ts). invstd is scratch of C floats.
EXPORT(bn_infer) void bn_infer(const float* X, float* Y, const float* mean, const float* var, const float* gamma, const float* beta,
                               float* invstd, int R, int C, float eps) {
  for (int c = 0; c < C; c++) invstd[c] = 1.0f / __builtin_sqrtf(var[c] + eps);
  for (int r = 0; r < R; r++) {
    const float* x = X + r * C;
    float* y = Y + r * C;
    for (int c = 0; c < C; c++) {
      float h = (x[c] - mean[c]) * invstd[c];
      y[c] = (gamma ? h * gamma[c] : h) + (beta ? beta[c] : 0.0f);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Layer and group norm: x viewed as [N, P, G, Cg] (P = h·w of a convolution, 1 for a dense layer; C = G·Cg
// channels). Each example's group (n, g) is normalized over its P·Cg values; layer norm is G = 1. γ, β per channel.
// invstd gets N·G entries.

EXPORT(gn_fwd) void gn_fwd(const float* X, float* xhat, float* Y, float* invstd, const float* gamma, const float* beta, int N, int P,
                           int G, int Cg, float eps) {
  const int C = G * Cg;
  const float inv = 1.0f / (float)(P * Cg);
  for (int n = 0; n < N; n++) {
    const float* xn = X + n * P * C;
    for (int g = 0; g < G; g++) {
      const float x0 = xn[g * Cg];
      float s = 0;
      for (int p = 0; p < P; p++)
        for (int c = 0; c < Cg; c++) s += xn[p * C + g * Cg + c] - x0;
      s *= inv;
      float v = 0;
      for (int p = 0; p < P; p++)
        for (int c = 0; c < Cg; c++) {
          int i = n * P * C + p * C + g * Cg + c;
          float d = (X[i] - x0) - s;
          xhat[i] = d;
          v += d * d;
        }
      v *= inv;
      float is = 1.0f / __builtin_sqrtf(v + eps);
      invstd[n * G + g] = is;
      for (int p = 0; p < P; p++)
        for (int c = 0; c < Cg; c++) {
          int i = n * P * C + p * C + g * Cg + c;
          int ch = g * Cg + c;
          xhat[i] *= is;
          Y[i] = (gamma ? xhat[i] * gamma[ch] : xhat[i]) + (beta ? beta[ch] : 0.0f);
        }
    }
  }
}

// dx = 1/√(σ² + ε) · (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)) per set, dx̂ = dy·γ; ∂ℓ/∂γ, ∂ℓ/∂β summed per channel.
EXPORT(gn_bwd) void gn_bwd(const float* xhat, const float* invstd, const float* gamma, const float* dY, float* dX, float* dgamma,
                           float* dbeta, int N, int P, int G, int Cg) {
  const int C = G * Cg;
  const float inv = 1.0f / (float)(P * Cg);
  for (int c = 0; c < C; c++) dgamma[c] = dbeta[c] = 0;
  for (int n = 0; n < N; n++) {
    for (int g = 0; g < G; g++) {
      float m1 = 0, m2 = 0;
      for (int p = 0; p < P; p++)
        for (int c = 0; c < Cg; c++) {
          int i = n * P * C + p * C + g * Cg + c;
          int ch = g * Cg + c;
          float dh = dY[i] * (gamma ? gamma[ch] : 1.0f);
          m1 += dh;
          m2 += dh * xhat[i];
          dbeta[ch] += dY[i];
          dgamma[ch] += dY[i] * xhat[i];
        }
      m1 *= inv;
      m2 *= inv;
      float is = invstd[n * G + g];
      for (int p = 0; p < P; p++)
        for (int c = 0; c < Cg; c++) {
          int i = n * P * C + p * C + g * Cg + c;
          float dh = dY[i] * (gamma ? gamma[g * Cg + c] : 1.0f);
          dX[i] = is * (dh - m1 - xhat[i] * m2);
        }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Softmax cross-entropy of logits Z[M, K] against integer labels: returns the mean loss and writes
// ∂ℓ/∂Z = (softmax − onehot)/M.

EXPORT(softmax_ce) float softmax_ce(const float* Z, const int32_t* labels, float* dZ, int M, int K) {
  float total = 0;
  const float inv = 1.0f / (float)M;
  for (int i = 0; i < M; i++) {
    const float* z = Z + i * K;
    float* dz = dZ + i * K;
    float mx = z[0];
    for (int k = 1; k < K; k++) mx = z[k] > mx ? z[k] : mx;
    float s = 0;
    for (int k = 0; k < K; k++) {
      dz[k] = exp_f(z[k] - mx);
      s += dz[k];
    }
    float lse = log_f(s);
    int y = labels[i];
    total += lse - (z[y] - mx);
    float is = 1.0f / s;
    for (int k = 0; k < K; k++) dz[k] = (dz[k] * is - (k == y ? 1.0f : 0.0f)) * inv;
  }
  return total * inv;
}

// ---------------------------------------------------------------------------------------------------------------
// Optimizers, element by element, in the reference's order of operations (optimizers.ts).

// θ ← θ − η g
EXPORT(sgd) void sgd(float* p, const float* g, int n, float lr) {
  for (int i = 0; i < n; i++) p[i] = p[i] - g[i] * lr;
}

// v ← μ v + g;  θ ← θ − η v
EXPORT(momentum) void momentum(float* p, float* v, const float* g, int n, float lr, float mu) {
  for (int i = 0; i < n; i++) {
    v[i] = v[i] * mu + g[i];
    p[i] = p[i] - v[i] * lr;
  }
}

// m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η (m/c₁)/(√(v/c₂) + 1e-8)
EXPORT(adam) void adam(float* p, float* m, float* v, const float* g, int n, float lr, float b1, float omb1, float b2, float omb2,
                       float c1, float c2) {
  for (int i = 0; i < n; i++) {
    m[i] = m[i] * b1 + g[i] * omb1;
    v[i] = v[i] * b2 + (g[i] * g[i]) * omb2;
    p[i] = p[i] - ((m[i] / c1) / (__builtin_sqrtf(v[i] / c2) + 1e-8f)) * lr;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 3×3 convolution, NHWC, TensorFlow's 'same' padding (padT, padL before; the rest after), as im2col + gemm.
// cols[(n·OH + oh)·OW + ow, (ky·3 + kx)·C + c] = x[n, oh·s + ky − padT, ow·s + kx − padL, c] (0 outside), so the
// weights [3, 3, C, Cout] are the gemm's [9C, Cout] as they lie.

EXPORT(im2col) void im2col(const float* X, float* cols, int N, int H, int W, int C, int OH, int OW, int stride, int padT, int padL) {
  float* out = cols;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++)
        for (int ky = 0; ky < 3; ky++) {
          int iy = oh * stride + ky - padT;
          for (int kx = 0; kx < 3; kx++) {
            int ix = ow * stride + kx - padL;
            if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
              for (int c = 0; c < C; c++) out[c] = 0;
            } else {
              const float* x = X + ((n * H + iy) * W + ix) * C;
              for (int c = 0; c < C; c++) out[c] = x[c];
            }
            out += C;
          }
        }
}

// The same convolution without the cols matrix, for the passes that need no weight gradient (a probe's forward
// passes over the test set and the probe batch): im2col writes nine copies of the input and the gemm reads them
// back, which on the CNN cost as much as the products. Y[n, oh, ow, :] = Σ over (ky, kx, c) in im2col's column
// order of x·W, from +0, so every sum is im2col + gemm's bit for bit: a tap outside the image is a zero there,
// whose products (±0) leave the sum unchanged, so here it is read as a zero or skipped. That holds while W is
// finite (0·∞ is NaN): with a non-finite W, or more than CONV_MAX_C input channels, it returns 0 and does
// nothing, and the caller takes im2col + gemm.
#define CONV_MAX_C 1024
static const float conv_zeros[CONV_MAX_C];

// Two output pixels (a, b) × V 4-channel vectors of outputs from channel j: 2V sums in registers; the weight vectors
// are loaded once for both pixels. `xa[t]`, `xb[t]` point at tap t's C inputs (conv_zeros outside the image);
// `w[t]` at the tap's weight rows, already offset to channel j.
#define CONV_PASS(V)                                                                                              \
  static inline void conv_pass_##V(const float* const* xa, const float* const* xb, const float* const* w, int taps, \
                                   int C, int Cout, float* ya, float* yb) {                                       \
    v128_t a[V], b[V];                                                                                           \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) a[v] = b[v] = wasm_f32x4_splat(0);            \
    for (int t = 0; t < taps; t++) {                                                                             \
      const float* pa = xa[t];                                                                                   \
      const float* pb = xb[t];                                                                                   \
      const float* wt = w[t];                                                                                    \
      for (int c = 0; c < C; c++, wt += Cout) {                                                                  \
        v128_t sa = wasm_f32x4_splat(pa[c]);                                                                     \
        v128_t sb = wasm_f32x4_splat(pb[c]);                                                                     \
        _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) {                                         \
          v128_t wv = wasm_v128_load(wt + 4 * v);                                                                \
          a[v] = wasm_f32x4_add(a[v], wasm_f32x4_mul(sa, wv));                                                   \
          b[v] = wasm_f32x4_add(b[v], wasm_f32x4_mul(sb, wv));                                                   \
        }                                                                                                        \
      }                                                                                                          \
    }                                                                                                            \
    _Pragma("clang loop unroll(full)") for (int v = 0; v < V; v++) {                                             \
      wasm_v128_store(ya + 4 * v, a[v]);                                                                         \
      wasm_v128_store(yb + 4 * v, b[v]);                                                                         \
    }                                                                                                            \
  }
CONV_PASS(1)
CONV_PASS(2)
CONV_PASS(3)
CONV_PASS(4)

EXPORT(conv3x3_fwd) int conv3x3_fwd(const float* X, const float* Wt, float* Y, int N, int H, int W, int C, int OH, int OW, int stride, int padT, int padL, int Cout) {
  if (C > CONV_MAX_C || !all_finite(Wt, 9 * C * Cout)) return 0;
  const float* xa[9];
  const float* xb[9];
  const float* w[9];
  float spare[16];  // the second pixel's outputs when a row has an odd number of them
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++) {
      float* yrow = Y + ((n * OH + oh) * OW) * Cout;
      for (int ow = 0; ow < OW; ow += 2) {
        const int pair = ow + 1 < OW;
        // The taps either pixel reads, in im2col's order; a row of taps above or below the image is skipped.
        int taps = 0;
        for (int ky = 0; ky < 3; ky++) {
          int iy = oh * stride + ky - padT;
          if (iy < 0 || iy >= H) continue;
          for (int kx = 0; kx < 3; kx++) {
            int ia = ow * stride + kx - padL;
            int ib = ia + stride;
            int ina = ia >= 0 && ia < W;
            int inb = pair && ib >= 0 && ib < W;
            if (!ina && !inb) continue;
            const float* row = X + ((n * H + iy) * W) * C;
            xa[taps] = ina ? row + ia * C : conv_zeros;
            xb[taps] = inb ? row + ib * C : conv_zeros;
            w[taps] = Wt + (ky * 3 + kx) * C * Cout;
            taps++;
          }
        }
        float* ya = yrow + ow * Cout;
        float* yb = pair ? ya + Cout : spare;
        int j = 0;
        // Channels in passes of up to 16 (8 sums per pixel pair: enough to hide each add's latency).
        for (; j + 16 <= Cout; j += 16) {
          const float* wj[9];
          for (int t = 0; t < taps; t++) wj[t] = w[t] + j;
          conv_pass_4(xa, xb, wj, taps, C, Cout, ya + j, pair ? yb + j : spare);
        }
        if (j + 4 <= Cout) {
          const int V = (Cout - j) / 4;
          const float* wj[9];
          for (int t = 0; t < taps; t++) wj[t] = w[t] + j;
          float* ybj = pair ? yb + j : spare;
          if (V == 3) conv_pass_3(xa, xb, wj, taps, C, Cout, ya + j, ybj);
          else if (V == 2) conv_pass_2(xa, xb, wj, taps, C, Cout, ya + j, ybj);
          else conv_pass_1(xa, xb, wj, taps, C, Cout, ya + j, ybj);
          j += 4 * V;
        }
        for (; j < Cout; j++) {
          float sa = 0, sb = 0;
          for (int t = 0; t < taps; t++)
            for (int c = 0; c < C; c++) {
              float wv = w[t][c * Cout + j];
              sa += xa[t][c] * wv;
              sb += xb[t][c] * wv;
            }
          ya[j] = sa;
          if (pair) yb[j] = sb;
        }
      }
    }
  return 1;
}

// The adjoint of im2col: dX[n, iy, ix, c] = Σ of the cols entries that read it (dX is zeroed first). This is the
// convolution's input gradient once dcols = dY·Wᵀ.
EXPORT(col2im) void col2im(const float* cols, float* dX, int N, int H, int W, int C, int OH, int OW, int stride, int padT, int padL) {
  for (int i = 0, n = N * H * W * C; i < n; i++) dX[i] = 0;
  const float* in = cols;
  for (int n = 0; n < N; n++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++)
        for (int ky = 0; ky < 3; ky++) {
          int iy = oh * stride + ky - padT;
          for (int kx = 0; kx < 3; kx++) {
            int ix = ow * stride + kx - padL;
            if (!(iy < 0 || iy >= H || ix < 0 || ix >= W)) {
              float* dx = dX + ((n * H + iy) * W + ix) * C;
              for (int c = 0; c < C; c++) dx[c] += in[c];
            }
            in += C;
          }
        }
}
