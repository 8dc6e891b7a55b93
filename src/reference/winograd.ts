/**
 * CPU reference of the Winograd F(2x2, 3x3) convolution's stages (shaders/winograd.wgsl has the math): plain
 * loops in float64, the oracle of each GPU stage. Their composition, winogradConv2dForward, must equal the direct
 * convolution (conv2d.ts) up to rounding; the tests check both.
 *
 *   U[xi][c][k] = (G g_ck G^T)[xi]          g_ck[ky][kx] = w[ky, kx, c, k]
 *   V[xi][t][c] = (B^T d_tc B)[xi]          d_tc[r][s] = x[n, 2ty - padTop + r, 2tx - padLeft + s, c] (zero outside)
 *   M[xi][t][k] = sum_c V[xi][t][c] U[xi][c][k]
 *   y[n, 2ty + i, 2tx + j, k] = bias[k] + (A^T M_tk A)[i][j]     (inside the output only)
 * with xi = 4 * row + column and tile t = (n * tilesH + ty) * tilesW + tx. The weight gradient (its adjoint in w):
 *   Z[xi][t][k]  = (A e_tk A^T)[xi]          e_tk[i][j] = dy[n, 2ty + i, 2tx + j, k] (zero outside the output)
 *   M'[xi][c][k] = sum_t V[xi][t][c] Z[xi][t][k]
 *   dw[ky, kx, c, k] = (G^T M'_ck G)[ky][kx]
 */
import type { Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import { winogradGeometry } from '../gpu/kernels/conv2d-winograd-contract.ts';

const BT = [
  [1, 0, -1, 0],
  [0, 1, 1, 0],
  [0, -1, 1, 0],
  [0, 1, 0, -1],
];
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
];
const AT = [
  [1, 1, 1, 0],
  [0, 1, -1, -1],
];
const A = AT[0].map((_, r) => AT.map((row) => row[r]));
const GT = G[0].map((_, r) => G.map((row) => row[r]));

/** L . X . R^T for small dense matrices (L: p x q, X: q x q', R: p' x q'). */
function sandwich(L: number[][], X: number[][], R: number[][]): number[][] {
  const LX = L.map((row) => X[0].map((_, j) => row.reduce((acc, l, q) => acc + l * X[q][j], 0)));
  return LX.map((row) => R.map((r) => row.reduce((acc, v, q) => acc + v * r[q], 0)));
}

/** U [16][inC][outC] from w HWIO [3, 3, inC, outC]. */
export function winogradFilterTransform(w: Float32Array, inC: number, outC: number): Float32Array {
  const u = new Float32Array(16 * inC * outC);
  for (let c = 0; c < inC; c++)
    for (let k = 0; k < outC; k++) {
      const g = [0, 1, 2].map((ky) => [0, 1, 2].map((kx) => w[((ky * 3 + kx) * inC + c) * outC + k]));
      const t = sandwich(G, g, G);
      for (let xi = 0; xi < 16; xi++) u[(xi * inC + c) * outC + k] = t[xi >> 2][xi & 3];
    }
  return u;
}

/** V [16][tiles][inC] from x NHWC. */
export function winogradInputTransform(x: Float32Array, s: Conv2dShape): Float32Array {
  const g = winogradGeometry(s);
  const v = new Float32Array(16 * g.tiles * s.inC);
  for (let n = 0; n < s.batch; n++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (n * g.tilesH + ty) * g.tilesW + tx;
        for (let c = 0; c < s.inC; c++) {
          const d = [0, 1, 2, 3].map((r) =>
            [0, 1, 2, 3].map((q) => {
              const iy = 2 * ty - g.padTop + r;
              const ix = 2 * tx - g.padLeft + q;
              return iy < 0 || ix < 0 || iy >= s.inH || ix >= s.inW ? 0 : x[((n * s.inH + iy) * s.inW + ix) * s.inC + c];
            }),
          );
          const e = sandwich(BT, d, BT);
          for (let xi = 0; xi < 16; xi++) v[(xi * g.tiles + t) * s.inC + c] = e[xi >> 2][xi & 3];
        }
      }
  return v;
}

/** M [16][tiles][outC] = V . U, per frequency. */
export function winogradProducts(v: Float32Array, u: Float32Array, tiles: number, inC: number, outC: number): Float32Array {
  const m = new Float32Array(16 * tiles * outC);
  for (let xi = 0; xi < 16; xi++)
    for (let t = 0; t < tiles; t++)
      for (let k = 0; k < outC; k++) {
        let acc = 0;
        for (let c = 0; c < inC; c++) acc += v[(xi * tiles + t) * inC + c] * u[(xi * inC + c) * outC + k];
        m[(xi * tiles + t) * outC + k] = acc;
      }
  return m;
}

/** y NHWC from M, plus bias, optionally followed by ReLU. */
export function winogradOutputTransform(m: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false): Float32Array {
  const g = winogradGeometry(s);
  const y = new Float32Array(s.batch * g.outH * g.outW * s.outC);
  for (let n = 0; n < s.batch; n++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (n * g.tilesH + ty) * g.tilesW + tx;
        for (let k = 0; k < s.outC; k++) {
          const mt = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((q) => m[((r * 4 + q) * g.tiles + t) * s.outC + k]));
          const out = sandwich(AT, mt, AT);
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) {
              const oy = 2 * ty + i;
              const ox = 2 * tx + j;
              if (oy >= g.outH || ox >= g.outW) continue;
              const value = out[i][j] + (bias ? bias[k] : 0);
              y[((n * g.outH + oy) * g.outW + ox) * s.outC + k] = relu ? Math.max(value, 0) : value;
            }
        }
      }
  return y;
}

/** The whole Winograd forward on the CPU: the stages composed. */
export function winogradConv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false): Float32Array {
  const g = winogradGeometry(s);
  const u = winogradFilterTransform(w, s.inC, s.outC);
  const v = winogradInputTransform(x, s);
  return winogradOutputTransform(winogradProducts(v, u, g.tiles, s.inC, s.outC), bias, s, relu);
}

/**
 * w' HWIO [3, 3, outC, inC] with w'[ky, kx, k, c] = w[2 - ky, 2 - kx, c, k]: the filter of the convolution that
 * computes a 3x3 'same' conv's input gradient (dx = conv(dy, w')), what FLIP_FILTER reads in place.
 */
export function flipFilterForInputGrad(w: Float32Array, inC: number, outC: number): Float32Array {
  const out = new Float32Array(9 * inC * outC);
  for (let ky = 0; ky < 3; ky++)
    for (let kx = 0; kx < 3; kx++)
      for (let c = 0; c < inC; c++)
        for (let k = 0; k < outC; k++) out[((ky * 3 + kx) * outC + k) * inC + c] = w[(((2 - ky) * 3 + (2 - kx)) * inC + c) * outC + k];
  return out;
}

/** Z [16][tiles][outC] from dy NHWC [batch, outH, outW, outC]. */
export function winogradOutputGradTransform(dy: Float32Array, s: Conv2dShape): Float32Array {
  const g = winogradGeometry(s);
  const z = new Float32Array(16 * g.tiles * s.outC);
  for (let n = 0; n < s.batch; n++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (n * g.tilesH + ty) * g.tilesW + tx;
        for (let k = 0; k < s.outC; k++) {
          const e = [0, 1].map((i) =>
            [0, 1].map((j) => {
              const oy = 2 * ty + i;
              const ox = 2 * tx + j;
              return oy >= g.outH || ox >= g.outW ? 0 : dy[((n * g.outH + oy) * g.outW + ox) * s.outC + k];
            }),
          );
          const f = sandwich(A, e, A);
          for (let xi = 0; xi < 16; xi++) z[(xi * g.tiles + t) * s.outC + k] = f[xi >> 2][xi & 3];
        }
      }
  return z;
}

/** M' [16][inC][outC] = V^T . Z, per frequency (the sum over tiles). */
export function winogradWeightGradProducts(v: Float32Array, z: Float32Array, tiles: number, inC: number, outC: number): Float32Array {
  const m = new Float32Array(16 * inC * outC);
  for (let xi = 0; xi < 16; xi++)
    for (let c = 0; c < inC; c++)
      for (let k = 0; k < outC; k++) {
        let acc = 0;
        for (let t = 0; t < tiles; t++) acc += v[(xi * tiles + t) * inC + c] * z[(xi * tiles + t) * outC + k];
        m[(xi * inC + c) * outC + k] = acc;
      }
  return m;
}

/** dw HWIO [3, 3, inC, outC] from M' [16][inC][outC]. */
export function winogradFilterGradTransform(m: Float32Array, inC: number, outC: number): Float32Array {
  const dw = new Float32Array(9 * inC * outC);
  for (let c = 0; c < inC; c++)
    for (let k = 0; k < outC; k++) {
      const mt = [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((q) => m[((r * 4 + q) * inC + c) * outC + k]));
      const d = sandwich(GT, mt, GT);
      for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) dw[((ky * 3 + kx) * inC + c) * outC + k] = d[ky][kx];
    }
  return dw;
}

/** The whole Winograd weight gradient on the CPU: the stages composed. */
export function winogradConv2dBackpropFilter(x: Float32Array, dy: Float32Array, s: Conv2dShape): Float32Array {
  const g = winogradGeometry(s);
  const v = winogradInputTransform(x, s);
  const z = winogradOutputGradTransform(dy, s);
  return winogradFilterGradTransform(winogradWeightGradProducts(v, z, g.tiles, s.inC, s.outC), s.inC, s.outC);
}
