// gemm: C[M, N] = A[M, K] · B[K, N] (+ bias[n]) (ReLU), a tiled implicit GEMM. A and B are "virtual" matrices
// read straight from the layer's tensors according to MODE, so convolutions never materialise im2col:
//
//   MODE 0  dense forward         A = x[batch, in]        B = w[in, out]          C = y[batch, out]
//   MODE 1  dense input grad      A = dy[batch, out]      B = w^T: B[k, n] = w[n, k]        C = dx[batch, in]
//   MODE 2  dense weight grad     A = x^T: A[m, k] = x[k, m]      B = dy[batch, out]        C = dw[in, out]
//   MODE 3  conv forward          m = (n, oy, ox), k = (ky, kx, c):
//             A[m, k] = x[n, oy*sh + ky - padTop, ox*sw + kx - padLeft, c]   B[k, o] = w[ky, kx, c, o]   C = y NHWC
//   MODE 4  conv input grad       m = (n, iy, ix), k = (ky, kx, o):
//             A[m, k] = dy[n, oy, ox, o] where iy = oy*sh + ky - padTop, ix likewise (zero where no such oy, ox)
//             B[k, c] = w[ky, kx, c, o]                                  C = dx NHWC [n, iy, ix, c]
//   MODE 5  conv weight grad      m = (ky, kx, c), k = (n, oy, ox):
//             A[m, k] = x[n, oy*sh + ky - padTop, ox*sw + kx - padLeft, c]   B[k, o] = dy[n, oy, ox, o]  C = dw HWIO
//   MODE 6  column sums (bias grad)   A[0, k] = 1 (M = 1)               B = dy[rows, channels]     C = db
// Out-of-range reads are zero (zero padding, ragged tiles).
//
// Tiling: a workgroup of 8x8 threads computes a 32x32 tile of C; each thread owns 4x4 outputs strided by 8
// (rows ty + 8i, columns tx + 8j), so neighbouring threads touch neighbouring columns. The K loop stages a 16-deep
// slice of A and B in workgroup memory (tileA[k][m], tileB[k][n]); every thread then does 16 x 4 x 4 FMAs from
// registers. Workgroup (x, y) = (column tile, row tile); z = split index when SPLIT: the K range is cut into
// slices of kPerSplit and slice z writes its partial tile to C[z, M, N] for gemm_split_reduce.wgsl to sum.
override MODE: u32 = 0u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override SPLIT: bool = false;

const TILE: u32 = 32u;
const TK: u32 = 16u;
const WG: u32 = 8u;
const PER: u32 = 4u;

struct Params {
  M: u32, N: u32, K: u32, kPerSplit: u32,
  batch: u32, inH: u32, inW: u32, inC: u32,
  kH: u32, kW: u32, outC: u32, outH: u32,
  outW: u32, strideH: u32, strideW: u32, padTop: u32,
  padLeft: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

var<workgroup> tileA: array<array<f32, TILE>, TK>;
var<workgroup> tileB: array<array<f32, TILE>, TK>;

// x[n, iy, ix, ch] with zero outside the image; iy, ix are signed because padding reaches below zero.
fn readInput(n: u32, iy: i32, ix: i32, ch: u32) -> f32 {
  if (iy < 0 || ix < 0 || iy >= i32(P.inH) || ix >= i32(P.inW)) { return 0.0; }
  return a[((n * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC + ch];
}

fn loadA(m: u32, k: u32) -> f32 {
  if (m >= P.M || k >= P.K) { return 0.0; }
  if (MODE == 0u || MODE == 1u) { return a[m * P.K + k]; }
  if (MODE == 2u) { return a[k * P.M + m]; }
  if (MODE == 3u) {
    let ox = m % P.outW; let oy = (m / P.outW) % P.outH; let n = m / (P.outW * P.outH);
    let ch = k % P.inC; let kx = (k / P.inC) % P.kW; let ky = k / (P.inC * P.kW);
    return readInput(n, i32(oy * P.strideH + ky) - i32(P.padTop), i32(ox * P.strideW + kx) - i32(P.padLeft), ch);
  }
  if (MODE == 4u) {
    let ix = m % P.inW; let iy = (m / P.inW) % P.inH; let n = m / (P.inW * P.inH);
    let o = k % P.outC; let kx = (k / P.outC) % P.kW; let ky = k / (P.outC * P.kW);
    // iy = oy*sh + ky - padTop  =>  oy = (iy + padTop - ky) / sh, valid only when exact and in range.
    let ny = i32(iy + P.padTop) - i32(ky);
    let nx = i32(ix + P.padLeft) - i32(kx);
    if (ny < 0 || nx < 0) { return 0.0; }
    let oy = u32(ny) / P.strideH; let ox = u32(nx) / P.strideW;
    if (oy * P.strideH != u32(ny) || ox * P.strideW != u32(nx) || oy >= P.outH || ox >= P.outW) { return 0.0; }
    return a[((n * P.outH + oy) * P.outW + ox) * P.outC + o];
  }
  if (MODE == 5u) {
    let ch = m % P.inC; let kx = (m / P.inC) % P.kW; let ky = m / (P.inC * P.kW);
    let ox = k % P.outW; let oy = (k / P.outW) % P.outH; let n = k / (P.outW * P.outH);
    return readInput(n, i32(oy * P.strideH + ky) - i32(P.padTop), i32(ox * P.strideW + kx) - i32(P.padLeft), ch);
  }
  return 1.0; // MODE 6
}

fn loadB(k: u32, n: u32) -> f32 {
  if (k >= P.K || n >= P.N) { return 0.0; }
  if (MODE == 1u) { return b[n * P.K + k]; }
  if (MODE == 4u) {
    // k = (ky, kx, o), n = input channel c: w[((ky*kW + kx)*inC + c)*outC + o]
    let o = k % P.outC; let tap = k / P.outC;
    return b[(tap * P.inC + n) * P.outC + o];
  }
  return b[k * P.N + n];
}

@compute @workgroup_size(WG, WG, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let rowBase = wg.y * TILE;
  let colBase = wg.x * TILE;
  let t = lid.y * WG + lid.x;
  var kBegin = 0u;
  var kEnd = P.K;
  if (SPLIT) {
    kBegin = wg.z * P.kPerSplit;
    kEnd = min(P.K, kBegin + P.kPerSplit);
  }
  // Which index runs fastest across threads while staging: the one contiguous in memory for this MODE.
  let aKFast = MODE == 0u || MODE == 1u || MODE == 3u || MODE == 4u;
  let bKFast = MODE == 1u || MODE == 4u;

  var acc: array<array<f32, PER>, PER>;
  for (var k0 = kBegin; k0 < kEnd; k0 += TK) {
    // Stage A and B: 16 x 32 values each, 8 per thread.
    for (var i = 0u; i < (TK * TILE) / (WG * WG); i++) {
      let e = t + i * WG * WG;
      var kl: u32; var ml: u32;
      if (aKFast) { kl = e % TK; ml = e / TK; } else { ml = e % TILE; kl = e / TILE; }
      let kA = k0 + kl;
      tileA[kl][ml] = select(0.0, loadA(rowBase + ml, kA), kA < kEnd);
      var kb: u32; var nl: u32;
      if (bKFast) { kb = e % TK; nl = e / TK; } else { nl = e % TILE; kb = e / TILE; }
      let kB = k0 + kb;
      tileB[kb][nl] = select(0.0, loadB(kB, colBase + nl), kB < kEnd);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var av: array<f32, PER>;
      var bv: array<f32, PER>;
      for (var i = 0u; i < PER; i++) { av[i] = tileA[kk][lid.y + i * WG]; }
      for (var j = 0u; j < PER; j++) { bv[j] = tileB[kk][lid.x + j * WG]; }
      for (var i = 0u; i < PER; i++) {
        for (var j = 0u; j < PER; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }

  let splitOffset = select(0u, wg.z * P.M * P.N, SPLIT);
  for (var i = 0u; i < PER; i++) {
    let m = rowBase + lid.y + i * WG;
    if (m >= P.M) { continue; }
    for (var j = 0u; j < PER; j++) {
      let n = colBase + lid.x + j * WG;
      if (n >= P.N) { continue; }
      var v = acc[i][j];
      if (HAS_BIAS) { v += bias[n]; }
      if (RELU) { v = max(v, 0.0); }
      c[splitOffset + m * P.N + n] = v;
    }
  }
}
