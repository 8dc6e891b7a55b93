/**
 * What the Winograd kernels (conv2d-winograd.ts, shaders/winograd.wgsl) and their CPU reference
 * (src/reference/winograd.ts) agree on: which convolutions they compute, the minimal-filtering tiles F(m x m, r x r)
 * they compute them with, and how the output is cut into m x m tiles. Part of the kernels' contracts (see
 * pcg-hash.ts for the scheme).
 */
import { conv2dGeometry, type Conv2dShape } from './conv2d-contract.ts';
import type { WindowGeometry } from './window-geometry.ts';

/**
 * F(m x m, r x r): m x m outputs per tile from an n x n input patch, n = m + r - 1, through n * n products per
 * input and output channel pair (the GEMMs' stack) where the direct convolution does m * m * r * r.
 * n = 4 interpolates at the points 0, 1, -1 and infinity; n = 6 adds 2 and -2, n = 8 also 1/2 and -1/2: more
 * outputs or a wider window for each product, and larger transform factors (n = 4: 1 and 1/2; n = 6: up to 5, 8
 * and 1/24; n = 8: up to 21/4, 32 and 1/90), so more rounding.
 */
export interface WinogradTile {
  name: string;
  /** Outputs per tile along each axis. */
  m: number;
  /** The window: r x r. */
  r: number;
  /** The input patch (and transform domain): n x n, n = m + r - 1. */
  n: number;
}

export const F2X2_3X3: WinogradTile = { name: 'F(2x2, 3x3)', m: 2, r: 3, n: 4 };
export const F4X4_3X3: WinogradTile = { name: 'F(4x4, 3x3)', m: 4, r: 3, n: 6 };
export const F2X2_5X5: WinogradTile = { name: 'F(2x2, 5x5)', m: 2, r: 5, n: 6 };
export const F6X6_3X3: WinogradTile = { name: 'F(6x6, 3x3)', m: 6, r: 3, n: 8 };
export const F4X4_5X5: WinogradTile = { name: 'F(4x4, 5x5)', m: 4, r: 5, n: 8 };
export const WINOGRAD_TILES: readonly WinogradTile[] = [F2X2_3X3, F4X4_3X3, F2X2_5X5, F6X6_3X3, F4X4_5X5];

export interface WinogradGeometry extends WindowGeometry {
  tile: WinogradTile;
  /** n * n: the GEMMs stacked (one per frequency xi = n * row + column of the transform domain). */
  frequencies: number;
  /** ceil(outH / m) x ceil(outW / m) tiles per image; the last row or column of tiles may be partly outside. */
  tilesH: number;
  tilesW: number;
  /** batch * tilesH * tilesW: the rows of each of the products' GEMMs. */
  tiles: number;
}

/** Why `s` is not a convolution the Winograd kernels compute (a 3x3 or 5x5 window at stride 1), or null if it is. */
export function winogradUnsupported(s: Conv2dShape): string | null {
  if (s.kH !== s.kW || (s.kH !== 3 && s.kH !== 5)) return `a ${s.kH}x${s.kW} window (Winograd takes 3x3 and 5x5 only)`;
  if (s.strideH !== 1 || s.strideW !== 1) return `stride ${s.strideH}x${s.strideW} (Winograd takes stride 1 only)`;
  return null;
}

/** The tile used where none is asked for: F(2x2, 3x3) for a 3x3 window, F(2x2, 5x5) for a 5x5 one. */
export function defaultWinogradTile(s: Conv2dShape): WinogradTile {
  return s.kH === 5 ? F2X2_5X5 : F2X2_3X3;
}

export function winogradGeometry(s: Conv2dShape, tile: WinogradTile = defaultWinogradTile(s)): WinogradGeometry {
  const why = winogradUnsupported(s);
  if (why) throw new RangeError(`Winograd conv2d: ${why}`);
  if (tile.r !== s.kH) throw new RangeError(`Winograd conv2d: ${tile.name} computes ${tile.r}x${tile.r} windows, not ${s.kH}x${s.kW}`);
  const g = conv2dGeometry(s);
  const tilesH = Math.ceil(g.outH / tile.m);
  const tilesW = Math.ceil(g.outW / tile.m);
  return { ...g, tile, frequencies: tile.n * tile.n, tilesH, tilesW, tiles: s.batch * tilesH * tilesW };
}
