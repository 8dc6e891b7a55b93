/**
 * The text read-out of the maps grid (announced to screen readers): the value under the mouse, or, when the
 * grid is driven from the keyboard, the cell under the cursor (its map's spatial mean) and whether its kernel
 * is selected.
 */
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';

const HELP = 'Hover a map for its value; click (or Tab to the grid, arrow keys, Enter) to select a kernel; Ctrl + wheel zooms, drag or scroll to pan.';

export function MapReadout(props: { maps: LayerMaps; order: number[] }) {
  const text = () => {
    const m = props.maps;
    const kind = analysis.kind.toUpperCase();
    const h = analysis.hover;
    if (h) return `kernel ${h.kernel} · class ${m.classNames[h.classIndex]} · position (${h.x}, ${h.y}) · ${kind} = ${h.value.toFixed(3)}`;
    const c = analysis.cursor;
    if (!c) return HELP;
    const kernel = props.order[c.row];
    const hw = m.height * m.width;
    const values = (analysis.kind === 'csm' ? m.csm : m.aom).subarray((kernel * m.classes + c.col) * hw, (kernel * m.classes + c.col + 1) * hw);
    const mean = values.reduce((a, v) => a + v, 0) / hw;
    const selected = analysis.selected.includes(kernel) ? 'selected' : 'not selected';
    return `kernel ${kernel} · class ${m.classNames[c.col]} · mean ${kind} = ${Number.isNaN(mean) ? 'no images' : mean.toFixed(3)} · ${selected} (row ${c.row + 1} of ${m.kernels})`;
  };
  return <p class="readout" data-testid="hover-readout" aria-live="polite">{text()}</p>;
}
