/** Suggestions of the last analysis: the rule, the reason with its numbers, and one click to apply. */
import { For, Show } from 'solid-js';
import { analysis } from '../stores/analysis-store.ts';
import { history } from '../stores/history-store.ts';
import { applyEdit, suggestionEdit } from '../actions.ts';
import type { SuggestionInfo } from '../../session/engine-api.ts';

function title(s: SuggestionInfo): string {
  if (s.kind === 'drop') return `Drop ${s.kernels.length} kernel(s) of ${s.layer}: ${s.kernels.join(', ')}`;
  if (s.kind === 'widen') return `Widen ${s.layer} by ${s.by}`;
  return `Insert a layer after ${s.after}`;
}

export function SuggestionsPanel() {
  const list = () => analysis.maps?.suggestions ?? [];
  return (
    <section class="panel" data-testid="suggestions-panel">
      <h2>Suggestions</h2>
      <Show when={analysis.maps} fallback={<p class="hint">Compute the maps of a layer to get suggestions.</p>}>
        <Show when={list().length} fallback={<p class="hint">No rule fired for {analysis.maps?.layer}: its kernels look useful.</p>}>
          <ul class="suggestions">
            <For each={list()}>
              {(s) => (
                <li data-testid="suggestion">
                  <strong>{title(s)}</strong> <span class="rule">[{s.rule}]</span>
                  <p>{s.reason}</p>
                  <Show when={s.caveat}><p class="warning" data-testid="suggestion-caveat">{s.caveat}</p></Show>
                  <button data-testid="apply-suggestion" disabled={history.busy} onClick={() => void applyEdit(suggestionEdit(s), s)}>Apply</button>
                  <Show when={analysis.applyError?.id === s.id}><p class="error" data-testid="apply-error">{analysis.applyError!.message}</p></Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
