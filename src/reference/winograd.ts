/**
 * CPU reference of the Winograd convolutions' stages, F(m x m, r x r) for the tiles of conv2d-winograd-contract.ts
 * (shaders/winograd.wgsl has the math): plain loops in float64, the oracle of each GPU stage. Their composition,
 * winogradConv2dForward, must equal the direct convolution (conv2d.ts) up to rounding; the tests check both.
 * With n = m + r - 1 and F = n * n frequencies xi = n * row + column:
 *
 *   U[xi][c][k] = (G g_ck G^T)[xi]          g_ck[ky][kx] = w[ky, kx, c, k]
 *   V[xi][t][c] = (B^T d_tc B)[xi]          d_tc[r][s] = x[n, m*ty - padTop + r, m*tx - padLeft + s, c] (zero outside)
 *   M[xi][t][k] = sum_c V[xi][t][c] U[xi][c][k]
 *   y[n, m*ty + i, m*tx + j, k] = bias[k] + (A^T M_tk A)[i][j]     (inside the output only)
 * with tile t = (n * tilesH + ty) * tilesW + tx. The weight gradient (its adjoint in w):
 *   Z[xi][t][k]  = (A e_tk A^T)[xi]          e_tk[i][j] = dy[n, m*ty + i, m*tx + j, k] (zero outside the output)
 *   M'[xi][c][k] = sum_t V[xi][t][c] Z[xi][t][k]
 *   dw[ky, kx, c, k] = (G^T M'_ck G)[ky][kx]
 */
import type { Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import { F2X2_3X3, winogradGeometry, type WinogradTile } from '../gpu/kernels/conv2d-winograd-contract.ts';

interface Transforms {
  BT: number[][];
  G: number[][];
  AT: number[][];
  A: number[][];
  GT: number[][];
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const transpose = (X: number[][]): number[][] => X[0].map((_, r) => X.map((row) => row[r]));

/** The coefficients (lowest power first) of prod_l (x - roots_l). */
function polynomialFromRoots(roots: number[]): number[] {
  let c = [1];
  for (const root of roots) c = [...c.map((v) => -root * v), 0].map((v, i) => v + (i > 0 ? c[i - 1] : 0));
  return c;
}

/**
 * Toom-Cook's matrices for n = m + r - 1 points: the finite `points` (n - 1 of them) and infinity, for n = 4
 * (0, 1, -1: F(2x2, 3x3), Lavin and Gray's matrices up to the sign of the rows of 0 and infinity), n = 6 (also 2
 * and -2: F(4x4, 3x3), F(2x2, 5x5)) and n = 8 (also 1/2 and -1/2: F(6x6, 3x3), F(4x4, 5x5)).
 * G row k < n - 1 is p_k^j / f_k over the window's taps j, f_k = prod_{l != k} (p_k - p_l), and row n - 1 picks
 * the last tap; A^T column k < n - 1 is p_k^i over the outputs i, and column n - 1 adds to the last output;
 * B^T row k < n - 1 holds the coefficients of prod_{l != k} (x - p_l) and row n - 1 those of prod_l (x - p_l),
 * so B^T depends on the points alone: the shader's bt4, bt6 and bt8 exactly. The CPU tests
 * check the 1-D identity behind them, and the whole convolution.
 */
function toomCook(points: number[], m: number, r: number): Omit<Transforms, 'A' | 'GT'> {
  const n = points.length + 1;
  const others = (k: number) => points.filter((_, l) => l !== k);
  const f = points.map((p, k) => others(k).reduce((acc, q) => acc * (p - q), 1));
  const G = [...points.map((p, k) => Array.from({ length: r }, (_, j) => p ** j / f[k])), Array.from({ length: r }, (_, j) => (j === r - 1 ? 1 : 0))];
  const AT = Array.from({ length: m }, (_, i) => [...points.map((p) => p ** i), i === m - 1 ? 1 : 0]);
  const BT = [...points.map((_, k) => [...polynomialFromRoots(others(k)), 0]), polynomialFromRoots(points)];
  if (BT.some((row) => row.length !== n)) throw new Error('toomCook: a B^T row of the wrong length');
  return { BT, G, AT };
}

/** The finite interpolation points of each transform domain (infinity is the last point of each). */
const POINTS: Record<number, number[]> = { 4: [0, 1, -1], 6: [0, 1, -1, 2, -2], 8: [0, 1, -1, 2, -2, 0.5, -0.5] };

/** The transform matrices of `tile`. */
export function winogradTransforms(tile: WinogradTile): Transforms {
  const t = toomCook(POINTS[tile.n], tile.m, tile.r);
  return { ...t, A: transpose(t.AT), GT: transpose(t.G) };
}

/** L . X . R^T for small dense matrices (L: p x q, X: q x q', R: p' x q'). */
function sandwich(L: number[][], X: number[][], R: number[][]): number[][] {
  const LX = L.map((row) => X[0].map((_, j) => row.reduce((acc, l, q) => acc + l * X[q][j], 0)));
  return LX.map((row) => R.map((r) => row.reduce((acc, v, q) => acc + v * r[q], 0)));
}

/** U [F][inC][outC] from w HWIO [r, r, inC, outC]. */
export function winogradFilterTransform(w: Float32Array, inC: number, outC: number, tile: WinogradTile = F2X2_3X3): Float32Array {
  const { G } = winogradTransforms(tile);
  const { n, r } = tile;
  const u = new Float32Array(n * n * inC * outC);
  for (let c = 0; c < inC; c++)
    for (let k = 0; k < outC; k++) {
      const g = range(r).map((ky) => range(r).map((kx) => w[((ky * r + kx) * inC + c) * outC + k]));
      const t = sandwich(G, g, G);
      for (let xi = 0; xi < n * n; xi++) u[(xi * inC + c) * outC + k] = t[Math.floor(xi / n)][xi % n];
    }
  return u;
}

/** V [F][tiles][inC] from x NHWC. */
export function winogradInputTransform(x: Float32Array, s: Conv2dShape, tile?: WinogradTile): Float32Array {
  const g = winogradGeometry(s, tile);
  const { n, m } = g.tile;
  const { BT } = winogradTransforms(g.tile);
  const v = new Float32Array(g.frequencies * g.tiles * s.inC);
  for (let b = 0; b < s.batch; b++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (b * g.tilesH + ty) * g.tilesW + tx;
        for (let c = 0; c < s.inC; c++) {
          const d = range(n).map((r) =>
            range(n).map((q) => {
              const iy = m * ty - g.padTop + r;
              const ix = m * tx - g.padLeft + q;
              return iy < 0 || ix < 0 || iy >= s.inH || ix >= s.inW ? 0 : x[((b * s.inH + iy) * s.inW + ix) * s.inC + c];
            }),
          );
          const e = sandwich(BT, d, BT);
          for (let xi = 0; xi < n * n; xi++) v[(xi * g.tiles + t) * s.inC + c] = e[Math.floor(xi / n)][xi % n];
        }
      }
  return v;
}

/** M [F][tiles][outC] = V . U, per frequency. */
export function winogradProducts(v: Float32Array, u: Float32Array, tiles: number, inC: number, outC: number, frequencies = 16): Float32Array {
  const m = new Float32Array(frequencies * tiles * outC);
  for (let xi = 0; xi < frequencies; xi++)
    for (let t = 0; t < tiles; t++)
      for (let k = 0; k < outC; k++) {
        let acc = 0;
        for (let c = 0; c < inC; c++) acc += v[(xi * tiles + t) * inC + c] * u[(xi * inC + c) * outC + k];
        m[(xi * tiles + t) * outC + k] = acc;
      }
  return m;
}

/** y NHWC from M, plus bias, optionally followed by ReLU. */
export function winogradOutputTransform(mm: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false, tile?: WinogradTile): Float32Array {
  const g = winogradGeometry(s, tile);
  const { n, m } = g.tile;
  const { AT } = winogradTransforms(g.tile);
  const y = new Float32Array(s.batch * g.outH * g.outW * s.outC);
  for (let b = 0; b < s.batch; b++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (b * g.tilesH + ty) * g.tilesW + tx;
        for (let k = 0; k < s.outC; k++) {
          const mt = range(n).map((r) => range(n).map((q) => mm[((r * n + q) * g.tiles + t) * s.outC + k]));
          const out = sandwich(AT, mt, AT);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < m; j++) {
              const oy = m * ty + i;
              const ox = m * tx + j;
              if (oy >= g.outH || ox >= g.outW) continue;
              const value = out[i][j] + (bias ? bias[k] : 0);
              y[((b * g.outH + oy) * g.outW + ox) * s.outC + k] = relu ? Math.max(value, 0) : value;
            }
        }
      }
  return y;
}

/** The whole Winograd forward on the CPU: the stages composed. */
export function winogradConv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false, tile?: WinogradTile): Float32Array {
  const g = winogradGeometry(s, tile);
  const u = winogradFilterTransform(w, s.inC, s.outC, g.tile);
  const v = winogradInputTransform(x, s, g.tile);
  return winogradOutputTransform(winogradProducts(v, u, g.tiles, s.inC, s.outC, g.frequencies), bias, s, relu, g.tile);
}

/**
 * w' HWIO [r, r, outC, inC] with w'[ky, kx, k, c] = w[r-1 - ky, r-1 - kx, c, k]: the filter of the convolution that
 * computes an r x r 'same' conv's input gradient (dx = conv(dy, w')), what FLIP_FILTER reads in place.
 */
export function flipFilterForInputGrad(w: Float32Array, inC: number, outC: number, r = 3): Float32Array {
  const out = new Float32Array(r * r * inC * outC);
  for (let ky = 0; ky < r; ky++)
    for (let kx = 0; kx < r; kx++)
      for (let c = 0; c < inC; c++)
        for (let k = 0; k < outC; k++) out[((ky * r + kx) * outC + k) * inC + c] = w[(((r - 1 - ky) * r + (r - 1 - kx)) * inC + c) * outC + k];
  return out;
}

/** Z [F][tiles][outC] from dy NHWC [batch, outH, outW, outC]. */
export function winogradOutputGradTransform(dy: Float32Array, s: Conv2dShape, tile?: WinogradTile): Float32Array {
  const g = winogradGeometry(s, tile);
  const { n, m } = g.tile;
  const { A } = winogradTransforms(g.tile);
  const z = new Float32Array(g.frequencies * g.tiles * s.outC);
  for (let b = 0; b < s.batch; b++)
    for (let ty = 0; ty < g.tilesH; ty++)
      for (let tx = 0; tx < g.tilesW; tx++) {
        const t = (b * g.tilesH + ty) * g.tilesW + tx;
        for (let k = 0; k < s.outC; k++) {
          const e = range(m).map((i) =>
            range(m).map((j) => {
              const oy = m * ty + i;
              const ox = m * tx + j;
              return oy >= g.outH || ox >= g.outW ? 0 : dy[((b * g.outH + oy) * g.outW + ox) * s.outC + k];
            }),
          );
          const f = sandwich(A, e, A);
          for (let xi = 0; xi < n * n; xi++) z[(xi * g.tiles + t) * s.outC + k] = f[Math.floor(xi / n)][xi % n];
        }
      }
  return z;
}

/** M' [F][inC][outC] = V^T . Z, per frequency (the sum over tiles). */
export function winogradWeightGradProducts(v: Float32Array, z: Float32Array, tiles: number, inC: number, outC: number, frequencies = 16): Float32Array {
  const m = new Float32Array(frequencies * inC * outC);
  for (let xi = 0; xi < frequencies; xi++)
    for (let c = 0; c < inC; c++)
      for (let k = 0; k < outC; k++) {
        let acc = 0;
        for (let t = 0; t < tiles; t++) acc += v[(xi * tiles + t) * inC + c] * z[(xi * tiles + t) * outC + k];
        m[(xi * inC + c) * outC + k] = acc;
      }
  return m;
}

/** dw HWIO [r, r, inC, outC] from M' [F][inC][outC]. */
export function winogradFilterGradTransform(mm: Float32Array, inC: number, outC: number, tile: WinogradTile = F2X2_3X3): Float32Array {
  const { GT } = winogradTransforms(tile);
  const { n, r } = tile;
  const dw = new Float32Array(r * r * inC * outC);
  for (let c = 0; c < inC; c++)
    for (let k = 0; k < outC; k++) {
      const mt = range(n).map((row) => range(n).map((q) => mm[((row * n + q) * inC + c) * outC + k]));
      const d = sandwich(GT, mt, GT);
      for (let ky = 0; ky < r; ky++) for (let kx = 0; kx < r; kx++) dw[((ky * r + kx) * inC + c) * outC + k] = d[ky][kx];
    }
  return dw;
}

/** The whole Winograd weight gradient on the CPU: the stages composed. */
export function winogradConv2dBackpropFilter(x: Float32Array, dy: Float32Array, s: Conv2dShape, tile?: WinogradTile): Float32Array {
  const g = winogradGeometry(s, tile);
  const v = winogradInputTransform(x, s, g.tile);
  const z = winogradOutputGradTransform(dy, s, g.tile);
  return winogradFilterGradTransform(winogradWeightGradProducts(v, z, g.tiles, s.inC, s.outC, g.frequencies), s.inC, s.outC, g.tile);
}
