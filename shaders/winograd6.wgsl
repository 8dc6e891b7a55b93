// winograd6: the transforms of Winograd's minimal filtering with a 6 x 6 transform domain, for the two tiles
// F(m x m, r x r) with m + r = 7 that conv2d-winograd-contract.ts names: F(4x4, 3x3) (R = 3) and F(2x2, 5x5)
// (R = 5). The same five passes, layouts and bindings as winograd.wgsl (its header has the scheme); here the
// output is cut into MO x MO tiles, MO = 7 - R, tile t = (n, ty, tx) reads the 6 x 6 input patch whose corner is
// (MO*ty - padTop, MO*tx - padLeft), and the products are 36 GEMMs, one per frequency xi = 6*row + column:
//   F(4x4, 3x3): 36 * inC multiply-adds per tile and output channel for 16 outputs (direct: 144 * inC);
//   F(2x2, 5x5): 36 * inC for 4 outputs of a 5x5 window (direct: 100 * inC).
//
// The matrices come from the interpolation points p = 0, 1, -1, 2, -2 and infinity (src/reference/winograd.ts
// builds the same ones for the CPU, and the tests check both against the direct convolution):
//   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
//   G   (6 x R): row k < 5 is p_k^j / f_k over the taps j, f_k = prod_{l != k} (p_k - p_l) = 4, -6, -6, 24, 24;
//                row 5 is the last tap alone
//   A^T (MO x 6): column k < 5 is p_k^i over the outputs i (0^0 = 1); column 5 adds to the last output alone
// The factors (5, 8, 1/24) are larger than F(2x2, 3x3)'s powers of two: more rounding, which the tests bound.
override WG: u32 = 64u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override FLIP_FILTER: bool = false;
// The window (3 or 5); the tile's outputs per axis are MO = 7 - R.
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

alias Row = array<f32, 6>;
// At most 5 taps (R) or 4 outputs (MO) per axis; loops stop at R or MO, the rest stays zero.
alias Taps = array<f32, 5>;
alias Outs = array<f32, 4>;

fn mo() -> u32 { return 7u - R; }

fn threadIndex(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 { return (wg.y * nwg.x + wg.x) * WG + lid.x; }

// Tile t = (n * tilesH + ty) * tilesW + tx as (n, ty, tx).
fn tileOf(t: u32) -> vec3u { return vec3u(t / (P.tilesW * P.tilesH), (t / P.tilesW) % P.tilesH, t % P.tilesW); }

// Column s of thread i's 6 x 6 block in src [36][plane]: frequency xi = 6*r + s at src[xi * plane + i], r = 0..5.
fn frequencyColumn(s: u32, plane: u32, i: u32) -> Row {
  var column: Row;
  for (var r = 0u; r < 6u; r++) { column[r] = src[(r * 6u + s) * plane + i]; }
  return column;
}

// B^T applied to a column of 6.
fn bt(d: Row) -> Row {
  return Row(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    2.0 * (d[3] - d[1]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
  );
}

// G applied to a column of R taps: the filter evaluated at each point, divided by f_k.
fn gm(g: Taps) -> Row {
  var at1 = 0.0; var atMinus1 = 0.0; var at2 = 0.0; var atMinus2 = 0.0;
  var sign = 1.0; var pow2 = 1.0; // (-1)^j and 2^j
  for (var j = 0u; j < R; j++) {
    at1 += g[j];
    atMinus1 += sign * g[j];
    at2 += pow2 * g[j];
    atMinus2 += sign * pow2 * g[j];
    sign = -sign;
    pow2 *= 2.0;
  }
  return Row(g[0] / 4.0, -at1 / 6.0, -atMinus1 / 6.0, at2 / 24.0, atMinus2 / 24.0, g[R - 1u]);
}

// A^T applied to a column of 6: MO outputs, out_i = sum_{k<5} p_k^i v_k (+ v_5 for the last).
fn atr(v: Row) -> Outs {
  let even1 = v[1] + v[2]; let odd1 = v[1] - v[2]; // the points +-1
  let even2 = v[3] + v[4]; let odd2 = v[3] - v[4]; // the points +-2
  var out = Outs(v[0] + even1 + even2, odd1 + 2.0 * odd2, even1 + 4.0 * even2, odd1 + 8.0 * odd2);
  out[mo() - 1u] += v[5];
  return out;
}

// A applied to a column of MO: z_k = sum_i p_k^i e_i for k < 5, z_5 = the last.
fn am(e: Outs) -> Row {
  var at1 = 0.0; var atMinus1 = 0.0; var at2 = 0.0; var atMinus2 = 0.0;
  var sign = 1.0; var pow2 = 1.0;
  for (var i = 0u; i < mo(); i++) {
    at1 += e[i];
    atMinus1 += sign * e[i];
    at2 += pow2 * e[i];
    atMinus2 += sign * pow2 * e[i];
    sign = -sign;
    pow2 *= 2.0;
  }
  return Row(e[0], at1, atMinus1, at2, atMinus2, e[mo() - 1u]);
}

// G^T applied to a column of 6: R taps, tap j = sum_k G[k][j] v_k.
fn gt(v: Row) -> Taps {
  var out: Taps;
  var sign = 1.0; var pow2 = 1.0;
  for (var j = 0u; j < R; j++) {
    out[j] = -(v[1] + sign * v[2]) / 6.0 + pow2 * (v[3] + sign * v[4]) / 24.0;
    sign = -sign;
    pow2 *= 2.0;
  }
  out[0] += v[0] / 4.0;
  out[R - 1u] += v[5];
  return out;
}

// Where filter tap (ky, kx) from input channel c to output channel k of the convolution computed is in src:
// w HWIO [R, R, inC, outC] at ((ky*R + kx)*inC + c)*outC + k; with FLIP_FILTER, src is the layer's w of shape
// [R, R, outC, inC] read turned by 180 degrees, at (((R-1-ky)*R + R-1-kx)*outC + k)*inC + c.
fn filterTap(ky: u32, kx: u32, c: u32, k: u32) -> f32 {
  if (FLIP_FILTER) { return src[(((R - 1u - ky) * R + R - 1u - kx) * P.outC + k) * P.inC + c]; }
  return src[((ky * R + kx) * P.inC + c) * P.outC + k];
}

// src = w (see filterTap); dst = U [36][inC][outC].
@compute @workgroup_size(WG)
fn filter_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let c = i / P.outC; let k = i % P.outC;
  let plane = P.inC * P.outC;
  // Columns first: cols[kx] = G g[.][kx] (6 values each), then rows: U[r][.] = G (cols[.][r]).
  var cols: array<Row, 5>;
  for (var kx = 0u; kx < R; kx++) {
    var column: Taps;
    for (var ky = 0u; ky < R; ky++) { column[ky] = filterTap(ky, kx, c, k); }
    cols[kx] = gm(column);
  }
  for (var r = 0u; r < 6u; r++) {
    var row: Taps;
    for (var kx = 0u; kx < R; kx++) { row[kx] = cols[kx][r]; }
    let u = gm(row);
    for (var s = 0u; s < 6u; s++) { dst[(r * 6u + s) * plane + i] = u[s]; }
  }
}

// src = x NHWC [batch, inH, inW, inC]; dst = V [36][tiles][inC].
@compute @workgroup_size(WG)
fn input_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.inC) { return; }
  let c = i % P.inC;
  let tile = tileOf(i / P.inC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let y0 = i32(mo() * ty) - i32(P.padTop); let x0 = i32(mo() * tx) - i32(P.padLeft);
  var d: array<Row, 6>; // d[r] = row r of the patch, zero outside the image
  for (var r = 0u; r < 6u; r++) {
    let iy = y0 + i32(r);
    if (iy < 0 || iy >= i32(P.inH)) { continue; }
    for (var s = 0u; s < 6u; s++) {
      let ix = x0 + i32(s);
      if (ix >= 0 && ix < i32(P.inW)) { d[r][s] = src[((n * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC + c]; }
    }
  }
  // Columns first: e[.][s] = B^T d[.][s], then rows: V[r][.] = B^T e[r][.].
  var e: array<Row, 6>;
  for (var s = 0u; s < 6u; s++) {
    var column: Row;
    for (var r = 0u; r < 6u; r++) { column[r] = d[r][s]; }
    let t = bt(column);
    for (var r = 0u; r < 6u; r++) { e[r][s] = t[r]; }
  }
  let plane = P.tiles * P.inC;
  for (var r = 0u; r < 6u; r++) {
    let v = bt(e[r]);
    for (var s = 0u; s < 6u; s++) { dst[(r * 6u + s) * plane + i] = v[s]; }
  }
}

// src = M [36][tiles][outC]; dst = y NHWC [batch, outH, outW, outC].
@compute @workgroup_size(WG)
fn output_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let plane = P.tiles * P.outC;
  // Columns first: q[.][s] = A^T m[.][s] (MO rows of 6), then rows: out[a] = A^T q[a].
  var q: array<Row, 4>;
  for (var s = 0u; s < 6u; s++) {
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

// src = dy NHWC [batch, outH, outW, outC]; dst = Z [36][tiles][outC].
@compute @workgroup_size(WG)
fn output_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  var e: array<Outs, 4>; // e[a][j] = dy[n, MO*ty + a, MO*tx + j, k], zero outside the output
  for (var a = 0u; a < mo(); a++) {
    let oy = mo() * ty + a;
    if (oy >= P.outH) { break; }
    for (var j = 0u; j < mo(); j++) {
      let ox = mo() * tx + j;
      if (ox < P.outW) { e[a][j] = src[((n * P.outH + oy) * P.outW + ox) * P.outC + k]; }
    }
  }
  // Columns first: h[.][j] = A e[.][j] (6 rows of MO), then rows: Z[r][.] = A h[r][.].
  var h: array<Outs, 6>;
  for (var j = 0u; j < mo(); j++) {
    var column: Outs;
    for (var a = 0u; a < mo(); a++) { column[a] = e[a][j]; }
    let t = am(column);
    for (var r = 0u; r < 6u; r++) { h[r][j] = t[r]; }
  }
  let plane = P.tiles * P.outC;
  for (var r = 0u; r < 6u; r++) {
    let z = am(h[r]);
    for (var s = 0u; s < 6u; s++) { dst[(r * 6u + s) * plane + i] = z[s]; }
  }
}

// src = M' [36][inC][outC]; dst = dw HWIO [R, R, inC, outC] (written, not accumulated).
@compute @workgroup_size(WG)
fn filter_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let plane = P.inC * P.outC;
  // Columns first: h[.][s] = G^T m[.][s] (R rows of 6), then rows: dw[ky][.] = G^T h[ky][.].
  var h: array<Row, 5>;
  for (var s = 0u; s < 6u; s++) {
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
