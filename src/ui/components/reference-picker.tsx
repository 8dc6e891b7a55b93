/** "Open a pre-trained reference": one of the references the build ships (mnist-ref, fashion-ref), as a new version. */
import { For, Show, createSignal } from 'solid-js';
import { model } from '../stores/model-store.ts';
import { openReference } from '../actions.ts';

export function ReferencePicker() {
  const [choice, setChoice] = createSignal('');
  const chosen = () => (model.references.includes(choice()) ? choice() : model.references[0] ?? '');
  return (
    <Show when={model.references.length}>
      <span class="reference-picker">
        <select data-testid="reference-choice" value={chosen()} onChange={(e) => setChoice(e.currentTarget.value)} aria-label="pre-trained reference to open"
          title="pre-trained references shipped with the page">
          <For each={model.references}>{(name) => <option value={name}>{name}</option>}</For>
        </select>
        <button data-testid="open-reference" disabled={model.busy || !chosen()} onClick={() => void openReference(chosen())}>Open pre-trained</button>
      </span>
    </Show>
  );
}
