/**
 * Pure helpers of the maps panel: kernel orders for each sort key, the ODM seriation, the initial fit, and
 * the inverse of the grid transform for hover read-outs. The grid geometry is the shader's
 * (shaders/heatmap_grid.wgsl): cells of W x H grid units with GAP units between, canvas = pan + zoom * grid.
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

/** Canvas pixels from one cell's top-left corner to the next, across (classes) and down (rows). */
export function cellPitch(maps: Pick<LayerMaps, 'height' | 'width'>, zoom: number): { x: number; y: number } {
  return { x: (maps.width + GRID_GAP) * zoom, y: (maps.height + GRID_GAP) * zoom };
}

/**
 * The scrollable size of the grid at `zoom`: margins, the zoomed grid, and 4 pixels of air at the far edges (the
 * 4 that fitZoom leaves, so a fitted grid is exactly as wide as its box and never scrolls sideways).
 */
export function contentSize(maps: LayerMaps, zoom: number): { width: number; height: number } {
  const grid = gridSize(maps);
  return { width: Math.floor(MARGIN.left + grid.width * zoom + 4), height: Math.ceil(MARGIN.top + grid.height * zoom + 4) };
}

/**
 * The display rows [first, last] that show in a viewport `height` pixels tall at pan `panY` (row r spans
 * panY + r * pitch .. + H * zoom); only these get labels, and only they cost anything to draw.
 */
export function visibleRows(maps: LayerMaps, zoom: number, panY: number, height: number): [number, number] {
  const pitch = cellPitch(maps, zoom).y;
  const first = Math.max(0, Math.floor((MARGIN.top - panY) / pitch));
  const last = Math.min(maps.kernels - 1, Math.floor((height - panY) / pitch));
  return [first, last];
}

/**
 * The CSS transform that puts a frame drawn for view `frame` where view `now` would draw it. A grid point g is
 * at pixel framePan + frameZoom * g in the frame and at pan + zoom * g now, so with s = zoom / frameZoom:
 * p_now = s * p_frame + (pan - s * framePan), i.e. translate(pan - s * framePan) scale(s), origin top left.
 * The page shows the old frame moved this way until the new one arrives, so it never disagrees with the labels.
 */
export function frameTransform(frame: { zoom: number; panX: number; panY: number }, now: { zoom: number; panX: number; panY: number }): string {
  const s = now.zoom / frame.zoom;
  return `translate(${now.panX - s * frame.panX}px, ${now.panY - s * frame.panY}px) scale(${s})`;
}

/** Spatial mean of every (kernel, class) map, [kernel][class] (NaN for a class without images). */
export function cellMeans(values: Float32Array, maps: Pick<LayerMaps, 'kernels' | 'classes' | 'height' | 'width'>): Float32Array {
  const hw = maps.height * maps.width;
  const out = new Float32Array(maps.kernels * maps.classes);
  for (let cell = 0; cell < out.length; cell++) {
    let sum = 0;
    for (let p = 0; p < hw; p++) sum += values[cell * hw + p];
    out[cell] = sum / hw;
  }
  return out;
}

/** A keyboard cursor over a rows x cols grid: arrows move one step, Home/End go to the row's ends; null for other keys. */
export function moveCursor(cursor: { row: number; col: number }, key: string, rows: number, cols: number): { row: number; col: number } | null {
  const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const step: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageUp: [-5, 0], PageDown: [5, 0] };
  if (key === 'Home') return { row: cursor.row, col: 0 };
  if (key === 'End') return { row: cursor.row, col: cols - 1 };
  const d = step[key];
  return d ? { row: clamp(cursor.row + d[0], rows), col: clamp(cursor.col + d[1], cols) } : null;
}
