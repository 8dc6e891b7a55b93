// winograd: the three transforms of a 3x3, stride-1 convolution as Winograd's minimal filtering F(2x2, 3x3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016). The output is cut into 2x2 tiles; tile
// t = (n, ty, tx) reads the 4x4 input patch d whose corner is (2*ty - padTop, 2*tx - padLeft) (zero outside the image)
// and, per output channel k,
//   y[n, 2ty + i, 2tx + j, k] = bias[k] + (A^T [ sum_c (G g_ck G^T) .* (B^T d_c B) ] A)[i][j]
// where g_ck is the 3x3 filter w[., ., c, k]. The sum over c of the 16 element-wise products is 16 GEMMs of
// [tiles x inC] . [inC x outC] (gemm.wgsl's MODE 7, one per frequency xi = 4*row + column of the 4x4 transform
// domain): 16 * inC multiply-adds per tile and channel against 36 * inC for the 4 outputs done directly.
//
//   filter_transform  U[xi][c][k]      = (G g_ck G^T)[xi]       one thread per (c, k)
//   input_transform   V[xi][t][c]      = (B^T d_tc B)[xi]       one thread per (t, c), c fastest (NHWC reads)
//   output_transform  y[n, oy, ox, k]  = (A^T m_tk A) + bias    one thread per (t, k), from m = M[xi][t][k]
// with
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1]
// (the 1-D identity: y0 = m0 + m1 + m2, y1 = m1 - m2 - m3 with m0 = (d0 - d2) g0, m1 = (d1 + d2)(g0 + g1 + g2)/2,
// m2 = (d2 - d1)(g0 - g1 + g2)/2, m3 = (d1 - d3) g2 gives y0 = d0 g0 + d1 g1 + d2 g2, y1 = d1 g0 + d2 g1 + d3 g2:
// correlation, as CNN layers compute it). Every factor is a power of two, so the transforms add little rounding.
//
// The weight gradient is the adjoint of the forward in g: from <dy_t, A^T ((G g G^T) .* V_t) A> = <G^T (Z_t .* V_t) G, g>
// with Z_t = A dy_t A^T (dy_t the 2x2 tile of dy, zero outside the output),
//   dw_ck = G^T [ sum_t (B^T d_tc B) .* (A dy_tk A^T) ] G,
// again 16 GEMMs, now contracting over tiles: M'[xi] = V[xi]^T . Z[xi], [inC x tiles] . [tiles x outC] (gemm.wgsl's
// MODE 8), 16 multiply-adds per tile and channel pair against 36 for the 4 outputs done directly.
//   output_grad_transform  Z[xi][t][k]   = (A dy_tk A^T)[xi]      one thread per (t, k)
//   filter_grad_transform  dw[ky, kx, c, k] = (G^T M'_ck G)       one thread per (c, k), from M' [16][inC][outC]
// with A = (A^T)^T = [1 0; 1 1; 1 -1; 0 -1] and G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1].
//
// The input gradient of a 3x3, stride-1, 'same' conv is itself such a conv: dx = conv(dy, w') with
// w'[ky, kx, k, c] = w[2 - ky, 2 - kx, c, k] (the filter turned by 180 degrees, its channel axes swapped), so the
// same four passes compute it; FLIP_FILTER makes filter_transform read w' from the layer's w.
override WG: u32 = 64u;
override HAS_BIAS: bool = false;
override RELU: bool = false;
override FLIP_FILTER: bool = false;

struct Params {
  batch: u32, inH: u32, inW: u32, inC: u32,
  outC: u32, outH: u32, outW: u32, padTop: u32,
  padLeft: u32, tilesH: u32, tilesW: u32, tiles: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
// Bound by output_transform only (an entry point's layout has just the bindings it uses).
@group(0) @binding(3) var<storage, read> bias: array<f32>;

fn threadIndex(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 { return (wg.y * nwg.x + wg.x) * WG + lid.x; }

// Tile t = (n * tilesH + ty) * tilesW + tx as (n, ty, tx).
fn tileOf(t: u32) -> vec3u { return vec3u(t / (P.tilesW * P.tilesH), (t / P.tilesW) % P.tilesH, t % P.tilesW); }

// A 4x4 block of the transform domain into dst: frequency xi = 4*r + s goes to dst[xi * plane + i].
fn storeFrequencies(rows: array<vec4f, 4>, plane: u32, i: u32) {
  for (var r = 0u; r < 4u; r++) {
    for (var s = 0u; s < 4u; s++) { dst[(r * 4u + s) * plane + i] = rows[r][s]; }
  }
}

// B^T applied to a column of 4 (also used on rows: B^T d B = (B^T (B^T d)^T)^T).
fn bt(d: vec4f) -> vec4f { return vec4f(d.x - d.z, d.y + d.z, d.z - d.y, d.y - d.w); }
// G applied to a column of 3.
fn gm(g: vec3f) -> vec4f { return vec4f(g.x, 0.5 * (g.x + g.y + g.z), 0.5 * (g.x - g.y + g.z), g.z); }
// A^T applied to a column of 4.
fn atr(m: vec4f) -> vec2f { return vec2f(m.x + m.y + m.z, m.y - m.z - m.w); }
// A applied to a column of 2.
fn am(e: vec2f) -> vec4f { return vec4f(e.x, e.x + e.y, e.x - e.y, -e.y); }
// G^T applied to a column of 4.
fn gt(m: vec4f) -> vec3f { return vec3f(m.x + 0.5 * (m.y + m.z), 0.5 * (m.y - m.z), 0.5 * (m.y + m.z) + m.w); }

// Where filter tap (ky, kx) from input channel c to output channel k of the convolution computed is in src:
// w HWIO [3, 3, inC, outC] at ((ky*3 + kx)*inC + c)*outC + k; with FLIP_FILTER, src is the layer's w of shape
// [3, 3, outC, inC] (the gradient's channels are the layer's swapped) read at ((2-ky)*3 + 2-kx)*outC + k)*inC + c.
fn filterTap(ky: u32, kx: u32, c: u32, k: u32) -> f32 {
  if (FLIP_FILTER) { return src[(((2u - ky) * 3u + 2u - kx) * P.outC + k) * P.inC + c]; }
  return src[((ky * 3u + kx) * P.inC + c) * P.outC + k];
}

// src = w (see filterTap); dst = U [16][inC][outC].
@compute @workgroup_size(WG)
fn filter_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let c = i / P.outC; let k = i % P.outC;
  var g: array<vec3f, 3>; // g[ky] = row ky of the filter
  for (var ky = 0u; ky < 3u; ky++) { g[ky] = vec3f(filterTap(ky, 0u, c, k), filterTap(ky, 1u, c, k), filterTap(ky, 2u, c, k)); }
  // Columns first: h[.][kx] = G g[.][kx] (4 x 3), then rows: U[r][.] = G h[r][.] (4 x 4).
  let c0 = gm(vec3f(g[0].x, g[1].x, g[2].x));
  let c1 = gm(vec3f(g[0].y, g[1].y, g[2].y));
  let c2 = gm(vec3f(g[0].z, g[1].z, g[2].z));
  var u: array<vec4f, 4>;
  for (var r = 0u; r < 4u; r++) { u[r] = gm(vec3f(c0[r], c1[r], c2[r])); }
  storeFrequencies(u, P.inC * P.outC, i);
}

// src = x NHWC [batch, inH, inW, inC]; dst = V [16][tiles][inC].
@compute @workgroup_size(WG)
fn input_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.inC) { return; }
  let c = i % P.inC;
  let tile = tileOf(i / P.inC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let y0 = i32(2u * ty) - i32(P.padTop); let x0 = i32(2u * tx) - i32(P.padLeft);
  var d: array<vec4f, 4>; // d[r] = row r of the patch
  for (var r = 0u; r < 4u; r++) {
    let iy = y0 + i32(r);
    var row = vec4f(0.0);
    if (iy >= 0 && iy < i32(P.inH)) {
      for (var s = 0u; s < 4u; s++) {
        let ix = x0 + i32(s);
        if (ix >= 0 && ix < i32(P.inW)) { row[s] = src[((n * P.inH + u32(iy)) * P.inW + u32(ix)) * P.inC + c]; }
      }
    }
    d[r] = row;
  }
  // Columns first: e = B^T d (4 rows), then rows: V[r][.] = B^T e[r][.].
  let e0 = d[0] - d[2]; let e1 = d[1] + d[2]; let e2 = d[2] - d[1]; let e3 = d[1] - d[3];
  storeFrequencies(array<vec4f, 4>(bt(e0), bt(e1), bt(e2), bt(e3)), P.tiles * P.inC, i);
}

// src = M [16][tiles][outC]; dst = y NHWC [batch, outH, outW, outC].
@compute @workgroup_size(WG)
fn output_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  let plane = P.tiles * P.outC;
  var m: array<vec4f, 4>; // m[r][s] = M[4r + s][t][k]
  for (var r = 0u; r < 4u; r++) {
    m[r] = vec4f(src[(r * 4u) * plane + i], src[(r * 4u + 1u) * plane + i], src[(r * 4u + 2u) * plane + i], src[(r * 4u + 3u) * plane + i]);
  }
  // Columns first: q = A^T m (2 rows of 4), then rows: out[r] = A^T q[r].
  let q = array<vec4f, 2>(m[0] + m[1] + m[2], m[1] - m[2] - m[3]);
  var b = 0.0;
  if (HAS_BIAS) { b = bias[k]; }
  for (var r = 0u; r < 2u; r++) {
    let oy = 2u * ty + r;
    if (oy >= P.outH) { break; }
    let pair = atr(q[r]);
    for (var s = 0u; s < 2u; s++) {
      let ox = 2u * tx + s;
      if (ox >= P.outW) { break; }
      var v = pair[s] + b;
      if (RELU) { v = max(v, 0.0); }
      dst[((n * P.outH + oy) * P.outW + ox) * P.outC + k] = v;
    }
  }
}

// src = dy NHWC [batch, outH, outW, outC]; dst = Z [16][tiles][outC].
@compute @workgroup_size(WG)
fn output_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.tiles * P.outC) { return; }
  let k = i % P.outC;
  let tile = tileOf(i / P.outC); let n = tile.x; let ty = tile.y; let tx = tile.z;
  var e: array<vec2f, 2>; // e[r][s] = dy[n, 2ty + r, 2tx + s, k], zero outside the output
  for (var r = 0u; r < 2u; r++) {
    let oy = 2u * ty + r;
    var row = vec2f(0.0);
    if (oy < P.outH) {
      for (var s = 0u; s < 2u; s++) {
        let ox = 2u * tx + s;
        if (ox < P.outW) { row[s] = src[((n * P.outH + oy) * P.outW + ox) * P.outC + k]; }
      }
    }
    e[r] = row;
  }
  // Columns first: q[.][s] = A e[.][s] (two columns of 4), then rows: Z[r][.] = A q[r][.].
  let q0 = am(vec2f(e[0].x, e[1].x));
  let q1 = am(vec2f(e[0].y, e[1].y));
  var z: array<vec4f, 4>;
  for (var r = 0u; r < 4u; r++) { z[r] = am(vec2f(q0[r], q1[r])); }
  storeFrequencies(z, P.tiles * P.outC, i);
}

// src = M' [16][inC][outC]; dst = dw HWIO [3, 3, inC, outC] (written, not accumulated).
@compute @workgroup_size(WG)
fn filter_grad_transform(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  if (i >= P.inC * P.outC) { return; }
  let plane = P.inC * P.outC;
  var m: array<vec4f, 4>; // m[r][s] = M'[4r + s][c][k]
  for (var r = 0u; r < 4u; r++) {
    m[r] = vec4f(src[(r * 4u) * plane + i], src[(r * 4u + 1u) * plane + i], src[(r * 4u + 2u) * plane + i], src[(r * 4u + 3u) * plane + i]);
  }
  // Columns first: h[.][s] = G^T m[.][s] (four columns of 3), then rows: dw[ky][.] = G^T h[ky][.].
  var h: array<vec3f, 4>;
  for (var s = 0u; s < 4u; s++) { h[s] = gt(vec4f(m[0][s], m[1][s], m[2][s], m[3][s])); }
  // Thread i = c * outC + k, and dw[ky, kx, c, k] = dw[(ky*3 + kx) * plane + i].
  for (var ky = 0u; ky < 3u; ky++) {
    let row = gt(vec4f(h[0][ky], h[1][ky], h[2][ky], h[3][ky]));
    for (var kx = 0u; kx < 3u; kx++) { dst[(ky * 3u + kx) * plane + i] = row[kx]; }
  }
}
