// winograd: the transforms of a stride-1 convolution as Winograd's minimal filtering F(m x m, r x r) (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2016), for the tiles conv2d-winograd-contract.ts names, by
// the size N = m + r - 1 of the transform domain: N = 4: F(2x2, 3x3); N = 6: F(4x4, 3x3), F(2x2, 5x5); N = 8:
// F(6x6, 3x3), F(4x4, 5x5). N and the window R are pipeline constants; MO = N + 1 - R outputs per tile and axis.
// The output is cut into MO x MO tiles; tile t = (n, ty, tx), t = (n * tilesH + ty) * tilesW + tx, reads the N x N
// input patch d whose corner is (MO*ty - padTop, MO*tx - padLeft) (zero outside the image) and, per output channel k,
//   y[n, MO*ty + i, MO*tx + j, k] = bias[k] + (A^T [ sum_c (G g_ck G^T) .* (B^T d_c B) ] A)[i][j]
// where g_ck is the R x R filter w[., ., c, k]. The sum over c of the N*N element-wise products is N*N GEMMs of
// [tiles x inC] . [inC x outC] (gemm.wgsl's MODE 7, one per frequency xi = N*row + column of the transform domain):
//   F(2x2, 3x3): 16 * inC multiply-adds per tile and output channel for 4 outputs (direct: 36 * inC);
//   F(4x4, 3x3): 36 * inC for 16 outputs (direct: 144 * inC);
//   F(2x2, 5x5): 36 * inC for 4 outputs of a 5x5 window (direct: 100 * inC);
//   F(6x6, 3x3): 64 * inC for 36 outputs (direct: 324 * inC);
//   F(4x4, 5x5): 64 * inC for 16 outputs of a 5x5 window (direct: 400 * inC).
//
//   filter_transform  U[xi][c][k]      = (G g_ck G^T)[xi]       one thread per (c, k)
//   input_transform   V[xi][t][c]      = (B^T d_tc B)[xi]       one thread per (t, c), c fastest (NHWC reads)
//   output_transform  y[n, oy, ox, k]  = (A^T m_tk A) + bias    one thread per (t, k), from m = M[xi][t][k]
//
// The weight gradient is the adjoint of the forward in g: from <dy_t, A^T ((G g G^T) .* V_t) A> = <G^T (Z_t .* V_t) G, g>
// with Z_t = A dy_t A^T (dy_t the MO x MO tile of dy, zero outside the output),
//   dw_ck = G^T [ sum_t (B^T d_tc B) .* (A dy_tk A^T) ] G,
// again N*N GEMMs, now contracting over tiles: M'[xi] = V[xi]^T . Z[xi], [inC x tiles] . [tiles x outC] (gemm.wgsl's
// MODE 8).
//   output_grad_transform  Z[xi][t][k]   = (A dy_tk A^T)[xi]      one thread per (t, k)
//   filter_grad_transform  dw[ky, kx, c, k] = (G^T M'_ck G)       one thread per (c, k), from M' [N*N][inC][outC]
//
// The input gradient of an R x R, stride-1, 'same' conv is itself such a conv: dx = conv(dy, w') with
// w'[ky, kx, k, c] = w[R-1 - ky, R-1 - kx, c, k] (the filter turned by 180 degrees, its channel axes swapped), so
// the same passes compute it; FLIP_FILTER makes filter_transform read w' from the layer's w.
//
// The matrices are Toom-Cook's for the interpolation points p = 0, then pairs +-q (q = 1 for N = 4; 1, 2 for N = 6;
// 1, 2, 1/2 for N = 8), then infinity, in that order (src/reference/winograd.ts builds the same ones for the CPU from
// the points, and the tests check both against the direct convolution):
//   B^T row k < N-1: the coefficients of prod_{l != k} (x - p_l); row N-1: those of prod_l (x - p_l) (bt4, bt6, bt8)
//   G   (N x R): row k < N-1 is p_k^j / f_k over the taps j, f_k = prod_{l != k} (p_k - p_l); row N-1 is the last tap
//       (N = 4: f = -1, 2, 2; N = 6: f = 4, -6, -6, 24, 24; N = 8: f = -1, -9/2, -9/2, 90, 90, 45/32, 45/32)
//   A^T (MO x N): column k < N-1 is p_k^i over the outputs i (0^0 = 1); column N-1 adds to the last output alone
// For N = 4 these are Lavin and Gray's matrices with the rows of the points 0 and infinity negated in B^T and G
// (and that column of A^T), which leaves every product the same: B^T = [-1 0 1 0; 0 1 1 0; 0 -1 1 0; 0 -1 0 1],
// G = [-1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1], A^T = [1 1 1 0; 0 1 -1 1]. 1-D, y0 = m0 + m1 + m2 and
// y1 = m1 - m2 + m3 with m0 = (d2 - d0)(-g0), m1 = (d1 + d2)(g0 + g1 + g2)/2, m2 = (d2 - d1)(g0 - g1 + g2)/2,
// m3 = (d3 - d1) g2 give y0 = d0 g0 + d1 g1 + d2 g2 and y1 = d1 g0 + d2 g1 + d3 g2: correlation, as CNN layers
// compute it.
// Since the points come in pairs +-q, each pair's two rows are one even and one odd sum: at(+q) = even + odd,
// at(-q) = even - odd, which is how every transform below evaluates them.
// The factors grow with N (N = 4: 1 and 1/2, powers of two; N = 6: up to 5, 8 and 1/24; N = 8: 21/4, 32 and 1/90):
// more rounding, which the tests bound.
override WG: u32 = 64u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override FLIP_FILTER: bool = false;
// The transform domain (4, 6 or 8) and the window (3 or 5); the tile's outputs per axis are MO = N + 1 - R.
override N: u32 = 6u;
override R: u32 = 3u;

struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outC: u32, outH: u32, outW: u32, padTop: u32,
  padLeft: u32, tilesH: u32, tilesW: u32, tiles: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
// Bound by output_transform only.
@group(0) @binding(3) var<storage, read> bias: array<f32>;

// At most 8 frequencies (N), 5 taps (R) or 6 outputs (MO) per axis; loops stop at N, R or MO, the rest stays zero.
// N and R are pipeline constants, so every loop below has a constant trip count and unrolls.
alias Row = array<f32, 8>;
// Along one axis: R taps (at most 5) or MO outputs (at most 6).
alias Line = array<f32, 6>;
alias Taps = Line;
alias Outs = Line;

fn mo() -> u32 { return N + 1u - R; }

// The pairs of points +-q: 1 for N = 4, 2 for N = 6, 3 for N = 8; pair p holds frequencies 2p + 1 (at +q) and
// 2p + 2 (at -q).
fn pairs() -> u32 { return (N - 2u) / 2u; }
fn pairPoint(p: u32) -> f32 { return select(f32(p + 1u), 0.5, p == 2u); }
// 1 / f_k for the point 0 and for each pair (f is the same at +q and -q: the other points are symmetric).
fn zeroScale() -> f32 { return select(0.25, -1.0, N != 6u); }
fn pairScale(p: u32) -> f32 {
  if (N == 8u) { return array<f32, 3>(-2.0 / 9.0, 1.0 / 90.0, 32.0 / 45.0)[p]; }
  if (N == 4u) { return 0.5; }
  return array<f32, 2>(-1.0 / 6.0, 1.0 / 24.0)[p];
}

fn threadIndex(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 { return (wg.y * nwg.x + wg.x) * WG + lid.x; }

// Tile t = (n * tilesH + ty) * tilesW + tx as (n, ty, tx).
fn tileOf(t: u32) -> vec3u { return vec3u(t / (P.tilesW * P.tilesH), (t / P.tilesW) % P.tilesH, t % P.tilesW); }

// Column s of thread i's N x N block in src [N*N][plane]: frequency xi = N*r + s at src[xi * plane + i], r < N.
fn frequencyColumn(s: u32, plane: u32, i: u32) -> Row {
  var column: Row;
  for (var r = 0u; r < N; r++) { column[r] = src[(r * N + s) * plane + i]; }
  return column;
}

// B^T applied to a column of N (written out: B^T is mostly zeros, and its rows pair up as even +- odd sums).
fn bt(d: Row) -> Row {
  if (N == 8u) { return bt8(d); }
  if (N == 4u) { return bt4(d); }
  return bt6(d);
}

// N = 4: the rows of (x^2 - 1) / (x - p) and x (x^2 - 1).
fn bt4(d: Row) -> Row { return Row(d[2] - d[0], d[1] + d[2], d[2] - d[1], d[3] - d[1], 0.0, 0.0, 0.0, 0.0); }

// N = 6: the rows of (x^2 - 1)(x^2 - 4) / (x - p) and x (x^2 - 1)(x^2 - 4).
fn bt6(d: Row) -> Row {
  return Row(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    2.0 * (d[3] - d[1]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
    0.0, 0.0,
  );
}

// N = 8, M(x) = x (x^2 - 1)(x^2 - 4)(x^2 - 1/4) = x^7 - 21/4 x^5 + 21/4 x^3 - x. Row 0 is M(x) / x; the pair +-q is
// M(x) / (x -+ q) = (x +- q) N_q(x) with N_q = M / (x^2 - q^2) odd, so row(+-q) . d = even_q +- q odd_q where
// even_q = (x N_q) . d reads the even entries and odd_q = N_q . d the odd ones; row 7 is M(x).
//   q = 1:   N_1   = x^5 - 17/4 x^3 + x        q = 2: N_2 = x^5 - 5/4 x^3 + 1/4 x     q = 1/2: N = x^5 - 5 x^3 + 4 x
fn bt8(d: Row) -> Row {
  let even1 = d[2] - 4.25 * d[4] + d[6]; let odd1 = d[1] - 4.25 * d[3] + d[5];
  let even2 = 0.25 * d[2] - 1.25 * d[4] + d[6]; let odd2 = 0.25 * d[1] - 1.25 * d[3] + d[5];
  let evenH = 4.0 * d[2] - 5.0 * d[4] + d[6]; let oddH = 4.0 * d[1] - 5.0 * d[3] + d[5];
  return Row(
    -d[0] + 5.25 * (d[2] - d[4]) + d[6],
    even1 + odd1, even1 - odd1,
    even2 + 2.0 * odd2, even2 - 2.0 * odd2,
    evenH + 0.5 * oddH, evenH - 0.5 * oddH,
    -d[1] + 5.25 * (d[3] - d[5]) + d[7],
  );
}

// The polynomial with coefficients c[0 .. count) evaluated at each point: at 0 (c[0]), at each pair +-q (one even
// and one odd sum) and at infinity (its top coefficient c[count - 1]); with `scaled`, each value divided by its
// point's f_k. G applied to R taps (scaled) and A applied to MO outputs (not) are both this.
fn atPoints(c: Line, count: u32, scaled: bool) -> Row {
  var out: Row;
  out[0] = select(1.0, zeroScale(), scaled) * c[0];
  for (var p = 0u; p < pairs(); p++) {
    let q = pairPoint(p);
    var even = 0.0; var odd = 0.0; var power = 1.0; // power = q^j
    for (var j = 0u; j < count; j++) {
      if (j % 2u == 0u) { even += power * c[j]; } else { odd += power * c[j]; }
      power *= q;
    }
    let scale = select(1.0, pairScale(p), scaled);
    out[2u * p + 1u] = scale * (even + odd);
    out[2u * p + 2u] = scale * (even - odd);
  }
  out[N - 1u] = c[count - 1u];
  return out;
}

// The transpose of atPoints: values v at the points folded back into `count` coefficients,
// out_i = sum_{k<N-1} (1/f_k if scaled) p_k^i v_k, plus v_{N-1} for the last. G^T applied to a column of N (into R
// taps, scaled) and A^T (into MO outputs, not) are both this.
fn fromPoints(v: Row, count: u32, scaled: bool) -> Line {
  var out: Line;
  out[0] = select(1.0, zeroScale(), scaled) * v[0];
  for (var p = 0u; p < pairs(); p++) {
    let q = pairPoint(p);
    let even = v[2u * p + 1u] + v[2u * p + 2u]; let odd = v[2u * p + 1u] - v[2u * p + 2u];
    var power = select(1.0, pairScale(p), scaled); // q^i (/ f)
    for (var i = 0u; i < count; i++) {
      out[i] += power * select(odd, even, i % 2u == 0u);
      power *= q;
    }
  }
  out[count - 1u] += v[N - 1u];
  return out;
}

// G applied to a column of R taps: the filter evaluated at each point, divided by f_k.
fn gm(g: Taps) -> Row { return atPoints(g, R, true); }
// A^T applied to a column of N: MO outputs, out_i = sum_{k<N-1} p_k^i v_k (+ v_{N-1} for the last).
fn atr(v: Row) -> Outs { return fromPoints(v, mo(), false); }
// A applied to a column of MO: z_k = sum_i p_k^i e_i for k < N-1, z_{N-1} = the last.
fn am(e: Outs) -> Row { return atPoints(e, mo(), false); }
// G^T applied to a column of N: R taps, tap j = sum_k G[k][j] v_k.
fn gt(v: Row) -> Taps { return fromPoints(v, R, true); }

// Where filter tap (ky, kx) from input channel c to output channel k of the convolution computed is in src:
// w HWIO [R, R, inC, outC] at ((ky*R + kx)*inC + c)*outC + k; with FLIP_FILTER, src is the layer's w of shape
// [R, R, outC, inC] read turned by 180 degrees, at (((R-1-ky)*R + R-1-kx)*outC + k)*inC + c.
fn filterTap(ky: u32, kx: u32, c: u32, k: u32) -> f32 {
  if (FLIP_FILTER) { return src[(((R - 1u - ky) * R + R - 1u - kx) * P.outC + k) * P.inC + c]; }
  return src[((ky * R + kx) * P.inC + c) * P.outC + k];
}

// src = w (see filterTap); dst = U [N*N][inC][outC].
@compute @workgroup_size(WG)
fn filter_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let c = i / P.outC; let k = i % P.outC;
  let plane = P.inC * P.outC;
  // Columns first: cols[kx] = G g[.][kx] (N values each), then rows: U[r][.] = G (cols[.][r]).
  var cols: array<Row, 5>;
  for (var kx = 0u; kx < R; kx++) {
    var column: Taps;
    for (var ky = 0u; ky < R; ky++) { column[ky] = filterTap(ky, kx, c, k); }
    cols[kx] = gm(column);
  }
  for (var r = 0u; r < N; r++) {
    var row: Taps;
    for (var kx = 0u; kx < R; kx++) { row[kx] = cols[kx][r]; }
    let u = gm(row);
    for (var s = 0u; s < N; s++) { dst[(r * N + s) * plane + i] = u[s]; }
  }
}

// src = x NHWC [batch, inH, inW, inC]; dst = V [N*N][tiles][inC].
@compute @workgroup_size(WG)
fn input_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.inC) { return; }
  let c = i % P.inC;
  let tile = tileOf(i / P.inC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let y0 = i32(mo() * ty) - i32(P.padTop); let x0 = i32(mo() * tx) - i32(P.padLeft);
  var d: array<Row, 8>; // d[r] = row r of the patch, zero outside the image
  for (var r = 0u; r < N; r++) {
    let iy = y0 + i32(r);
    if (iy < 0 || iy >= i32(P.inH)) { continue; }
    for (var s = 0u; s < N; s++) {
      let ix = x0 + i32(s);
      if (ix >= 0 && ix < i32(P.inW)) { d[r][s] = src[((n * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC + c]; }
    }
  }
  // Columns first: e[.][s] = B^T d[.][s], then rows: V[r][.] = B^T e[r][.].
  var e: array<Row, 8>;
  for (var s = 0u; s < N; s++) {
    var column: Row;
    for (var r = 0u; r < N; r++) { column[r] = d[r][s]; }
    let t = bt(column);
    for (var r = 0u; r < N; r++) { e[r][s] = t[r]; }
  }
  let plane = P.tiles * P.inC;
  for (var r = 0u; r < N; r++) {
    let v = bt(e[r]);
    for (var s = 0u; s < N; s++) { dst[(r * N + s) * plane + i] = v[s]; }
  }
}

// src = M [N*N][tiles][outC]; dst = y NHWC [batch, outH, outW, outC].
@compute @workgroup_size(WG)
fn output_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let plane = P.tiles * P.outC;
  // Columns first: q[.][s] = A^T m[.][s] (MO rows of N), then rows: out[a] = A^T q[a].
  var q: array<Row, 6>;
  for (var s = 0u; s < N; s++) {
    let column = frequencyColumn(s, plane, i);
    let t = atr(column);
    for (var a = 0u; a < mo(); a++) { q[a][s] = t[a]; }
  }
  var b = 0.0;
  if (HAS_BIAS) { b = bias[k]; }
  for (var a = 0u; a < mo(); a++) {
    let oy = mo() * ty + a;
    if (oy >= P.outH) { break; }
    let row = atr(q[a]);
    for (var j = 0u; j < mo(); j++) {
      let ox = mo() * tx + j;
      if (ox >= P.outW) { break; }
      var v = row[j] + b;
      if (RELU) { v = max(v, 0.0); }
      dst[((n * P.outH + oy) * P.outW + ox) * P.outC + k] = v;
    }
  }
}

// src = dy NHWC [batch, outH, outW, outC]; dst = Z [N*N][tiles][outC].
@compute @workgroup_size(WG)
fn output_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  var e: array<Outs, 6>; // e[a][j] = dy[n, MO*ty + a, MO*tx + j, k], zero outside the output
  for (var a = 0u; a < mo(); a++) {
    let oy = mo() * ty + a;
    if (oy >= P.outH) { break; }
    for (var j = 0u; j < mo(); j++) {
      let ox = mo() * tx + j;
      if (ox < P.outW) { e[a][j] = src[((n * P.outH + oy) * P.outW + ox) * P.outC + k]; }
    }
  }
  // Columns first: h[.][j] = A e[.][j] (N rows of MO), then rows: Z[r][.] = A h[r][.].
  var h: array<Outs, 8>;
  for (var j = 0u; j < mo(); j++) {
    var column: Outs;
    for (var a = 0u; a < mo(); a++) { column[a] = e[a][j]; }
    let t = am(column);
    for (var r = 0u; r < N; r++) { h[r][j] = t[r]; }
  }
  let plane = P.tiles * P.outC;
  for (var r = 0u; r < N; r++) {
    let z = am(h[r]);
    for (var s = 0u; s < N; s++) { dst[(r * N + s) * plane + i] = z[s]; }
  }
}

// src = M' [N*N][inC][outC]; dst = dw HWIO [R, R, inC, outC] (written, not accumulated).
@compute @workgroup_size(WG)
fn filter_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let plane = P.inC * P.outC;
  // Columns first: h[.][s] = G^T m[.][s] (R rows of N), then rows: dw[ky][.] = G^T h[ky][.].
  var h: array<Row, 5>;
  for (var s = 0u; s < N; s++) {
    let column = frequencyColumn(s, plane, i);
    let t = gt(column);
    for (var ky = 0u; ky < R; ky++) { h[ky][s] = t[ky]; }
  }
  // Thread i = c * outC + k, and dw[ky, kx, c, k] = dw[(ky*R + kx) * plane + i].
  for (var ky = 0u; ky < R; ky++) {
    let row = gt(h[ky]);
    for (var kx = 0u; kx < R; kx++) { dst[(ky * R + kx) * plane + i] = row[kx]; }
  }
}
