/**
 * The maps grid from the keyboard: arrow keys (Page Up/Down, Home/End) move a cursor over the cells and scroll
 * just enough to keep its cell in view; Enter or Space toggles the selection of the kernel in the cursor's row.
 */
import type { LayerMaps } from '../session/engine-api.ts';
import { analysis, setAnalysis } from './stores/analysis-store.ts';
import { MARGIN, cellPitch, moveCursor } from './map-layout.ts';
import { toggleKernel } from './map-view.ts';

export function onGridKey(e: KeyboardEvent, maps: LayerMaps, order: readonly number[], scroller: HTMLElement): void {
  const cursor = analysis.cursor ?? { row: 0, col: 0 };
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    toggleKernel(order[cursor.row]);
    setAnalysis('cursor', cursor);
    return;
  }
  const next = moveCursor(cursor, e.key, maps.kernels, maps.classes);
  if (!next) return;
  e.preventDefault();
  setAnalysis({ cursor: next, hover: null });
  // In content coordinates a cell starts at margin + index * pitch; the margin strips cover the top and left.
  const pitch = cellPitch(maps, analysis.zoom);
  const top = next.row * pitch.y;
  const left = next.col * pitch.x;
  if (top < scroller.scrollTop) scroller.scrollTop = top;
  else if (top + pitch.y + MARGIN.top > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + pitch.y + MARGIN.top - scroller.clientHeight;
  if (left < scroller.scrollLeft) scroller.scrollLeft = left;
  else if (left + pitch.x + MARGIN.left > scroller.scrollLeft + scroller.clientWidth) scroller.scrollLeft = left + pitch.x + MARGIN.left - scroller.clientWidth;
}
