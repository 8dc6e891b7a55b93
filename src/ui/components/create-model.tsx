/** "Create a model": a built-in architecture that takes the loaded images, as a new (untrained) version. */
import { For, Show, createSignal } from 'solid-js';
import { model } from '../stores/model-store.ts';
import { dataset } from '../stores/dataset-store.ts';
import { createModel } from '../actions.ts';

export function CreateModel() {
  const [choice, setChoice] = createSignal('');
  const chosen = () => (model.fitting.includes(choice()) ? choice() : model.fitting[0] ?? '');
  const shape = () => dataset.info?.summary.imageShape.join('×') ?? '';
  return (
    <span class="create-model">
      <Show when={model.fitting.length} fallback={<span class="hint" data-testid="create-model-none">No built-in architecture takes {shape() || 'these'} images.</span>}>
        <select data-testid="create-model-arch" value={chosen()} onChange={(e) => setChoice(e.currentTarget.value)} aria-label="architecture to create"
          title={`built-in architectures for ${shape()} images`}>
          <For each={model.fitting}>{(arch) => <option value={arch}>{arch}</option>}</For>
        </select>
        <button data-testid="create-model" disabled={model.busy || !chosen()} onClick={() => void createModel(chosen())}>Create model</button>
      </Show>
    </span>
  );
}
