/**
 * Guided mode: the method of Garcia et al. as steps built from the model's own conv layers: a trained model,
 * then each conv layer in order (maps, edit, retrain, compare), then export. Every step is a button that takes
 * you to its panel; a layer step has one "apply, retrain, compare" action. The active step follows the history.
 */
import { For, Show, createMemo } from 'solid-js';
import { session, setSession } from '../stores/session-store.ts';
import { model } from '../stores/model-store.ts';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { guide } from '../stores/guide-store.ts';
import { guideSteps } from '../guide-steps.ts';
import { applyRetrainCompare, goToStep } from '../guide-actions.ts';

export function GuidedMode() {
  const steps = createMemo(() => guideSteps(model.info, history.info.versions, history.info.current));
  const blocked = () => guide.running !== null || training.running || history.busy || !!model.info?.fitProblem;
  return (
    <Show when={session.guideOpen}>
      <nav class="guide" data-testid="guide" aria-label="guided mode">
        <ol class="guide-steps">
          <For each={steps()}>
            {(step, i) => (
              <li class="guide-step" classList={{ active: step.status === 'active', done: step.status === 'done' }} data-testid={`guide-step-${step.key}`} data-status={step.status}>
                <button class="guide-go" data-testid={`guide-go-${step.key}`} title={step.text} onClick={() => void goToStep(step)}>
                  <span class="guide-number">{step.status === 'done' ? '✓' : i() + 1}</span>
                  <strong>{step.title}</strong>
                </button>
                <Show when={step.status === 'active'}><small>{step.text}</small></Show>
                <Show when={step.layer}>
                  {(layer) => (
                    <button class="guide-run" data-testid={`guide-run-${layer()}`} disabled={blocked()} onClick={() => void applyRetrainCompare(layer())}
                      title={`compute the maps of ${layer()} if needed, apply its top suggestion, retrain with the Training form's settings, compare with the parent`}>
                      {guide.running === layer() ? 'running…' : 'apply, retrain, compare'}
                    </button>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ol>
        <button class="link" aria-label="hide the guide" onClick={() => setSession('guideOpen', false)}>×</button>
        <Show when={guide.running}><p class="guide-stage" data-testid="guide-stage">{guide.running}: {guide.stage}…</p></Show>
        <Show when={guide.error}><p class="error guide-error" data-testid="guide-error">{guide.error}</p></Show>
      </nav>
    </Show>
  );
}
