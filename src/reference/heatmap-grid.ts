/**
 * CPU reference of shaders/heatmap_grid.wgsl: the colour of every canvas pixel of the maps grid, with plain
 * loops in float64. Pixel (px, py) is sampled at its centre (px + 0.5, py + 0.5), mapped to grid units by the
 * inverse view (g = (p - pan) / zoom), then
 *   col = floor(g.x / (W + GAP)), row = floor(g.y / (H + GAP)), x = floor(g.x - col*(W+GAP)), y likewise;
 *   outside the grid or in a gap -> background; else v = values[((order[row]*C + col)*H + y)*W + x],
 *   t = v (AOM) or (v + 1)/2 (CSM), colour = table[round(clamp(t, 0, 1) * 255)], each channel round(c * 255).
 */
import { colourTable } from '../render/colormap.ts';
import { GRID_GAP } from '../render/grid-geometry.ts';
import type { MapKind } from '../session/engine-api.ts';

export interface GridReferenceInput {
  kernels: number;
  classes: number;
  height: number;
  width: number;
  values: Float32Array;
  kind: MapKind;
  order: readonly number[];
  zoom: number;
  panX: number;
  panY: number;
  canvasWidth: number;
  canvasHeight: number;
  background: readonly number[];
}

export function heatmapGridReference(input: GridReferenceInput): Uint8ClampedArray {
  const { kernels: K, classes: C, height: H, width: W, values, order, zoom } = input;
  const table = colourTable(input.kind);
  const out = new Uint8ClampedArray(input.canvasWidth * input.canvasHeight * 4);
  const pitchX = W + GRID_GAP;
  const pitchY = H + GRID_GAP;
  for (let py = 0; py < input.canvasHeight; py++) {
    for (let px = 0; px < input.canvasWidth; px++) {
      const gx = (px + 0.5 - input.panX) / zoom;
      const gy = (py + 0.5 - input.panY) / zoom;
      let rgba = input.background.map((c) => c);
      if (gx >= 0 && gy >= 0) {
        const col = Math.floor(gx / pitchX);
        const row = Math.floor(gy / pitchY);
        const lx = gx - col * pitchX;
        const ly = gy - row * pitchY;
        if (col < C && row < K && lx < W && ly < H) {
          const v = values[((order[row] * C + col) * H + Math.floor(ly)) * W + Math.floor(lx)];
          const t = input.kind === 'csm' ? 0.5 * (v + 1) : v;
          const i = Math.round(Math.min(1, Math.max(0, t)) * 255) * 4;
          rgba = [table[i], table[i + 1], table[i + 2], table[i + 3]];
        }
      }
      const o = (py * input.canvasWidth + px) * 4;
      for (let c = 0; c < 4; c++) out[o + c] = Math.round(rgba[c] * 255);
    }
  }
  return out;
}
