/**
 * The maps grid renderer (shaders/heatmap_grid.wgsl through HeatmapGrid.renderPixels, the read-back path the
 * page uses on software drivers) against its CPU reference, on awkward grids: odd kernel/class counts, maps
 * that are not square, a permuted row order, zoom in and out, pan that cuts cells at the canvas edge.
 * Zooms are powers of two and pans integers so that no pixel centre lands on a cell boundary, where the
 * float32 inverse transform and the float64 reference could floor differently. Tolerance: 1 per 8-bit channel,
 * the rounding WebGPU allows when a fragment's float colour is stored into an rgba8unorm texture.
 */
import { describe, expect, it } from 'vitest';
import { useGpu, randomArray } from '../helpers/gpu.ts';
import { BACKGROUND, HeatmapGrid } from '../../src/render/heatmap-grid.ts';
import { heatmapGridReference } from '../../src/reference/heatmap-grid.ts';
import type { MapKind } from '../../src/session/engine-api.ts';

describe('heatmap-grid render', () => {
  const gpu = useGpu();

  const cases: { name: string; K: number; C: number; H: number; W: number; kind: MapKind; zoom: number; panX: number; panY: number; cw: number; ch: number; order?: number[] }[] = [
    { name: 'AOM, 3x5 cells of 5x7, zoom 2', K: 3, C: 5, H: 5, W: 7, kind: 'aom', zoom: 2, panX: 3, panY: 1, cw: 90, ch: 41 },
    { name: 'CSM, permuted rows, zoom 4, cut at the edges', K: 4, C: 3, H: 6, W: 4, kind: 'csm', zoom: 4, panX: -9, panY: 5, cw: 57, ch: 77, order: [2, 0, 3, 1] },
    { name: 'AOM, one kernel, one class, zoom out 0.5', K: 1, C: 1, H: 9, W: 11, kind: 'aom', zoom: 0.5, panX: 0, panY: 0, cw: 13, ch: 7 },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const n = c.K * c.C * c.H * c.W;
      const aom = randomArray(n, 11, 0, 1);
      const csm = randomArray(n, 12, -1, 1);
      const grid = new HeatmapGrid(gpu(), null, 'readback');
      try {
        grid.setMaps({ kernels: c.K, classes: c.C, height: c.H, width: c.W, aom, csm });
        const order = c.order ?? [...Array(c.K).keys()];
        const view = { versionId: 0, layer: 't', kind: c.kind, order, zoom: c.zoom, panX: c.panX, panY: c.panY, width: c.cw, height: c.ch };
        const actual = await grid.renderPixels(view);
        const expected = heatmapGridReference({
          kernels: c.K, classes: c.C, height: c.H, width: c.W, values: c.kind === 'csm' ? csm : aom, kind: c.kind, order,
          zoom: c.zoom, panX: c.panX, panY: c.panY, canvasWidth: c.cw, canvasHeight: c.ch, background: BACKGROUND,
        });
        expect(actual.length).toBe(expected.length);
        let worst = 0;
        let at = -1;
        for (let i = 0; i < expected.length; i++) {
          const d = Math.abs(actual[i] - expected[i]);
          if (d > worst) [worst, at] = [d, i];
        }
        const pixel = at >> 2;
        expect(worst, `worst channel error at pixel (${pixel % c.cw}, ${Math.floor(pixel / c.cw)})`).toBeLessThanOrEqual(1);
      } finally {
        grid.destroy();
      }
    });
  }

  it('refuses a row order that does not list every kernel once', async () => {
    const grid = new HeatmapGrid(gpu(), null, 'readback');
    try {
      grid.setMaps({ kernels: 2, classes: 1, height: 2, width: 2, aom: new Float32Array(8), csm: new Float32Array(8) });
      await expect(grid.renderPixels({ versionId: 0, layer: 't', kind: 'aom', order: [1, 1], zoom: 1, panX: 0, panY: 0, width: 4, height: 4 })).rejects.toThrow(/each of the 2 kernels once/);
    } finally {
      grid.destroy();
    }
  });
});
