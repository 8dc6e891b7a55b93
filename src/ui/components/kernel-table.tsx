/**
 * The kernel statistics of the layer as a sortable table: click a column's header to sort by it (again to
 * reverse), click a row (or its kernel button) to select the kernel. The selection is the one the maps grid and
 * the ODM show, so a kernel picked here is boxed there too.
 */
import { For, createMemo, createSignal } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';
import { toggleKernel } from '../map-view.ts';
import { KERNEL_COLUMNS, cellText, sortKernels, type KernelColumn } from '../kernel-table-rows.ts';

export function KernelTable(props: { maps: LayerMaps }) {
  const [sort, setSort] = createSignal<{ key: KernelColumn; descending: boolean }>({ key: 'kernel', descending: false });
  const rows = createMemo(() => sortKernels(props.maps, sort().key, sort().descending));
  const sortBy = (key: KernelColumn) => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== 'kernel' && key !== 'distance' }));
  const ariaSort = (key: KernelColumn) => (sort().key !== key ? 'none' : sort().descending ? 'descending' : 'ascending');
  return (
    <div class="kernel-table" data-testid="kernel-table">
      <h3>Kernels of {props.maps.layer} <small>(click a header to sort, a row to select)</small></h3>
      <div class="kernel-table-scroll">
        <table>
          <thead>
            <tr>
              <For each={KERNEL_COLUMNS}>
                {(c) => (
                  <th aria-sort={ariaSort(c.key)} classList={{ num: c.numeric }}>
                    <button class="sort" data-testid={`sort-${c.key}`} onClick={() => sortBy(c.key)}>
                      {c.label}{sort().key === c.key ? (sort().descending ? ' ▼' : ' ▲') : ''}
                    </button>
                  </th>
                )}
              </For>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(s) => (
                <tr data-testid="kernel-row" data-kernel={s.kernel} aria-selected={analysis.selected.includes(s.kernel)}
                  classList={{ selected: analysis.selected.includes(s.kernel), detail: analysis.detail === s.kernel }} onClick={() => toggleKernel(s.kernel)}>
                  <For each={KERNEL_COLUMNS}>
                    {(c) => (
                      <td classList={{ num: c.numeric }}>
                        {c.key === 'kernel'
                          ? <button class="link" aria-pressed={analysis.selected.includes(s.kernel)} onClick={(e) => (e.stopPropagation(), toggleKernel(s.kernel))}>{cellText(s, c.key, props.maps.classNames)}</button>
                          : cellText(s, c.key, props.maps.classNames)}
                      </td>
                    )}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </div>
  );
}
