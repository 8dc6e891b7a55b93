/**
 * Suggestions of the last analysis: the drop rules' thresholds (moving one makes the list again at once, from
 * the statistics already counted), then each suggestion's rule, the reason with its numbers, and one click to apply.
 */
import { For, Show } from 'solid-js';
import { analysis } from '../stores/analysis-store.ts';
import { history } from '../stores/history-store.ts';
import { applyEdit, suggestionEdit } from '../actions.ts';
import { changeThreshold, shownThreshold, type ThresholdField } from '../threshold-actions.ts';
import type { SuggestionInfo } from '../../session/engine-api.ts';

function title(s: SuggestionInfo): string {
  if (s.kind === 'drop') return `Drop ${s.kernels.length} kernel(s) of ${s.layer}: ${s.kernels.join(', ')}`;
  if (s.kind === 'widen') return `Widen ${s.layer} by ${s.by}`;
  return `Insert a layer after ${s.after}`;
}

/** One threshold field; `scale` shows the stored fraction in the unit the label names (points: x100). */
function ThresholdField(props: { field: ThresholdField; label: string; title: string; scale: number; step: number }) {
  const shown = () => shownThreshold(props.field, props.scale);
  return (
    <label class="field inline" title={props.title}>
      {props.label}
      <input type="number" min={0} step={props.step} value={shown()} data-testid={`threshold-${props.field}`}
        onChange={(e) => {
          const input = e.currentTarget;
          // An empty field reads as NaN (Number('') would be 0), so clearing it is refused, not taken as zero.
          const typed = input.value.trim() === '' ? NaN : Number(input.value);
          void changeThreshold(props.field, props.label, typed, props.scale).then((kept) => { if (!kept) input.value = String(shown()); });
        }} />
    </label>
  );
}

export function SuggestionsPanel() {
  const list = () => analysis.maps?.suggestions ?? [];
  return (
    <section class="panel" data-testid="suggestions-panel">
      <h2>Suggestions</h2>
      <div class="toolbar thresholds" data-testid="thresholds">
        <ThresholdField field="minImpact" label="low impact below (points)" scale={100} step={0.1}
          title="low-impact rule: drop a kernel whose zeroing costs less than this much accuracy over the analysis set (needs ablation)" />
        <ThresholdField field="delta" label="redundant: ODM below" scale={1} step={0.005}
          title="redundant rule: two kernels whose Occurrence Difference Map averages below this are one kernel twice" />
        <ThresholdField field="eps" label="dead / saturated margin" scale={1} step={0.005}
          title="dead rule: occurrence below this for every class; saturated: above 1 minus this (and not selective)" />
      </div>
      <Show when={analysis.thresholdError}><p class="error" data-testid="threshold-error">{analysis.thresholdError}</p></Show>
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
