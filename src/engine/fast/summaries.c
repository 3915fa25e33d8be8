// The probe's distribution summaries in WebAssembly SIMD: what summarizeDistributions (src/engine/probes/distribution.ts)
// computes from a nonlinearity input's raw values, the same numbers bit for bit, several times faster. Built into the
// same module as kernels.c (scripts/build-wasm.mjs); the TypeScript side is summaries.ts, and summaries.test.ts holds
// the two implementations to equality.
//
// Input: z, row-major [samples, units] float32 (a dense layer's [batch, units], a convolution's [batch·h·w, channels]).
// Output, per unit and pooled over the layer: the histogram (underflow, `bins` bins over [−range, range), overflow),
// mean, standard deviation (biased) and percentiles (numpy's 'linear').
//
// Why the numbers are the JavaScript's exactly:
//   - The histogram column is histogramColumn's: with q = fl32(fl32(v + range)/width), column ⌊q⌋ + 1 for q in
//     [0, bins), 0 below (and for NaN), bins + 1 above. A float32 operation here is the correctly rounded one, which is
//     what Math.fround after a double operation gives. Counts are integers; as float32 the JS's increments stick at
//     2^24, so the copy does too.
//   - Means and standard deviations are float64 sums of x − x0 and (x − x0)² per unit, in sample order, as in the JS:
//     SIMD runs across units (two float64 lanes, each one unit's own sum), never across the samples of one sum, and
//     the pooled values combine the units' in unit order with the JS's expressions (x**2 is x·x in V8).
//   - A percentile is a + (b − a)·w in float32 of the values a, b at two ranks of the sorted list (NaNs last). The
//     values at ranks are exact whatever the algorithm: a histogram whose bin is monotone in the value locates each
//     rank's bin, and a selection among that bin's values finds it. Ties are equal values, so it does not matter
//     which is found; −0 and +0 compare equal and may swap, but a + (b − a)·w is +0 for either sign of a zero a or b
//     (b ≥ a), so no result changes. The ranks and weights come from the caller, computed as PercentileSelector does.
//   - No contraction of a·b + c into a fused multiply-add (wasm has none, and the pragma makes sure).
// NaN results are NaN; their payload is not promised.
//
// The cost is in touching each value, and above all in incrementing counters: an increment of a counter whose last
// increment is still in flight stalls the pipeline (a 48-bin histogram gets that all the time), and counters outside
// the L1 cache cost twice as much. So each value is counted once, in one fine histogram per unit that serves
// everything: its bins refine the histogram's columns (S = 2^j bins a column: ⌊q·S⌋, exact since S is a power of
// two), beyond the range they follow the value's float32 bits (up to 8 bins a power of two), and NaN has a bin of its
// own. The columns are sums of fine bins; the pooled selection histogram is the sum of the units' (one grid for all),
// so the pooled percentiles cost no counting of their own. The passes:
//   (A) row-major, 4 units (one v128 of a row) at a time over blocks of rows that stay in cache: the moments and
//       extents, and a copy of z unit-major;
//   (B) unit-major, a unit at a time (its counters stay in L1): each value's fine bin, then the counts;
//   (C) the values of the fine bins that hold a wanted rank (a unit's, or the pooled list's), gathered.
// Then a selection among each wanted bin's values. On a CNN layer of 50,176 × 16 values this takes about 4 ms, the
// JavaScript about 55 ms.

#include <stdint.h>
#include <wasm_simd128.h>

#pragma clang fp contract(off)

#define EXPORT(name) __attribute__((export_name(#name)))

enum {
  // Fine bins: at most one in range per sample, and at most this many a unit, so that a unit's counters stay in the
  // L1 cache while its values are counted (the increments land all over them; from L2 they cost twice as much).
  MAX_UNIT_BINS = 4096,
  // Beyond the range, fine bins reach this many powers of two out (to 2^24·range); values further out share the
  // outermost bin.
  OUTER_OCTAVES = 24,
  // At most 16 percentiles, so at most 32 distinct ranks.
  MAX_PERCENTILES = 16,
  MAX_RANKS = 2 * MAX_PERCENTILES,
  // Rows per block: about 16 kB of z.
  BLOCK_FLOATS = 4096,
  SMALL_SORT = 24,
};

#define INF __builtin_inff()
#define NAN_F __builtin_nanf("")

static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

// The float32 values in order as unsigned integers: negative ones bit-flipped, positive ones with the sign bit set.
static inline uint32_t key_of(float v) {
  union { float f; uint32_t u; } x = { v };
  return x.u & 0x80000000u ? ~x.u : x.u | 0x80000000u;
}

// ---------------------------------------------------------------------------------------------------------------
// The fine grid and the workspace, from the shape alone (so the caller can size the workspace).

typedef struct {
  int U4;          // units rounded up to a multiple of 4: the groups of the SIMD passes
  int cols;        // bins + 2
  int S;           // fine bins per column
  int shift;       // beyond the range, a value's bin is key >> shift (2^(23 − shift) bins per power of two)
  int ulo, olo;    // key >> shift of −2^24·range and of range/2: the first bins below and above the range
  int Un, In, On;  // fine bins below the range, in it (bins·S) and above it
  int T;           // fine bins per unit: Un + In + On + 1, the last for NaN
  int Sp;          // samples rounded up to a multiple of 8
  uint32_t pad;                 // float [samples × U4]: z with its rows padded by NaNs, when units % 4 ≠ 0
  uint32_t byUnit;              // float [U4 × Sp]: z unit-major, each unit's values padded by NaNs
  uint32_t bin;                 // uint16 [U4 × Sp]: each value's fine bin
  uint32_t count, at;           // int32 [U4 × T]: fine counts; where a wanted bin's next value goes, or −1
  uint32_t pooled;              // int32 [T]: the units' counts summed
  uint32_t umin, umax;          // float [U4]: extents
  uint32_t uneg, upos;          // int32 [U4]: −∞ and +∞ in a unit (counted when its extent has them)
  uint32_t x0, s1, s2, mean, sq;  // double [U4]
  uint32_t rbin, rbase;         // int32 [(U4 + 1) × MAX_RANKS]: each wanted rank's bin, and the rank its bin starts at
  uint32_t rstart;              // int32 [MAX_RANKS]: where each pooled rank's bin lies in the gather buffer
  uint32_t gather;              // float [samples × units]: the wanted bins' values
  uint32_t total;
} Layout;

static uint32_t take(uint32_t* top, uint32_t bytes) {
  uint32_t at = *top;
  *top = (at + bytes + 15u) & ~15u;
  return at;
}

// The fine grid with S = 2^j bins a column (and 2^j, at most 8, a power of two beyond the range).
static void fine_grid(Layout* L, int bins, int j, float range32) {
  L->S = 1 << j;
  L->In = bins * L->S;
  L->shift = 23 - imin(3, j);
  const float far = range32 * (float)(1 << OUTER_OCTAVES);  // may overflow to ∞: the key order still holds
  L->ulo = (int)(key_of(-far) >> L->shift);
  L->Un = (int)(key_of(-range32) >> L->shift) - L->ulo + 1;
  L->olo = (int)(key_of(range32 * 0.5f) >> L->shift);
  L->On = (int)(key_of(far) >> L->shift) - L->olo + 1;
  L->T = L->Un + L->In + L->On + 1;
}

static Layout layout_of(int samples, int units, int bins, float range32) {
  Layout L;
  L.U4 = (units + 3) & ~3;
  L.cols = bins + 2;
  L.Sp = (samples + 7) & ~7;
  // S: as many fine bins in range as samples, within a unit's budget (which also keeps q·S below 2^23, exact).
  int j = 0;
  for (;;) {
    fine_grid(&L, bins, j + 1, range32);
    if ((int64_t)bins << (j + 1) > samples || L.T > MAX_UNIT_BINS) break;
    j++;
  }
  fine_grid(&L, bins, j, range32);
  uint32_t U4 = (uint32_t)L.U4, n = (uint32_t)samples * (uint32_t)units, top = 0;
  L.pad = take(&top, units % 4 ? 4u * (uint32_t)samples * U4 : 0);
  L.byUnit = take(&top, 4u * U4 * (uint32_t)L.Sp);
  L.bin = take(&top, 2u * U4 * (uint32_t)L.Sp);
  L.count = take(&top, 4u * U4 * (uint32_t)L.T);
  L.at = take(&top, 4u * U4 * (uint32_t)L.T);
  L.pooled = take(&top, 4u * (uint32_t)L.T);
  L.umin = take(&top, 4u * U4);
  L.umax = take(&top, 4u * U4);
  L.uneg = take(&top, 4u * U4);
  L.upos = take(&top, 4u * U4);
  L.x0 = take(&top, 8u * U4);
  L.s1 = take(&top, 8u * U4);
  L.s2 = take(&top, 8u * U4);
  L.mean = take(&top, 8u * U4);
  L.sq = take(&top, 8u * U4);
  L.rbin = take(&top, 4u * (U4 + 1) * MAX_RANKS);
  L.rbase = take(&top, 4u * (U4 + 1) * MAX_RANKS);
  L.rstart = take(&top, 4u * MAX_RANKS);
  L.gather = take(&top, 4u * n);
  L.total = top;
  return L;
}

// Bytes of workspace summarize_distributions needs for this shape and range.
EXPORT(summaries_workspace_bytes) uint32_t summaries_workspace_bytes(int samples, int units, int bins, float range32) {
  return layout_of(samples, units, bins, range32).total;
}

// ---------------------------------------------------------------------------------------------------------------
// Selection of several ranks in a short list without NaNs: PercentileSelector's quickselect (percentiles.ts), with a
// heapsort when the partitions keep coming out lopsided, so no input takes quadratic time.

static void insertion_sort(float* a, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    float v = a[i];
    int j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void sift_down(float* a, int root, int n) {
  for (;;) {
    int child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (!(a[child] > a[root])) return;
    float t = a[root];
    a[root] = a[child];
    a[child] = t;
    root = child;
  }
}

static void heap_sort(float* a, int n) {
  for (int i = n / 2 - 1; i >= 0; i--) sift_down(a, i, n);
  for (int end = n - 1; end > 0; end--) {
    float t = a[0];
    a[0] = a[end];
    a[end] = t;
    sift_down(a, 0, end);
  }
}

// Puts the value of each rank ranks[rLo..rHi] (ascending, within lo..hi) of a[lo..hi] in its place.
static void select_in(float* a, int lo, int hi, const int* ranks, int rLo, int rHi, int depth) {
  while (rLo <= rHi) {
    if (hi - lo < SMALL_SORT) {
      insertion_sort(a, lo, hi);
      return;
    }
    if (depth-- <= 0) {
      heap_sort(a + lo, hi - lo + 1);
      return;
    }
    float x = a[lo], y = a[lo + ((hi - lo) >> 1)], z = a[hi];
    float pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Hoare partition: both scans stop on values equal to the pivot, so runs of equal values split evenly.
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        float t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    // a[lo..j] ≤ pivot ≤ a[i..hi]; a position strictly between j and i holds the pivot, already in place.
    int k = rLo;
    while (k <= rHi && ranks[k] <= j) k++;
    int l = k;
    while (l <= rHi && ranks[l] < i) l++;
    if (k > rLo) {
      if (l <= rHi) select_in(a, i, hi, ranks, l, rHi, depth);
      hi = j;
      rHi = k - 1;
    } else {
      lo = i;
      rLo = l;
    }
  }
}

static void select_ranks(float* a, int n, const int* ranks, int count) {
  int depth = 8;
  for (int m = n; m > 1; m >>= 1) depth += 2;
  select_in(a, 0, n - 1, ranks, 0, count - 1, depth);
}

// ---------------------------------------------------------------------------------------------------------------
// Rank bookkeeping. A plan gives P percentiles as the ranks lo[q], hi[q] and the float32 weight w[q]; `ranks` are
// the distinct ones, ascending.

static int distinct_ranks(const int32_t* lo, const int32_t* hi, int P, int* ranks) {
  int R = 0;
  for (int q = 0; q < 2 * P; q++) {
    int r = q < P ? lo[q] : hi[q - P];
    int i = R;
    while (i > 0 && ranks[i - 1] > r) i--;
    if (i > 0 && ranks[i - 1] == r) continue;
    for (int t = R; t > i; t--) ranks[t] = ranks[t - 1];
    ranks[i] = r;
    R++;
  }
  return R;
}

static int rank_index(const int* ranks, int R, int r) {
  int i = 0;
  while (i < R - 1 && ranks[i] != r) i++;
  return i;
}

// The percentiles from the values at the ranks, in float32 as the device kernels (and PercentileSelector) did.
static void interpolate(const int* ranks, int R, const float* at, const int32_t* lo, const int32_t* hi, const float* w, int P,
                        float* out) {
  for (int q = 0; q < P; q++) {
    float a = at[rank_index(ranks, R, lo[q])];
    float b = at[rank_index(ranks, R, hi[q])];
    out[q] = a + (b - a) * w[q];
  }
}

// A list with at most one distinct finite value c: sorted, it is −∞ × neg, c × (m − neg − pos), +∞ × pos, then NaNs.
static void values_at_ranks_counted(int neg, int pos, int m, float c, const int* ranks, int R, float* out) {
  for (int i = 0; i < R; i++) {
    int r = ranks[i];
    out[i] = r >= m ? NAN_F : r < neg ? -INF : r < m - pos ? c : INF;
  }
}

// Each wanted rank's bin (rank < m, the values that are not NaN) and the rank its bin starts at.
static void rank_bins(const int32_t* count, int m, const int* ranks, int R, int32_t* rbin, int32_t* rbase) {
  int b = 0, before = 0;
  for (int i = 0; i < R; i++) {
    int r = ranks[i];
    if (r >= m) {
      rbin[i] = -1;
      continue;
    }
    while (before + count[b] <= r) before += count[b++];
    rbin[i] = b;
    rbase[i] = before;
  }
}

// The value at each rank, from the gathered values of each rank's bin (start[i], count[rbin[i]] of them).
static void values_at_ranks(float* gather, const int32_t* count, const int32_t* start, const int* ranks, int R, const int32_t* rbin,
                            const int32_t* rbase, float* out) {
  int offsets[MAX_RANKS];
  for (int i = 0; i < R;) {
    int b = rbin[i];
    if (b < 0) {
      out[i++] = NAN_F;  // a rank among the NaNs, which sort last
      continue;
    }
    int j = i, k = 0;
    while (j < R && rbin[j] == b) offsets[k++] = ranks[j++] - rbase[i];
    float* values = gather + start[i];
    select_ranks(values, count[b], offsets, k);
    for (int t = 0; t < k; t++) out[i + t] = values[offsets[t]];
    i = j;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The passes.

// A float32 holding an integer in [0, 2^23) to that int32: added to 2^23, the integer is the low bits of the
// mantissa. Cheaper than i32x4.trunc_sat_f32x4, which has no single x64 instruction.
static inline v128_t small_int(v128_t f) {
  return wasm_i32x4_sub(wasm_f32x4_add(f, wasm_f32x4_splat(8388608.0f)), wasm_i32x4_splat(0x4B000000));
}

typedef struct {
  v128_t range, width, S, In, InI, inLast, bins, inBase, ulo, uLast, olo, oLast, oBase, nan;
  uint32_t shift;
} Grid;

static Grid grid_of(const Layout* L, float range32, float width32) {
  Grid g;
  g.range = wasm_f32x4_splat(range32);
  g.width = wasm_f32x4_splat(width32);
  g.S = wasm_f32x4_splat((float)L->S);
  g.In = wasm_f32x4_splat((float)L->In);
  g.InI = wasm_i32x4_splat(L->In);
  g.inLast = wasm_f32x4_splat((float)(L->In - 1));
  g.bins = wasm_f32x4_splat((float)(L->cols - 2));
  g.inBase = wasm_i32x4_splat(L->Un);
  g.ulo = wasm_i32x4_splat(L->ulo);
  g.uLast = wasm_i32x4_splat(L->Un - 1);
  g.olo = wasm_i32x4_splat(L->olo);
  g.oLast = wasm_i32x4_splat(L->On - 1);
  g.oBase = wasm_i32x4_splat(L->Un + L->In);
  g.nan = wasm_i32x4_splat(L->T - 1);
  g.shift = (uint32_t)L->shift;
  return g;
}

// Each lane's fine bin. In range (0 ≤ q < bins): Un + ⌊q·S⌋. Below: the key's bin from −2^24·range's, clamped to the
// region; above, likewise from range/2's (a value above the range exceeds it). NaN: the last bin. Monotone in the
// value: q is, keys are, clamping is, and the regions are in order.
static inline v128_t fine_bin(v128_t v, v128_t q, const Grid* g) {
  const v128_t zero = wasm_i32x4_splat(0);
  v128_t f = wasm_f32x4_floor(wasm_f32x4_pmax(zero, wasm_f32x4_pmin(wasm_f32x4_mul(q, g->S), g->inLast)));
  v128_t in = wasm_i32x4_add(small_int(f), g->inBase);
  // key_of in SIMD: flip every bit of a negative value (its sign, spread by the arithmetic shift), the sign of others.
  v128_t flip = wasm_v128_or(wasm_i32x4_shr(v, 31), wasm_i32x4_splat((int32_t)0x80000000));
  v128_t key = wasm_u32x4_shr(wasm_v128_xor(v, flip), g->shift);
  v128_t under = wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_sub(key, g->ulo), zero), g->uLast);
  v128_t over = wasm_i32x4_add(wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_sub(key, g->olo), zero), g->oLast), g->oBase);
  v128_t b = wasm_v128_bitselect(under, in, wasm_f32x4_lt(q, zero));
  b = wasm_v128_bitselect(over, b, wasm_f32x4_ge(q, g->bins));
  return wasm_v128_bitselect(g->nan, b, wasm_f32x4_ne(v, v));
}

// The same, quicker where every lane is in range (most vectors): 1 + ⌊q·S⌋ clamped to [0, In + 1] (NaN to 0) tells
// which lanes are, and is their bin less Un − 1.
static inline v128_t any_bin(v128_t v, const Grid* g) {
  v128_t q = wasm_f32x4_div(wasm_f32x4_add(v, g->range), g->width);
  v128_t f = wasm_f32x4_floor(wasm_f32x4_pmax(wasm_f32x4_splat(-1.0f), wasm_f32x4_pmin(wasm_f32x4_mul(q, g->S), g->In)));
  v128_t x = small_int(wasm_f32x4_add(f, wasm_f32x4_splat(1.0f)));
  v128_t x1 = wasm_i32x4_sub(x, wasm_i32x4_splat(1));
  if (__builtin_expect(wasm_v128_any_true(wasm_u32x4_ge(x1, g->InI)), 0))
    return fine_bin(v, q, g);
  return wasm_i32x4_add(x1, g->inBase);
}

// (A) Row-major, a group of 4 units at a time: the float64 sums of x − x0 and (x − x0)² in sample order, the extent
// (±∞ included, NaN not: f32x4.pmin and pmax keep the accumulator when the comparison with NaN fails), and the copy
// unit-major (4×4 blocks transposed in registers). Two loops over each block, so neither holds more values than
// there are registers.
static void pass_moments(const float* Z, int samples, int rows, const Layout* L, uint8_t* ws) {
  const int U4 = L->U4, Sp = L->Sp;
  float* byUnit = (float*)(ws + L->byUnit);
  float* umin = (float*)(ws + L->umin);
  float* umax = (float*)(ws + L->umax);
  double* x0 = (double*)(ws + L->x0);
  double* s1 = (double*)(ws + L->s1);
  double* s2 = (double*)(ws + L->s2);
  for (int s0 = 0; s0 < samples; s0 += rows) {
    int end = imin(samples, s0 + rows);
    for (int g = 0; g < U4; g += 4) {
      v128_t lo = wasm_v128_load(umin + g), hi = wasm_v128_load(umax + g);
      const v128_t x0l = wasm_v128_load(x0 + g), x0h = wasm_v128_load(x0 + g + 2);
      v128_t a1l = wasm_v128_load(s1 + g), a1h = wasm_v128_load(s1 + g + 2);
      v128_t a2l = wasm_v128_load(s2 + g), a2h = wasm_v128_load(s2 + g + 2);
      const float* p = Z + (uint32_t)s0 * (uint32_t)U4 + g;
      for (int s = s0; s < end; s++, p += U4) {
        v128_t v = wasm_v128_load(p);
        lo = wasm_f32x4_pmin(lo, v);
        hi = wasm_f32x4_pmax(hi, v);
        v128_t dl = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(v), x0l);
        v128_t dh = wasm_f64x2_sub(wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 2, 3)), x0h);
        a1l = wasm_f64x2_add(a1l, dl);
        a1h = wasm_f64x2_add(a1h, dh);
        a2l = wasm_f64x2_add(a2l, wasm_f64x2_mul(dl, dl));
        a2h = wasm_f64x2_add(a2h, wasm_f64x2_mul(dh, dh));
      }
      wasm_v128_store(umin + g, lo);
      wasm_v128_store(umax + g, hi);
      wasm_v128_store(s1 + g, a1l);
      wasm_v128_store(s1 + g + 2, a1h);
      wasm_v128_store(s2 + g, a2l);
      wasm_v128_store(s2 + g + 2, a2h);

      float* d0 = byUnit + (uint32_t)g * (uint32_t)Sp;
      float* d1 = d0 + Sp;
      float* d2 = d1 + Sp;
      float* d3 = d2 + Sp;
      p = Z + (uint32_t)s0 * (uint32_t)U4 + g;
      int s = s0;
      for (; s + 4 <= end; s += 4, p += 4 * U4) {
        v128_t r0 = wasm_v128_load(p), r1 = wasm_v128_load(p + U4), r2 = wasm_v128_load(p + 2 * U4), r3 = wasm_v128_load(p + 3 * U4);
        v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
        v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
        wasm_v128_store(d0 + s, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
        wasm_v128_store(d1 + s, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
        wasm_v128_store(d2 + s, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
        wasm_v128_store(d3 + s, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
      }
      for (; s < end; s++, p += U4) {
        d0[s] = p[0];
        d1[s] = p[1];
        d2[s] = p[2];
        d3[s] = p[3];
      }
    }
  }
  for (int k = 0; k < U4; k++)
    for (int s = samples; s < Sp; s++) byUnit[(uint32_t)k * (uint32_t)Sp + (uint32_t)s] = NAN_F;
}

// (B) Unit-major, a unit at a time: each value's fine bin (kept for pass C), then the counts (the unit's counters stay
// in L1). Two loops: fused, the increments' stalls on counters still being written held up the SIMD work too. The
// padding lands in the NaN bin.
static void pass_count(const float* values, int Sp, uint16_t* bin, int32_t* count, const Grid* grid) {
  for (int s = 0; s < Sp; s += 8) {
    v128_t b0 = any_bin(wasm_v128_load(values + s), grid);
    v128_t b1 = any_bin(wasm_v128_load(values + s + 4), grid);
    wasm_v128_store(bin + s, wasm_u16x8_narrow_i32x4(b0, b1));
  }
  for (int s = 0; s < Sp; s++) count[bin[s]]++;
}

// (C) A unit's values in the wanted bins, each into its place.
static void pass_gather(const float* values, int samples, const uint16_t* bin, int32_t* at, float* gather) {
  for (int s = 0; s < samples; s++) {
    int32_t* slot = at + bin[s];
    int32_t w = *slot;
    if (w >= 0) {
      gather[w] = values[s];
      *slot = w + 1;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The summary.
//
// plan: int32 [P, lo_unit[P], hi_unit[P], lo_pooled[P], hi_pooled[P]]; weights: float [w_unit[P], w_pooled[P]]
// (PercentileSelector's ranks and weights for lists of `samples` and of samples·units values).
// range32, width32: the histogram's float32 range and bin width, both positive and finite.
// ws: summaries_workspace_bytes(samples, units, bins, range32) bytes, 16-byte aligned.
// out, float32: unit histograms [units × (bins + 2)], unit means [units], unit stds [units], unit percentiles
// [units × P], the pooled histogram [bins + 2], pooled percentiles [P], pooled mean, pooled std.
EXPORT(summarize_distributions)
void summarize_distributions(const float* z, int samples, int units, int bins, float range32, float width32, const int32_t* plan,
                             const float* weights, uint8_t* ws, float* out) {
  const Layout L = layout_of(samples, units, bins, range32);
  const Grid grid = grid_of(&L, range32, width32);
  const int U4 = L.U4, cols = L.cols, T = L.T, S = L.S, P = plan[0];
  const int32_t *loU = plan + 1, *hiU = plan + 1 + P, *loP = plan + 1 + 2 * P, *hiP = plan + 1 + 3 * P;
  const float *wU = weights, *wP = weights + P;
  const uint32_t n = (uint32_t)samples * (uint32_t)units;
  float* outHist = out;
  float* outMean = outHist + units * cols;
  float* outStd = outMean + units;
  float* outPct = outStd + units;
  float* outPooledHist = outPct + units * P;
  float* outPooledPct = outPooledHist + cols;
  float* outPooled = outPooledPct + P;

  // Rows padded to whole groups of 4 units: the extra lanes hold NaNs, which no unit's output and no pooled count sees.
  const float* Z = z;
  if (units % 4) {
    float* pad = (float*)(ws + L.pad);
    for (int s = 0; s < samples; s++) {
      const float* src = z + (uint32_t)s * (uint32_t)units;
      float* dst = pad + (uint32_t)s * (uint32_t)U4;
      for (int k = 0; k < units; k++) dst[k] = src[k];
      for (int k = units; k < U4; k++) dst[k] = NAN_F;
    }
    Z = pad;
  }
  const int rows = imax(4, (BLOCK_FLOATS / U4) & ~3);  // a multiple of 4, for the transposition

  int32_t* count = (int32_t*)(ws + L.count);
  int32_t* at = (int32_t*)(ws + L.at);
  int32_t* pooled = (int32_t*)(ws + L.pooled);
  float* umin = (float*)(ws + L.umin);
  float* umax = (float*)(ws + L.umax);
  double* x0 = (double*)(ws + L.x0);
  double* s1 = (double*)(ws + L.s1);
  double* s2 = (double*)(ws + L.s2);
  double* mean = (double*)(ws + L.mean);
  double* sq = (double*)(ws + L.sq);
  for (int i = 0; i < U4 * T; i++) count[i] = 0;
  for (int k = 0; k < U4; k++) {
    umin[k] = INF;
    umax[k] = -INF;
    float first = Z[k];
    // The shift is the unit's first value (0 if it is not finite), as in the JS.
    x0[k] = first - first == 0 ? (double)first : 0.0;
    s1[k] = s2[k] = 0;
  }
  pass_moments(Z, samples, rows, &L, ws);
  const float* byUnit = (const float*)(ws + L.byUnit);
  uint16_t* bins16 = (uint16_t*)(ws + L.bin);
  for (int k = 0; k < units; k++) {
    pass_count(byUnit + (uint32_t)k * (uint32_t)L.Sp, L.Sp, bins16 + (uint32_t)k * (uint32_t)L.Sp, count + k * T, &grid);
    count[k * T + T - 1] -= L.Sp - samples;
  }

  // Means and standard deviations, with the JS's expressions; histogram columns as float32 counts.
  const double ns = (double)samples;
  for (int k = 0; k < units; k++) {
    mean[k] = x0[k] + s1[k] / ns;
    double q = s2[k] - (s1[k] * s1[k]) / ns;
    sq[k] = q < 0 || q == 0 ? 0.0 : q;  // Math.max(0, q): NaN stays NaN, −0 becomes +0
    outMean[k] = (float)mean[k];
    outStd[k] = (float)__builtin_sqrt(sq[k] / ns);
    const int32_t* c = count + k * T;
    float* h = outHist + k * cols;
    int sum = c[T - 1];  // NaN: column 0
    for (int b = 0; b < L.Un; b++) sum += c[b];
    h[0] = (float)imin(sum, 16777216);
    for (int col = 1; col <= bins; col++) {
      sum = 0;
      for (int b = L.Un + (col - 1) * S; b < L.Un + col * S; b++) sum += c[b];
      h[col] = (float)imin(sum, 16777216);
    }
    sum = 0;
    for (int b = L.Un + L.In; b < T - 1; b++) sum += c[b];
    h[cols - 1] = (float)imin(sum, 16777216);
  }
  for (int c = 0; c < cols; c++) {
    float sum = 0;
    for (int k = 0; k < units; k++) sum += outHist[k * cols + c];
    outPooledHist[c] = sum;
  }
  double pooledMean = 0;
  for (int k = 0; k < units; k++) pooledMean += mean[k];
  pooledMean /= (double)units;
  double pooledSquares = 0;
  for (int k = 0; k < units; k++) {
    double d = mean[k] - pooledMean;
    pooledSquares += sq[k] + ns * (d * d);
  }
  outPooled[0] = (float)pooledMean;
  outPooled[1] = (float)__builtin_sqrt(pooledSquares / (double)n);

  // Percentiles. A list whose finite values are all one value (or none) is counted; the others are selected from the
  // fine bins. A unit with ±∞ is looked at again for its finite extent and its count of each infinity.
  int32_t* uneg = (int32_t*)(ws + L.uneg);
  int32_t* upos = (int32_t*)(ws + L.upos);
  for (int k = 0; k < units; k++) {
    uneg[k] = upos[k] = 0;
    if (umin[k] > -INF && umax[k] < INF) continue;
    float lo = INF, hi = -INF;
    int neg = 0, pos = 0;
    const float* values = byUnit + (uint32_t)k * (uint32_t)L.Sp;
    for (int s = 0; s < samples; s++) {
      float v = values[s];
      if (v == -INF) neg++;
      else if (v == INF) pos++;
      else if (v == v) {
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
      }
    }
    umin[k] = lo;
    umax[k] = hi;
    uneg[k] = neg;
    upos[k] = pos;
  }
  int ranksU[MAX_RANKS], ranksP[MAX_RANKS];
  const int RU = distinct_ranks(loU, hiU, P, ranksU);
  const int RP = distinct_ranks(loP, hiP, P, ranksP);
  float pmin = INF, pmax = -INF;
  for (int k = 0; k < units; k++) {
    pmin = umin[k] < pmin ? umin[k] : pmin;
    pmax = umax[k] > pmax ? umax[k] : pmax;
  }
  for (int b = 0; b < T; b++) {
    int sum = 0;
    for (int k = 0; k < units; k++) sum += count[k * T + b];
    pooled[b] = sum;
  }
  const int pooledSpread = pmax > pmin;

  // Where the wanted bins' values go. A pooled bin's values lie unit after unit, so that a unit wanting the same bin
  // finds its own values among them (and selects among them first: the pooled selection only needs the same values,
  // in any order).
  int32_t* rbin = (int32_t*)(ws + L.rbin);
  int32_t* rbase = (int32_t*)(ws + L.rbase);
  int32_t* rstart = (int32_t*)(ws + L.rstart);
  int32_t* prbin = rbin + U4 * MAX_RANKS;
  int32_t* prbase = rbase + U4 * MAX_RANKS;
  for (int i = 0; i < U4 * T; i++) at[i] = -1;
  uint32_t room = 0;
  int wanted = 0;
  if (pooledSpread) {
    rank_bins(pooled, (int)n - pooled[T - 1], ranksP, RP, prbin, prbase);
    for (int i = 0; i < RP; i++) {
      int b = prbin[i];
      if (b < 0) continue;
      if (i > 0 && prbin[i - 1] == b) {
        rstart[i] = rstart[i - 1];
        continue;
      }
      rstart[i] = (int32_t)room;
      for (int k = 0; k < units; k++) {
        at[k * T + b] = (int32_t)room;
        room += (uint32_t)count[k * T + b];
      }
      wanted = 1;
    }
  }
  for (int k = 0; k < units; k++) {
    if (!(umax[k] > umin[k])) continue;
    int32_t* kb = rbin + k * MAX_RANKS;
    rank_bins(count + k * T, samples - count[k * T + T - 1], ranksU, RU, kb, rbase + k * MAX_RANKS);
    for (int i = 0; i < RU; i++) {
      int b = kb[i];
      if (b < 0 || at[k * T + b] >= 0) continue;
      at[k * T + b] = (int32_t)room;
      room += (uint32_t)count[k * T + b];
      wanted = 1;
    }
  }
  if (wanted) {
    float* gather = (float*)(ws + L.gather);
    for (int k = 0; k < units; k++) {
      // Only units with a wanted bin: pooled ranks want a bin of every unit, and units that are counted want none.
      int any = 0;
      for (int i = 0; i < RU && !any && umax[k] > umin[k]; i++) any = rbin[k * MAX_RANKS + i] >= 0;
      for (int i = 0; i < RP && !any; i++) any = pooledSpread && prbin[i] >= 0;
      if (any) pass_gather(byUnit + (uint32_t)k * (uint32_t)L.Sp, samples, bins16 + (uint32_t)k * (uint32_t)L.Sp, at + k * T, gather);
    }
  }

  // After the gather, at[] is the end of each wanted bin's values: units first, then the pooled list.
  float values[MAX_RANKS];
  int32_t starts[MAX_RANKS];
  float* gather = (float*)(ws + L.gather);
  for (int k = 0; k < units; k++) {
    const int32_t* c = count + k * T;
    if (umax[k] > umin[k]) {
      const int32_t* kb = rbin + k * MAX_RANKS;
      for (int i = 0; i < RU; i++) starts[i] = kb[i] < 0 ? 0 : at[k * T + kb[i]] - c[kb[i]];
      values_at_ranks(gather, c, starts, ranksU, RU, kb, rbase + k * MAX_RANKS, values);
    } else {
      values_at_ranks_counted(uneg[k], upos[k], samples - c[T - 1], umin[k], ranksU, RU, values);
    }
    interpolate(ranksU, RU, values, loU, hiU, wU, P, outPct + k * P);
  }
  if (pooledSpread)
    values_at_ranks(gather, pooled, rstart, ranksP, RP, prbin, prbase, values);
  else {
    int neg = 0, pos = 0;
    for (int k = 0; k < units; k++) {
      neg += uneg[k];
      pos += upos[k];
    }
    values_at_ranks_counted(neg, pos, (int)n - pooled[T - 1], pmin, ranksP, RP, values);
  }
  interpolate(ranksP, RP, values, loP, hiP, wP, P, outPooledPct);
}
