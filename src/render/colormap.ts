/**
 * Colour tables for the maps: 256 RGBA entries in [0, 1], shared by the WebGPU grid shader (uploaded as a
 * storage buffer) and the page's legend and detail views, so the legend is exactly what the grid shows.
 *   AOM (in [0, 1]): viridis (perceptually uniform, readable in grey and by colour-blind readers).
 *   CSM (in [-1, 1]): a blue-white-red diverging table, white at 0 (no selectivity).
 * Tables are piecewise linear between published stops (viridis: matplotlib's at ninths; diverging: ColorBrewer
 * RdBu reversed).
 */
import type { MapKind } from '../session/engine-api.ts';

const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];
const DIVERGING = ['#2166ac', '#67a9cf', '#d1e5f0', '#f7f7f7', '#fddbc7', '#ef8a62', '#b2182b'];

const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255) as [number, number, number];

function table(stops: readonly string[]): Float32Array {
  const rgb = stops.map(hex);
  const out = new Float32Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (rgb.length - 1);
    const k = Math.min(rgb.length - 2, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = rgb[k][c] * (1 - f) + rgb[k + 1][c] * f;
    out[i * 4 + 3] = 1;
  }
  return out;
}

const TABLES: Record<MapKind, Float32Array> = { aom: table(VIRIDIS), csm: table(DIVERGING) };

/** The 256 x RGBA table of a map kind (floats in [0, 1]). */
export const colourTable = (kind: MapKind): Float32Array => TABLES[kind];

/** Table index of a value: AOM maps [0, 1], CSM maps [-1, 1] onto 0..255 (as the shader does). */
export function tableIndex(kind: MapKind, value: number): number {
  const t = kind === 'csm' ? 0.5 * (value + 1) : value;
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/** CSS colour of a value. */
export function cssColour(kind: MapKind, value: number): string {
  const i = tableIndex(kind, value) * 4;
  const t = TABLES[kind];
  return `rgb(${Math.round(t[i] * 255)}, ${Math.round(t[i + 1] * 255)}, ${Math.round(t[i + 2] * 255)})`;
}

/** Paints a W x H map (values in row-major order) into RGBA pixels with the kind's table. */
export function paintMap(kind: MapKind, values: ArrayLike<number>, out: Uint8ClampedArray): void {
  const t = TABLES[kind];
  for (let p = 0; p < values.length; p++) {
    const i = tableIndex(kind, values[p]) * 4;
    out[p * 4] = t[i] * 255;
    out[p * 4 + 1] = t[i + 1] * 255;
    out[p * 4 + 2] = t[i + 2] * 255;
    out[p * 4 + 3] = 255;
  }
}
