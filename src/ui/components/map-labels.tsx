/**
 * What the page draws over the maps frame, as DOM: class names above the columns and kernel numbers left of the
 * rows (only the rows in view), a box around each selected kernel's row, the hovered cell and the keyboard
 * cursor. Everything is placed from the current pan and zoom and the row order of the frame on screen (which
 * map-canvas moves to the current view), so labels and boxes sit on the rows the user sees.
 */
import { For, Show } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';
import { GRID_GAP } from '../../render/grid-geometry.ts';
import { MARGIN, cellPitch, visibleRows } from '../map-layout.ts';

const px = (v: number) => `${v}px`;

export function MapLabels(props: { maps: LayerMaps; order: number[]; width: number; height: number }) {
  const pitch = () => cellPitch(props.maps, analysis.zoom);
  const cellW = () => props.maps.width * analysis.zoom;
  const cellH = () => props.maps.height * analysis.zoom;
  const rows = () => {
    const [first, last] = visibleRows(props.maps, analysis.zoom, analysis.panY, props.height);
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  };
  const rowTop = (row: number) => analysis.panY + row * pitch().y;
  const colLeft = (col: number) => analysis.panX + col * pitch().x;
  const cellBox = (row: number, col: number) => ({ left: px(colLeft(col) - 1), top: px(rowTop(row) - 1), width: px(cellW() + 2), height: px(cellH() + 2) });
  const selectedRows = () => rows().filter((row) => analysis.selected.includes(props.order[row]));
  const hoverRow = () => (analysis.hover ? props.order.indexOf(analysis.hover.kernel) : -1);
  return (
    <div class="map-labels" style={{ width: px(props.width), height: px(props.height) }}>
      <For each={selectedRows()}>
        {(row) => (
          <div class="sel-box" data-testid="selection-box" data-kernel={props.order[row]}
            style={{ left: px(analysis.panX - 2), top: px(rowTop(row) - 2), width: px(props.maps.classes * pitch().x - GRID_GAP * analysis.zoom + 4), height: px(cellH() + 4) }} />
        )}
      </For>
      <Show when={analysis.hover && hoverRow() >= 0}>
        <div class="hover-box" data-testid="hover-box" style={cellBox(hoverRow(), analysis.hover!.classIndex)} />
      </Show>
      <Show when={analysis.cursor}>
        {(c) => <div class="cursor-box" data-testid="cursor-box" style={cellBox(c().row, c().col)} />}
      </Show>
      <div class="col-labels" style={{ height: px(MARGIN.top) }}>
        <For each={props.maps.classNames}>
          {(name, c) => (
            <span style={{ left: px(colLeft(c())), width: px(cellW()) }} title={name}>{name}</span>
          )}
        </For>
      </div>
      <div class="row-labels" style={{ width: px(MARGIN.left - 4) }}>
        <For each={rows()}>
          {(row) => (
            <span data-testid="row-label" data-kernel={props.order[row]} classList={{ selected: analysis.selected.includes(props.order[row]) }}
              style={{ top: px(rowTop(row)), height: px(cellH()) }}>
              k{props.order[row]}
            </span>
          )}
        </For>
      </div>
    </div>
  );
}
