/**
 * Guided mode's actions: a step click takes the user to its panel (scrolled into view, its main control
 * focused), and a layer step's one click runs the method's loop for that layer: its maps (if this version has
 * none yet), its top suggestion applied, a retrain with the form's settings, and the comparison with the
 * version before the edit.
 */
import { analysis } from './stores/analysis-store.ts';
import { history } from './stores/history-store.ts';
import { training } from './stores/training-store.ts';
import { guide, setGuide } from './stores/guide-store.ts';
import { applyEdit, chooseLayer, compareWithParent, computeMaps, startTraining, suggestionEdit } from './actions.ts';
import type { GuideStep } from './guide-steps.ts';

/** Panel and control each kind of step leads to (data-testid values). */
const TARGETS: Record<string, [string, string]> = {
  train: ['training-panel', 'train'],
  layer: ['maps-panel', 'compute-maps'],
  export: ['model-panel', 'export-model'],
};

export async function goToStep(step: GuideStep): Promise<void> {
  if (step.layer !== null && analysis.layer !== step.layer) await chooseLayer(step.layer);
  const [panel, control] = TARGETS[step.layer !== null ? 'layer' : step.key];
  const element = document.querySelector<HTMLElement>(`[data-testid="${panel}"]`);
  element?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  element?.querySelector<HTMLElement>(`[data-testid="${control}"]`)?.focus({ preventScroll: true });
}

/** Apply, retrain, compare for `layer`; each stage's failure stops the loop and says where. */
export async function applyRetrainCompare(layer: string): Promise<void> {
  if (guide.running) return;
  setGuide({ running: layer, stage: '', error: '' });
  const fail = (message: string) => setGuide('error', message);
  try {
    if (analysis.layer !== layer) await chooseLayer(layer);
    if (!analysis.maps) {
      setGuide('stage', `computing the maps of ${layer}`);
      await computeMaps();
      if (!analysis.maps) return fail(`The maps of ${layer} could not be computed: ${analysis.error || 'no result'}`);
    }
    const top = analysis.maps.suggestions[0];
    if (!top) return fail(`No rule fired for ${layer}: its kernels look useful. Edit it by hand, or go on to the next layer.`);
    setGuide('stage', `applying: ${top.reason}`);
    await applyEdit(suggestionEdit(top), top);
    const applyError = analysis.applyError?.message ?? history.error;
    if (applyError) return fail(`The suggestion for ${layer} could not be applied: ${applyError}`);
    setGuide('stage', `retraining v${history.info.current} (${training.epochs} epoch(s), ${training.subset || 'all'} images)`);
    await startTraining();
    if (training.error) return fail(`Retraining failed: ${training.error}`);
    setGuide('stage', 'comparing with the version before the edit');
    await compareWithParent();
  } finally {
    setGuide({ running: null, stage: '' });
  }
}
