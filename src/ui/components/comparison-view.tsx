/** Before/after of two versions: parameters, FLOPs, accuracy and loss, the layers that changed, and the maps of the same kernels. */
import { For, Show } from 'solid-js';
import type { VersionComparisonInfo } from '../../session/engine-api.ts';
import { history } from '../stores/history-store.ts';
import { fmtFlops, fmtInt } from './model-panel.tsx';
import { KernelStrips } from './kernel-strips.tsx';

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);
const signed = (v: number, f: (x: number) => string) => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${f(Math.abs(v))}`;

export function ComparisonView(props: { comparison: VersionComparisonInfo }) {
  const c = () => props.comparison;
  const row = (id: number) => history.info.versions.find((v) => v.id === id);
  /** "on 500 images" per side, with "inherited from vN" when an edit that keeps the function carried the figures. */
  const basis = (id: number) => {
    const v = row(id);
    if (!v || v.testCount === null) return 'not evaluated yet';
    return `${v.testCount.toLocaleString('en')} test images${v.inheritedFrom !== null ? `, inherited from v${v.inheritedFrom}` : ''}`;
  };
  const acc = () => c().metrics.accuracy;
  const loss = () => c().metrics.loss;
  return (
    <div class="comparison" data-testid="comparison">
      <h3>v{c().a} → v{c().b}</h3>
      <p class="hint" data-testid="comparison-labels">{row(c().a)?.label ?? `v${c().a}`} → {row(c().b)?.label ?? `v${c().b}`}</p>
      <table>
        <thead><tr><th /><th class="num">v{c().a}</th><th class="num">v{c().b}</th><th class="num">change</th></tr></thead>
        <tbody>
          <tr><td>parameters</td><td class="num">{fmtInt(c().params.a)}</td><td class="num">{fmtInt(c().params.b)}</td><td class="num">{signed(c().params.delta, fmtInt)}</td></tr>
          <tr><td>FLOPs</td><td class="num">{fmtFlops(c().flops.a)}</td><td class="num">{fmtFlops(c().flops.b)}</td><td class="num">{signed(c().flops.delta, fmtFlops)}</td></tr>
          <tr><td>test accuracy</td><td class="num">{pct(acc()?.a)}</td><td class="num">{pct(acc()?.b)}</td><td class="num">{acc()?.delta === undefined ? '—' : `${signed(acc()!.delta! * 100, (x) => x.toFixed(2))} pts`}</td></tr>
          <tr><td>test loss</td><td class="num">{loss()?.a?.toFixed(4) ?? '—'}</td><td class="num">{loss()?.b?.toFixed(4) ?? '—'}</td><td class="num">{loss()?.delta === undefined ? '—' : signed(loss()!.delta!, (x) => x.toFixed(4))}</td></tr>
        </tbody>
      </table>
      <p class="hint" data-testid="comparison-basis">v{c().a}: {basis(c().a)} · v{c().b}: {basis(c().b)}</p>
      <Show when={!c().sameTestImages && acc()?.a !== undefined && acc()?.b !== undefined}>
        <p class="warning" data-testid="comparison-different-images">
          The two accuracies were measured on different test images, so their difference is not only the edit's.
        </p>
      </Show>
      <ul class="changes">
        <For each={c().layers.filter((l) => l.status !== 'same' || l.weightsDiffer)}>
          {(l) => <li><strong>{l.name}</strong> {l.status === 'same' ? 'retrained (weights differ)' : `${l.status}${l.changes.length ? `: ${l.changes.join('; ')}` : ''}`}</li>}
        </For>
      </ul>
      <KernelStrips comparison={c()} />
      <Show when={c().edits.length}>
        <p class="hint">edits: {c().edits.map((e) => `${e.direction === 'undone' ? 'undo ' : ''}v${e.version}${e.edit ? ` (${e.edit.kind} ${'layer' in e.edit ? e.edit.layer : e.edit.after})` : ' (retrain)'}`).join(', ')}</p>
      </Show>
    </div>
  );
}
