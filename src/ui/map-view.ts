/**
 * What the maps views do to the shared analysis state: fit the grid to the canvas, zoom about a point, and the
 * one kernel selection that the grid, the ODM and the statistics table all read and change.
 */
import { analysis, setAnalysis } from './stores/analysis-store.ts';
import type { LayerMaps } from '../session/engine-api.ts';
import { MARGIN, fitZoom } from './map-layout.ts';

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 40;

/** The grid's width fitted to the canvas, scrolled to the top left. */
export function fitGrid(maps: LayerMaps, canvasWidth: number): void {
  setAnalysis({ zoom: fitZoom(maps, canvasWidth), panX: MARGIN.left, panY: MARGIN.top, fitted: true });
}

/** Fits again after the canvas's width changed, keeping the row at the top of the view at the top. */
export function refit(maps: LayerMaps, canvasWidth: number): void {
  const zoom = fitZoom(maps, canvasWidth);
  const panY = MARGIN.top - ((MARGIN.top - analysis.panY) * zoom) / analysis.zoom;
  setAnalysis({ zoom, panX: MARGIN.left, panY, fitted: true });
}

/** Zooms by `factor` keeping the grid point under canvas point (px, py) fixed: pan' = p - (p - pan) * zoom' / zoom. */
export function zoomAt(factor: number, px: number, py: number): void {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, analysis.zoom * factor));
  const k = zoom / analysis.zoom;
  setAnalysis({ zoom, panX: px - (px - analysis.panX) * k, panY: py - (py - analysis.panY) * k, fitted: false });
}

/** Adds the kernel to the selection, or takes it out; either way it becomes the kernel shown in detail. */
export function toggleKernel(kernel: number): void {
  const selected = analysis.selected.includes(kernel) ? analysis.selected.filter((k) => k !== kernel) : [...analysis.selected, kernel].sort((a, b) => a - b);
  setAnalysis({ selected, detail: kernel });
}

/** Selects exactly this pair of kernels (an ODM cell: two kernels with similar maps), showing the first. */
export function selectPair(a: number, b: number): void {
  setAnalysis({ selected: [...new Set([a, b])].sort((x, y) => x - y), detail: a });
}
