/**
 * The history as a tree (parent -> child; a version edited twice shows both branches): one row per version with
 * its label ("v3 drop conv1 k2"), kernels, parameters, FLOPs and accuracy; the current version marked; a tick
 * picks versions to compare (any two); "check out" makes a version current, so the next edit branches from it.
 */
import { For, Show, createMemo } from 'solid-js';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { checkout } from '../actions.ts';
import { togglePick } from '../version-actions.ts';
import { treeRows } from '../history-tree.ts';
import { fmtFlops, fmtInt } from '../format.ts';

export function VersionTree() {
  const byId = createMemo(() => new Map(history.info.versions.map((v) => [v.id, v])));
  const rows = createMemo(() => treeRows(history.info.versions));
  const busy = () => history.busy || training.running;
  return (
    <table class="history version-tree" data-testid="history-table">
      <thead>
        <tr><th title="tick two versions to compare them">cmp</th><th>v</th><th>version</th><th class="num">conv kernels</th><th class="num">params</th><th class="num">FLOPs</th><th class="num">accuracy</th><th /></tr>
      </thead>
      <tbody>
        <For each={rows()}>
          {(row) => {
            const v = () => byId().get(row.id)!;
            const current = () => row.id === history.info.current;
            return (
              <tr classList={{ current: current(), picked: history.picked.includes(row.id) }} data-testid="history-row" data-version={row.id}>
                <td>
                  <input type="checkbox" data-testid={`pick-v${row.id}`} checked={history.picked.includes(row.id)} onChange={() => void togglePick(row.id)}
                    aria-label={`compare ${v().label}`} />
                </td>
                <td>{row.id}</td>
                <td class="tree-cell" title={`${v().note}${v().suggestion ? ` — suggested by rule ${v().suggestion}` : ''}`}>
                  <span class="tree-prefix" aria-hidden="true">{row.prefix}</span>
                  <span class="version-label" data-testid="version-label">{v().label}</span>
                  <Show when={v().suggestion}><span class="rule"> [{v().suggestion}]</span></Show>
                  <Show when={v().curves}><span class="tag" title="this version keeps its training curves"> ∿</span></Show>
                </td>
                <td class="num">{v().convKernels}</td>
                <td class="num">{fmtInt(v().params)}</td>
                <td class="num">{fmtFlops(v().flops)}</td>
                <td class="num">{v().accuracy === null ? '—' : `${(v().accuracy! * 100).toFixed(2)}%`}</td>
                <td>
                  <Show when={!current()} fallback={<span class="tag current-tag" data-testid="current-version">● current</span>}>
                    <button class="link" data-testid={`checkout-v${row.id}`} disabled={busy()} onClick={() => void checkout(row.id)}>check out</button>
                  </Show>
                </td>
              </tr>
            );
          }}
        </For>
      </tbody>
    </table>
  );
}
