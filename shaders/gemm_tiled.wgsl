// gemm_tiled: the implicit GEMM of gemm.wgsl (same MODEs, same virtual A and B, same uniform struct, same split-K
// partials), shaped for GPUs rather than for lavapipe: C[M, N] = A[M, K] · B[K, N] (+ bias[n]) (ReLU).
//
//   MODE 0  dense forward      A[m, k] = x[m*K + k]             B[k, n] = w[k*N + n]
//   MODE 1  dense input grad   A[m, k] = dy[m*K + k]            B[k, n] = w[n*K + k]          (w^T)
//   MODE 2  dense weight grad  A[m, k] = x[k*M + m]  (x^T)      B[k, n] = dy[k*N + n]
//   MODE 3  conv forward       m = (b, oy, ox), k = (ky, kx, c): A = x[b, oy*sh + ky - padTop, ox*sw + kx - padLeft, c]
//                              B[k, o] = w[k*N + o]  (HWIO flattened)
//   MODE 4  conv input grad    m = (b, iy, ix), k = (ky, kx, o): A = dy[b, oy, ox, o] with oy*sh = iy + padTop - ky
//                              (zero unless exact and inside), B[k, c] = w[((ky*kW + kx)*inC + c)*outC + o]
//   MODE 5  conv weight grad   m = (ky, kx, c), k = (b, oy, ox): A = x[b, oy*sh + ky - padTop, ox*sw + kx - padLeft, c]
//                              B[k, o] = dy[k*N + o]
//   MODE 6  column sums        A[0, k] = 1, B[k, n] = dy[k*N + n]
//   MODE 7  batched dense      z = wg.z picks one GEMM of a stack: A = a[z*M*K + m*K + k], B = b[z*K*N + k*N + n],
//                              C = c[z*M*N + m*N + n] (never split)
//   MODE 8  batched dense wgrad  the same with A transposed, A = a[z*K*M + k*M + m]; the GEMM of the stack is
//                              z % stack, its split z / stack (partials C[split][stack][M][N])
// Out-of-range reads (padding, ragged tiles, k >= K) are zero.
//
// Work split, as TF.js's conv2d_mm / matmul_packed do it: a workgroup of 16 x 16 = 256 threads computes a 64 x 64
// tile of C. For each slice of TK = 16 k, the workgroup stages A[64 rows, 16 k] and B[16 k, 64 columns] in
// workgroup memory (4 KiB each; every thread loads 4 elements of each, or one vec4 of B in main_vec4b), waits at
// a barrier, and each thread accumulates its 4 x 4 outputs — rows rowBase + 4*ty + i, columns colBase + 4*tx + j —
// from the staged slice: 16 FMAs per 8 workgroup-memory reads, each staged value read by 16 threads.
// Loads are ordered for coalescing: consecutive threads read consecutive k where A (or B) is contiguous in k
// (MODE 0, 1, 3, 4), consecutive m (or n) otherwise.
// Workgroups are numbered linearly over (row tile, column tile) in x, y (spread past the per-dimension limit);
// z = split index when SPLIT: k runs over [z * outerPerSplit * nInner, min(K, (z + 1) * outerPerSplit * nInner))
// (the same K slices as gemm.wgsl's) and the partial tile goes to C[z, M, N] for gemm_split_reduce.wgsl.
override MODE: u32 = 0u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override SPLIT: bool = false;

const TM: u32 = 64u;
const TN: u32 = 64u;
const TK: u32 = 16u;

struct Params {
  M: u32, N: u32, K: u32, nOuter: u32,
  nInner: u32, outerPerSplit: u32, colTiles: u32, batch: u32,
  inH: u32, inW: u32, inC: u32, kH: u32,
  kW: u32, outC: u32, outH: u32, outW: u32,
  strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
  stack: u32, // MODE 7 and 8: GEMMs in the stack (1 otherwise)
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
// main_vec4b's view of the same binding: B rows as vec4s (only where N % 4 == 0 and B[k, n] = b[k*N + n]).
@group(0) @binding(2) var<storage, read> b4: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// MODE 7 and 8: which GEMM of the stack this workgroup computes (wg.z, or wg.z % stack), set once at the top of
// each entry point.
var<private> stackIndex: u32 = 0u;

var<workgroup> As: array<array<f32, TM>, TK>; // As[kk][mm] = A[rowBase + mm, k0 + kk]
var<workgroup> Bs: array<array<f32, TN>, TK>; // Bs[kk][nn] = B[k0 + kk, colBase + nn]

/** x[b, iy, ix, ch] of an NHWC input of inH x inW x inC, zero outside the image. */
fn inputAt(n: u32, iy: i32, ix: i32, ch: u32) -> f32 {
  if (iy < 0 || ix < 0 || iy >= i32(P.inH) || ix >= i32(P.inW)) { return 0.0; }
  return a[((n * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC + ch];
}

fn aAt(m: u32, k: u32) -> f32 {
  if (m >= P.M || k >= P.K) { return 0.0; }
  if (MODE == 0u || MODE == 1u) { return a[m * P.K + k]; }
  if (MODE == 2u) { return a[k * P.M + m]; }
  if (MODE == 7u) { return a[(stackIndex * P.M + m) * P.K + k]; }
  if (MODE == 8u) { return a[(stackIndex * P.K + k) * P.M + m]; }
  if (MODE == 3u) {
    let ch = k % P.inC; let tap = k / P.inC; let kx = tap % P.kW; let ky = tap / P.kW;
    let ox = m % P.outW; let oy = (m / P.outW) % P.outH; let n = m / (P.outW * P.outH);
    return inputAt(n, i32(oy * P.strideH + ky) - i32(P.padTop), i32(ox * P.strideW + kx) - i32(P.padLeft), ch);
  }
  if (MODE == 4u) {
    let o = k % P.outC; let tap = k / P.outC; let kx = tap % P.kW; let ky = tap / P.kW;
    let ix = m % P.inW; let iy = (m / P.inW) % P.inH; let n = m / (P.inW * P.inH);
    // oy*sh = iy + padTop - ky must be exact, >= 0 and give oy < outH (likewise x).
    let ny = i32(iy + P.padTop) - i32(ky); let nx = i32(ix + P.padLeft) - i32(kx);
    if (ny < 0 || nx < 0) { return 0.0; }
    let oy = u32(ny) / P.strideH; let ox = u32(nx) / P.strideW;
    if (oy * P.strideH != u32(ny) || ox * P.strideW != u32(nx) || oy >= P.outH || ox >= P.outW) { return 0.0; }
    return a[((n * P.outH + oy) * P.outW + ox) * P.outC + o];
  }
  if (MODE == 5u) {
    let ch = m % P.inC; let kx = (m / P.inC) % P.kW; let ky = m / (P.inC * P.kW);
    let ox = k % P.outW; let oy = (k / P.outW) % P.outH; let n = k / (P.outW * P.outH);
    return inputAt(n, i32(oy * P.strideH + ky) - i32(P.padTop), i32(ox * P.strideW + kx) - i32(P.padLeft), ch);
  }
  return 1.0; // MODE 6
}

fn bAt(k: u32, n: u32) -> f32 {
  if (k >= P.K || n >= P.N) { return 0.0; }
  if (MODE == 1u) { return b[n * P.K + k]; }
  if (MODE == 4u) {
    let o = k % P.outC; let tap = k / P.outC;
    return b[(tap * P.inC + n) * P.outC + o];
  }
  if (MODE == 7u || MODE == 8u) { return b[(stackIndex * P.K + k) * P.N + n]; }
  return b[k * P.N + n];
}

// A is contiguous along k in MODE 0, 1, 3 (c), 4 (o): consecutive threads take consecutive k there.
// B is contiguous along k only in MODE 1 (w^T) and 4 (o). (Derived from MODE; the host never sets them.)
override A_ALONG_K: bool = MODE == 0u || MODE == 1u || MODE == 3u || MODE == 4u || MODE == 7u;
override B_ALONG_K: bool = MODE == 1u || MODE == 4u;

// The loaders stage k0 + kk < kEnd only (zero past it): a split's last slice of TK may reach into the next split.
fn loadA(t: u32, rowBase: u32, k0: u32, kEnd: u32) {
  for (var e = t; e < TM * TK; e += 256u) {
    let kk = select(e / TM, e % TK, A_ALONG_K);
    let mm = select(e % TM, e / TK, A_ALONG_K);
    As[kk][mm] = select(0.0, aAt(rowBase + mm, k0 + kk), k0 + kk < kEnd);
  }
}

fn loadB(t: u32, colBase: u32, k0: u32, kEnd: u32) {
  for (var e = t; e < TK * TN; e += 256u) {
    let kk = select(e / TN, e % TK, B_ALONG_K);
    let nn = select(e % TN, e / TK, B_ALONG_K);
    Bs[kk][nn] = select(0.0, bAt(k0 + kk, colBase + nn), k0 + kk < kEnd);
  }
}

/** One vec4 of B per thread: row kk = t / 16, columns 4 * (t % 16) .. + 3 (N % 4 == 0, so a vec4 never straddles rows). */
fn loadB4(t: u32, colBase: u32, k0: u32, kEnd: u32) {
  let kk = t / (TN / 4u);
  let nn = 4u * (t % (TN / 4u));
  let k = k0 + kk;
  let n = colBase + nn;
  var v = vec4f(0.0);
  // MODE 7 and 8: the stack's matrices are K*N apart, a multiple of 4 since N is.
  if (k < kEnd && n < P.N) { v = b4[((stackIndex * P.K + k) * P.N + n) / 4u]; }
  Bs[kk][nn] = v.x; Bs[kk][nn + 1u] = v.y; Bs[kk][nn + 2u] = v.z; Bs[kk][nn + 3u] = v.w;
}

struct Tile { rowBase: u32, colBase: u32, kBegin: u32, kEnd: u32, live: bool }

fn tileOf(wg: vec3u, nwg: vec3u) -> Tile {
  let tile = wg.y * nwg.x + wg.x;
  let rowBase = (tile / P.colTiles) * TM;
  let colBase = (tile % P.colTiles) * TN;
  var kBegin = 0u;
  var kEnd = P.K;
  if (SPLIT) {
    kBegin = select(wg.z, wg.z / P.stack, MODE == 8u) * P.outerPerSplit * P.nInner;
    kEnd = min(P.K, kBegin + P.outerPerSplit * P.nInner);
  }
  // Spare workgroups of the spread grid: uniform across the workgroup, so the barriers stay uniform too.
  return Tile(rowBase, colBase, kBegin, kEnd, rowBase < P.M);
}

/** acc[i][j] += the staged slice's contribution to rows 4*ty + i, columns 4*tx + j. */
fn accumulate(acc: ptr<function, array<vec4f, 4>>, tx: u32, ty: u32) {
  for (var kk = 0u; kk < TK; kk++) {
    let bv = vec4f(Bs[kk][4u * tx], Bs[kk][4u * tx + 1u], Bs[kk][4u * tx + 2u], Bs[kk][4u * tx + 3u]);
    for (var i = 0u; i < 4u; i++) { (*acc)[i] = fma(vec4f(As[kk][4u * ty + i]), bv, (*acc)[i]); }
  }
}

fn store(acc: array<vec4f, 4>, t: Tile, tx: u32, ty: u32, z: u32) {
  let splitOffset = select(0u, z * P.M * P.N, SPLIT || MODE == 7u || MODE == 8u); // a split's partial, or a stack's C
  for (var i = 0u; i < 4u; i++) {
    let m = t.rowBase + 4u * ty + i;
    if (m >= P.M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let n = t.colBase + 4u * tx + j;
      if (n >= P.N) { break; }
      var v = acc[i][j];
      if (HAS_BIAS) { v += bias[n]; }
      if (RELU) { v = max(v, 0.0); }
      c[splitOffset + m * P.N + n] = v;
    }
  }
}

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = tileOf(wg, nwg);
  if (!t.live) { return; }
  if (MODE == 7u) { stackIndex = wg.z; }
  if (MODE == 8u) { stackIndex = wg.z % P.stack; }
  let flat = lid.y * 16u + lid.x;
  var acc: array<vec4f, 4>;
  for (var k0 = t.kBegin; k0 < t.kEnd; k0 += TK) {
    loadA(flat, t.rowBase, k0, t.kEnd);
    loadB(flat, t.colBase, k0, t.kEnd);
    workgroupBarrier();
    accumulate(&acc, lid.x, lid.y);
    workgroupBarrier();
  }
  store(acc, t, lid.x, lid.y, wg.z);
}

// The same with vec4 loads of B; the host picks it where N % 4 == 0 and MODE is 0, 2, 3, 5, 6, 7 or 8.
@compute @workgroup_size(16, 16, 1)
fn main_vec4b(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let t = tileOf(wg, nwg);
  if (!t.live) { return; }
  if (MODE == 7u) { stackIndex = wg.z; }
  if (MODE == 8u) { stackIndex = wg.z % P.stack; }
  let flat = lid.y * 16u + lid.x;
  var acc: array<vec4f, 4>;
  for (var k0 = t.kBegin; k0 < t.kEnd; k0 += TK) {
    loadA(flat, t.rowBase, k0, t.kEnd);
    loadB4(flat, t.colBase, k0, t.kEnd);
    workgroupBarrier();
    accumulate(&acc, lid.x, lid.y);
    workgroupBarrier();
  }
  store(acc, t, lid.x, lid.y, wg.z);
}
