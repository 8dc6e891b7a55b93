/**
 * Grid units between cells of the maps grid (one unit = one map position); shared by the renderer
 * (heatmap-grid.ts), its CPU reference (src/reference/heatmap-grid.ts) and the page's layout (src/ui/map-layout.ts).
 */
export const GRID_GAP = 1;
