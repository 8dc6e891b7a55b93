/** History: every version as a table (parent, edit, parameters, FLOPs, accuracy), undo/redo, check out, compare. */
import { For, Show, createSignal } from 'solid-js';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { checkout, compare, redo, undo } from '../actions.ts';
import { fmtFlops, fmtInt } from './model-panel.tsx';
import { HistoryChart } from './history-chart.tsx';

export function HistoryPanel() {
  const [compareTo, setCompareTo] = createSignal<number | null>(null);
  const busy = () => history.busy || training.running;
  return (
    <section class="panel" data-testid="history-panel">
      <h2>History</h2>
      <div class="toolbar">
        <button data-testid="undo" disabled={busy() || !history.info.canUndo} onClick={() => void undo()}>Undo</button>
        <button data-testid="redo" disabled={busy() || !history.info.canRedo} onClick={() => void redo()}>Redo</button>
        <span class="hint">Check out any version to branch from it; tick one to compare with the current.</span>
      </div>
      <div class="row">
        <table class="history" data-testid="history-table">
          <thead>
            <tr><th /><th>v</th><th>from</th><th>what</th><th class="num">conv kernels</th><th class="num">params</th><th class="num">FLOPs</th><th class="num">accuracy</th><th /></tr>
          </thead>
          <tbody>
            <For each={history.info.versions}>
              {(v) => (
                <tr classList={{ current: v.id === history.info.current }} data-testid="history-row">
                  <td><input type="radio" name="compare-to" checked={compareTo() === v.id} onChange={() => (setCompareTo(v.id), void compare(v.id, history.info.current))} title="compare with the current version" /></td>
                  <td>{v.id}</td>
                  <td>{v.parent ?? '—'}</td>
                  <td title={v.suggestion ? `suggested by rule ${v.suggestion}` : ''}>{v.edit ?? v.note}{v.suggestion ? ` [${v.suggestion}]` : ''}</td>
                  <td class="num">{v.convKernels}</td>
                  <td class="num">{fmtInt(v.params)}</td>
                  <td class="num">{fmtFlops(v.flops)}</td>
                  <td class="num">{v.accuracy === null ? '—' : `${(v.accuracy * 100).toFixed(2)}%`}</td>
                  <td>
                    <Show when={v.id !== history.info.current} fallback={<span class="tag">current</span>}>
                      <button class="link" disabled={busy()} onClick={() => void checkout(v.id)}>check out</button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <HistoryChart />
      </div>
      <Show when={history.error}><p class="error">{history.error}</p></Show>
    </section>
  );
}
