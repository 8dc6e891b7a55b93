// gemm: C[M, N] = A[M, K] · B[K, N] (+ bias[n]) (ReLU), an implicit GEMM. A and B are "virtual" matrices read
// straight from the layer's tensors according to MODE, so convolutions never materialise im2col:
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
//   MODE 7  batched dense forward     z = wg.z picks one of several stacked GEMMs of the same size:
//             A = a[z*M*K + m*K + k]   B = b[z*K*N + k*N + n]   C = c[z*M*N + m*N + n]   (Winograd's 16 products)
//   MODE 8  batched dense weight grad   the same with A transposed, one GEMM per z % stack:
//             A = a[z*K*M + k*M + m]   B = b[z*K*N + k*N + n]   C = c[z*M*N + m*N + n]   (Winograd's weight gradient)
// Out-of-range reads are zero (zero padding, ragged tiles).
//
// K as two loops. k = outer * nInner + inner, where the inner index walks a contiguous axis of A:
//   MODE 0-2, 6-8: outer = chunk of nInner consecutive k (the last one ragged), inner = k within it;
//   MODE 3: outer = tap (ky, kx), inner = c;   MODE 4: outer = tap (ky, kx), inner = o;
//   MODE 5: outer = (n, oy), inner = ox.
// For each outer step a row m reads A[m, k] at aIndex = base + inner * aStride while lo <= inner < hi (zero
// outside: padding, ragged K); B[k, n] is at bBase(outer) + inner * bStrideK + n * bStrideN. So the divisions
// that decode m and k happen once per row and once per outer step, never per multiply-add.
//
// Work split, shaped for SIMD CPUs (lavapipe runs a workgroup's invocations as lanes of one vector) as much as
// for GPUs: a workgroup is LANES threads and computes ROWS rows x (LANES * COLS) columns of C. Every thread
// handles the same ROWS rows, so A's index math and addresses are uniform across the workgroup (a GPU serves
// them with one broadcast; lavapipe 25.0 still loads every non-constant address lane by lane, so there what
// counts is loads per FMA); thread `lane` owns columns colBase + lane + LANES * j (j < COLS). Each thread
// keeps ROWS x COLS accumulators in registers and does ROWS * COLS FMAs for ROWS + COLS loads per k.
// With ROW_LANES (narrow outputs, N <= COLS) the roles swap: the tile is (LANES * ROWS) x COLS, lane `lane`
// owns rows rowBase + lane + LANES * r and every thread reads the same COLS columns of B.
// No workgroup memory and no barriers. Workgroups are numbered linearly over (row tile, column tile) in x, y
// (spread past the per-dimension limit); z = split index when SPLIT: the outer range is cut into slices of
// outerPerSplit and slice z writes its partial tile to C[z, M, N] for gemm_split_reduce.wgsl to sum; in MODE 7
// z is the GEMM of the stack (never split); in MODE 8 z = split * stack + (GEMM of the stack), so the partials are
// C[split][stack][M][N] and the reduce sums `splits` planes of stack * M * N.
override MODE: u32 = 0u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override SPLIT: bool = false;
override LANES: u32 = 8u;
override ROWS: u32 = 4u; // at most MAX_ROWS
// Lanes along rows instead of columns, for narrow outputs (N <= COLS, e.g. the input gradient of a 1-channel
// image): lane `lane` owns rows rowBase + lane + LANES * r and every thread the same COLS columns.
override ROW_LANES: bool = false;
override COLS: u32 = 4u; // at most MAX_COLS

// Private arrays need constant sizes; only the first ROWS x COLS entries are used (the rest is dead code).
const MAX_ROWS: u32 = 16u;
const MAX_COLS: u32 = 8u;

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
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// MODE 7 and 8: which GEMM of the stack this workgroup computes (wg.z, or wg.z % stack), set once at the top of main.
var<private> stackIndex: u32 = 0u;

// A row m decoded once: (p, y, x) mean MODE 3: (n, oy*sh - padTop, ox*sw - padLeft);
// MODE 4: (n, iy + padTop, ix + padLeft); MODE 5: (c, ky - padTop, kx - padLeft); other modes: (m, 0, 0).
// [lo, hi) is the inner range a row may read for every outer step (MODE 5: the ox keeping ix inside the
// image); empty for rows past M.
struct Row { p: u32, y: i32, x: i32, lo: u32, hi: u32 }

// Where a row reads A during one outer step: aIndex = base + inner * aStride for lo <= inner < hi.
struct Span { base: i32, lo: u32, hi: u32 }

fn decodeRow(m: u32) -> Row {
  if (m >= P.M) { return Row(0u, 0, 0, 0u, 0u); }
  if (MODE == 3u) {
    let ox = m % P.outW; let oy = (m / P.outW) % P.outH; let n = m / (P.outW * P.outH);
    return Row(n, i32(oy * P.strideH) - i32(P.padTop), i32(ox * P.strideW) - i32(P.padLeft), 0u, P.inC);
  }
  if (MODE == 4u) {
    let ix = m % P.inW; let iy = (m / P.inW) % P.inH; let n = m / (P.inW * P.inH);
    return Row(n, i32(iy + P.padTop), i32(ix + P.padLeft), 0u, P.outC);
  }
  if (MODE == 5u) {
    let ch = m % P.inC; let kx = (m / P.inC) % P.kW; let ky = m / (P.inC * P.kW);
    // ix = ox*sw + x must lie in [0, inW): ox >= ceil(-x / sw) and ox <= (inW - 1 - x) / sw.
    let x = i32(kx) - i32(P.padLeft);
    let lo = select(0u, (u32(-x) + P.strideW - 1u) / P.strideW, x < 0);
    let last = i32(P.inW) - 1 - x; // >= 0 because kx - padLeft < inW for every 'same' or 'valid' window
    let hi = min(P.outW, u32(last) / P.strideW + 1u);
    return Row(ch, i32(ky) - i32(P.padTop), x, lo, max(lo, hi));
  }
  return Row(m, 0, 0, 0u, P.nInner);
}

fn rowSpan(r: Row, outer: u32) -> Span {
  let none = Span(0, 0u, 0u);
  if (MODE == 0u || MODE == 1u) { return Span(i32(r.p * P.K + outer * P.nInner), r.lo, r.hi); }
  if (MODE == 7u) { return Span(i32(stackIndex * P.M * P.K + r.p * P.K + outer * P.nInner), r.lo, r.hi); }
  if (MODE == 2u) { return Span(i32(outer * P.nInner * P.M + r.p), r.lo, r.hi); }
  if (MODE == 8u) { return Span(i32(stackIndex * P.K * P.M + outer * P.nInner * P.M + r.p), r.lo, r.hi); }
  if (MODE == 3u) {
    let ky = outer / P.kW; let kx = outer % P.kW;
    let iy = r.y + i32(ky); let ix = r.x + i32(kx);
    if (iy < 0 || ix < 0 || iy >= i32(P.inH) || ix >= i32(P.inW)) { return none; }
    return Span(i32(((r.p * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC), r.lo, r.hi);
  }
  if (MODE == 4u) {
    // iy = oy*sh + ky - padTop  =>  oy = (iy + padTop - ky) / sh, valid only when exact and in range.
    let ky = outer / P.kW; let kx = outer % P.kW;
    let ny = r.y - i32(ky); let nx = r.x - i32(kx);
    if (ny < 0 || nx < 0) { return none; }
    let oy = u32(ny) / P.strideH; let ox = u32(nx) / P.strideW;
    if (oy * P.strideH != u32(ny) || ox * P.strideW != u32(nx) || oy >= P.outH || ox >= P.outW) { return none; }
    return Span(i32(((r.p * P.outH + oy) * P.outW + ox) * P.outC), r.lo, r.hi);
  }
  if (MODE == 5u) {
    let n = outer / P.outH; let oy = outer % P.outH;
    let iy = i32(oy * P.strideH) + r.y;
    if (iy < 0 || iy >= i32(P.inH)) { return none; }
    // x[n, iy, ox*sw + x, c] = a[((n*inH + iy)*inW + x)*inC + c + ox * sw*inC]; base < 0 only where ox < lo.
    return Span((i32(n * P.inH + u32(iy)) * i32(P.inW) + r.x) * i32(P.inC) + i32(r.p), r.lo, r.hi);
  }
  return Span(0, r.lo, r.hi); // MODE 6 reads no A
}

// Rows and columns of C owned by thread `lane`: (row r, column j) is C[rowBase + r * rowStep, colBase + j * colStep].
fn rowOf(rowBase: u32, lane: u32, r: u32) -> u32 { return select(rowBase + r, rowBase + lane + LANES * r, ROW_LANES); }
fn colOf(colBase: u32, lane: u32, j: u32) -> u32 { return select(colBase + lane + LANES * j, colBase + j, ROW_LANES); }

@compute @workgroup_size(LANES, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tile = wg.y * nwg.x + wg.x;
  let tileRows = select(ROWS, LANES * ROWS, ROW_LANES);
  let tileCols = select(LANES * COLS, COLS, ROW_LANES);
  let rowBase = (tile / P.colTiles) * tileRows;
  let colBase = (tile % P.colTiles) * tileCols;
  if (rowBase >= P.M) { return; } // spare workgroups of the spread grid (uniform: all lanes leave)
  if (MODE == 7u) { stackIndex = wg.z; }
  if (MODE == 8u) { stackIndex = wg.z % P.stack; }

  var outerBegin = 0u;
  var outerEnd = P.nOuter;
  if (SPLIT) {
    outerBegin = select(wg.z, wg.z / P.stack, MODE == 8u) * P.outerPerSplit;
    outerEnd = min(P.nOuter, outerBegin + P.outerPerSplit);
  }

  // Strides of the inner index in A and B, and of n in B (see the header).
  var aStride = 1u;
  if (MODE == 2u || MODE == 8u) { aStride = P.M; }
  if (MODE == 5u) { aStride = P.strideW * P.inC; }
  var bStrideK = P.N;
  if (MODE == 1u || MODE == 4u) { bStrideK = 1u; }
  var bStrideN = 1u;
  if (MODE == 1u) { bStrideN = P.K; }
  if (MODE == 4u) { bStrideN = P.outC; }

  var rows: array<Row, MAX_ROWS>;
  for (var r = 0u; r < ROWS; r++) { rows[r] = decodeRow(rowOf(rowBase, lid.x, r)); }
  // Columns past N load column N - 1 (a valid address) and are never written.
  var bCol: array<u32, MAX_COLS>;
  for (var j = 0u; j < COLS; j++) { bCol[j] = min(colOf(colBase, lid.x, j), P.N - 1u) * bStrideN; }

  var acc: array<array<f32, MAX_COLS>, MAX_ROWS>;
  for (var outer = outerBegin; outer < outerEnd; outer++) {
    var spans: array<Span, MAX_ROWS>;
    for (var r = 0u; r < ROWS; r++) { spans[r] = rowSpan(rows[r], outer); }
    // Dense modes: the last chunk of K is ragged. Convolutions: nInner * nOuter = K exactly.
    let innerEnd = min(P.nInner, P.K - outer * P.nInner);
    var bBase = outer * P.nInner * P.N; // MODE 0, 2, 3, 5, 6: B[k, n] = b[k*N + n]
    if (MODE == 1u) { bBase = outer * P.nInner; }
    if (MODE == 7u || MODE == 8u) { bBase += stackIndex * P.K * P.N; }
    if (MODE == 4u) { bBase = outer * P.inC * P.outC; }
    for (var inner = 0u; inner < innerEnd; inner++) {
      var bv: array<f32, MAX_COLS>;
      let bRow = bBase + inner * bStrideK;
      for (var j = 0u; j < COLS; j++) { bv[j] = b[bRow + bCol[j]]; }
      for (var r = 0u; r < ROWS; r++) {
        let s = spans[r];
        let inside = inner >= s.lo && inner < s.hi;
        var av = 1.0; // MODE 6: A = 1
        if (MODE != 6u) { av = select(0.0, a[u32(select(0, s.base + i32(inner * aStride), inside))], inside); }
        else { av = select(0.0, 1.0, inside); }
        for (var j = 0u; j < COLS; j++) { acc[r][j] = fma(av, bv[j], acc[r][j]); }
      }
    }
  }

  let splitOffset = select(0u, wg.z * P.M * P.N, SPLIT || MODE == 7u || MODE == 8u); // a split's partial, or a stack's C
  for (var r = 0u; r < ROWS; r++) {
    let m = rowOf(rowBase, lid.x, r);
    if (m >= P.M) { break; }
    for (var j = 0u; j < COLS; j++) {
      let n = colOf(colBase, lid.x, j);
      if (n >= P.N) { break; }
      var v = acc[r][j];
      if (HAS_BIAS) { v += bias[n]; }
      if (RELU) { v = max(v, 0.0); }
      c[splitOffset + m * P.N + n] = v;
    }
  }
}
