/** Edits: drop the selected kernels, widen a layer, insert a layer; retrain; compare (the comparison shows under History). */
import { For, Show, createSignal } from 'solid-js';
import { analysis } from '../stores/analysis-store.ts';
import { model } from '../stores/model-store.ts';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { applyEdit, compareWithParent, startTraining } from '../actions.ts';

export function EditsPanel() {
  const [widenBy, setWidenBy] = createSignal(4);
  const [insertAfter, setInsertAfter] = createSignal('');
  const convs = () => model.info?.layers.filter((l) => l.kernels !== null).map((l) => l.name) ?? [];
  const busy = () => history.busy || training.running;
  return (
    <section class="panel" data-testid="edits-panel">
      <h2>Edits</h2>
      <div class="toolbar">
        <button data-testid="drop-selected" disabled={busy() || analysis.selected.length === 0 || !analysis.maps}
          onClick={() => void applyEdit({ kind: 'drop', layer: analysis.maps!.layer, kernels: [...analysis.selected] })}>
          Drop selected ({analysis.selected.length ? analysis.selected.map((k) => `k${k}`).join(', ') : 'click kernels in the maps'})
        </button>
      </div>
      <div class="toolbar">
        <button data-testid="widen-layer" disabled={busy() || !convs().includes(analysis.layer)} onClick={() => void applyEdit({ kind: 'widen', layer: analysis.layer, by: widenBy(), mode: 'net2net' })}>
          Widen {analysis.layer} by
        </button>
        <input type="number" min={1} value={widenBy()} data-testid="widen-by" aria-label="kernels to add" onChange={(e) => setWidenBy(Number(e.currentTarget.value))} class="small" />
        <span class="hint">(Net2WiderNet, same function)</span>
      </div>
      <div class="toolbar">
        <button data-testid="insert-layer" disabled={busy() || !(insertAfter() || analysis.layer)} onClick={() => void applyEdit({ kind: 'insert', after: insertAfter() || analysis.layer })}>Insert 3×3 conv after</button>
        <select data-testid="insert-after" value={insertAfter() || analysis.layer} onChange={(e) => setInsertAfter(e.currentTarget.value)}>
          <For each={convs()}>{(name) => <option value={name}>{name}</option>}</For>
        </select>
        <span class="hint">(identity init)</span>
      </div>
      <div class="toolbar">
        <button class="primary" data-testid="retrain" disabled={busy()} onClick={() => void startTraining().then(compareWithParent)}>
          Retrain ({training.epochs} epoch, {training.subset ? `${training.subset} images` : 'all images'})
        </button>
        <button data-testid="compare" disabled={busy()} onClick={() => void compareWithParent()}>Compare with parent</button>
      </div>
      <Show when={history.error}><p class="error" data-testid="edit-error">{history.error}</p></Show>
      <Show when={history.comparison}>{(c) => <p class="hint">Comparing v{c().a} → v{c().b}: see History.</p>}</Show>
    </section>
  );
}
