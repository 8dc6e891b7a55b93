/** Grid units between cells of the maps grid (one unit = one map position); shared by the shader's wrapper and the page. */
export const GRID_GAP = 1;
