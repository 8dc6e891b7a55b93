/**
 * Guided mode: the method of Garcia et al. as steps — start from a trained model, analyse layer 1, edit what
 * the maps show, retrain, compare, then the next layer. The current step follows what the session has done.
 */
import { For, Show, createMemo } from 'solid-js';
import { session, setSession } from '../stores/session-store.ts';
import { model } from '../stores/model-store.ts';
import { analysis } from '../stores/analysis-store.ts';
import { history } from '../stores/history-store.ts';

const STEPS = [
  ['Start from a trained model', 'The page opens on MNIST with mnist-ref. If its weights are random, train it first (Training).'],
  ['Analyse the first conv layer', 'Choose conv1 in Maps and press “Compute maps”: AOM, CSM, ODM, ablation.'],
  ['Read the maps and edit', 'Dead, saturated or redundant kernels: select their rows and drop them, or apply a suggestion. Widen a layer whose kernels are all busy and selective.'],
  ['Retrain and compare', 'Retrain after every edit (Edits → Retrain), then read the before/after table. Undo if accuracy fell.'],
  ['Next layer', 'Move to the next conv layer and repeat; deepen (insert a layer) when the last layer shows little selectivity.'],
] as const;

export function GuidedMode() {
  const step = createMemo(() => {
    const versions = history.info.versions;
    const current = versions.find((v) => v.id === history.info.current);
    if (model.info?.untrained) return 0;
    if (!analysis.maps) return current?.edit ? 3 : 1;
    if (current?.edit) return 3;
    return versions.some((v) => v.edit) && analysis.layer !== 'conv1' ? 4 : 2;
  });
  return (
    <Show when={session.guideOpen}>
      <nav class="guide" data-testid="guide">
        <For each={STEPS}>
          {([title, text], i) => (
            <div class="guide-step" classList={{ active: i() === step(), done: i() < step() }} title={text}>
              <span class="guide-number">{i() + 1}</span>
              <span>
                <strong>{title}</strong>
                <Show when={i() === step()}><small>{text}</small></Show>
              </span>
            </div>
          )}
        </For>
        <button class="link" onClick={() => setSession('guideOpen', false)}>×</button>
      </nav>
    </Show>
  );
}
