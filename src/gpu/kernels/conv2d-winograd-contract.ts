/**
 * What the Winograd F(2x2, 3x3) kernels (conv2d-winograd.ts, shaders/winograd.wgsl) and their CPU reference
 * (src/reference/winograd.ts) agree on: which convolutions it computes and how their output is cut into 2x2 tiles.
 * Part of the kernels' contracts (see pcg-hash.ts for the scheme).
 */
import { conv2dGeometry, type Conv2dShape } from './conv2d-contract.ts';
import type { WindowGeometry } from './window-geometry.ts';

export interface WinogradGeometry extends WindowGeometry {
  /** ceil(outH / 2) x ceil(outW / 2) tiles per image; the last row or column of tiles may be half outside. */
  tilesH: number;
  tilesW: number;
  /** batch * tilesH * tilesW: the rows of each of the 16 GEMMs. */
  tiles: number;
}

/** Why `s` is not a convolution the Winograd kernels compute (a 3x3 window at stride 1), or null if it is. */
export function winogradUnsupported(s: Conv2dShape): string | null {
  if (s.kH !== 3 || s.kW !== 3) return `a ${s.kH}x${s.kW} window (Winograd F(2x2, 3x3) takes 3x3 only)`;
  if (s.strideH !== 1 || s.strideW !== 1) return `stride ${s.strideH}x${s.strideW} (Winograd F(2x2, 3x3) takes stride 1 only)`;
  return null;
}

export function winogradGeometry(s: Conv2dShape): WinogradGeometry {
  const why = winogradUnsupported(s);
  if (why) throw new RangeError(`Winograd conv2d: ${why}`);
  const g = conv2dGeometry(s);
  const tilesH = Math.ceil(g.outH / 2);
  const tilesW = Math.ceil(g.outW / 2);
  return { ...g, tilesH, tilesW, tiles: s.batch * tilesH * tilesW };
}
