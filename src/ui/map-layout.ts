/**
 * Pure helpers of the maps panel: kernel orders for each sort key, the ODM seriation, the initial fit, and
 * the inverse of the grid transform for hover read-outs. The grid geometry is the shader's
 * (shaders/heatmap-grid.wgsl): cells of W x H grid units with GAP units between, canvas = pan + zoom * grid.
 */
import type { KernelSort, KernelStats, LayerMaps, MapKind } from '../session/engine-api.ts';
import { GRID_GAP } from '../render/grid-geometry.ts';

/** Kernel indices in display order for a sort key (ties keep index order). */
export function kernelOrder(stats: readonly KernelStats[], sort: KernelSort): number[] {
  const key: Record<KernelSort, (s: KernelStats) => number> = {
    index: (s) => s.kernel,
    occurrence: (s) => -s.occurrence, // most used first
    selectivity: (s) => -s.selectivity, // most selective first
    redundancy: (s) => s.distance ?? Number.POSITIVE_INFINITY, // closest to another kernel first
    ablation: (s) => -(s.ablationImpact ?? Number.NEGATIVE_INFINITY), // costliest to remove first
  };
  const f = key[sort];
  const value = (s: KernelStats) => (Number.isNaN(f(s)) ? Number.POSITIVE_INFINITY : f(s));
  return [...stats].sort((a, b) => value(a) - value(b) || a.kernel - b.kernel).map((s) => s.kernel);
}

/**
 * A seriation of the ODM: a greedy nearest-neighbour chain (start at kernel 0, repeatedly append the nearest
 * kernel not yet placed), so kernels with similar occurrence maps sit next to each other in the matrix.
 */
export function odmOrder(odm: Float32Array, kernels: number): number[] {
  const placed = new Array<boolean>(kernels).fill(false);
  const order = [0];
  placed[0] = true;
  while (order.length < kernels) {
    const last = order[order.length - 1];
    let best = -1;
    for (let k = 0; k < kernels; k++) if (!placed[k] && (best < 0 || odm[last * kernels + k] < odm[last * kernels + best])) best = k;
    placed[best] = true;
    order.push(best);
  }
  return order;
}

/** Margins (canvas pixels) left for the class names above and the kernel numbers left of the grid. */
export const MARGIN = { left: 34, top: 18 };

export function gridSize(maps: Pick<LayerMaps, 'kernels' | 'classes' | 'height' | 'width'>): { width: number; height: number } {
  return { width: maps.classes * (maps.width + GRID_GAP) - GRID_GAP, height: maps.kernels * (maps.height + GRID_GAP) - GRID_GAP };
}

/** The zoom that fits the grid's width into `canvasWidth` (at least 1: one screen pixel per map position). */
export function fitZoom(maps: LayerMaps, canvasWidth: number): number {
  return Math.max(1, (canvasWidth - MARGIN.left - 4) / gridSize(maps).width);
}

export interface HitResult {
  row: number;
  kernel: number;
  classIndex: number;
  x: number;
  y: number;
  value: number;
}

/** The cell and map position under canvas point (px, py), or null over the background. */
export function hitTest(maps: LayerMaps, kind: MapKind, order: readonly number[], view: { zoom: number; panX: number; panY: number }, px: number, py: number): HitResult | null {
  const gx = (px - view.panX) / view.zoom;
  const gy = (py - view.panY) / view.zoom;
  if (gx < 0 || gy < 0) return null;
  const col = Math.floor(gx / (maps.width + GRID_GAP));
  const row = Math.floor(gy / (maps.height + GRID_GAP));
  if (col >= maps.classes || row >= maps.kernels) return null;
  const x = Math.floor(gx - col * (maps.width + GRID_GAP));
  const y = Math.floor(gy - row * (maps.height + GRID_GAP));
  if (x >= maps.width || y >= maps.height) return null;
  const kernel = order[row];
  const values = kind === 'csm' ? maps.csm : maps.aom;
  return { row, kernel, classIndex: col, x, y, value: values[((kernel * maps.classes + col) * maps.height + y) * maps.width + x] };
}
