/**
 * The steps of guided mode, from the model's own conv layers (not from a layer's name): first a trained model,
 * then one step per conv layer in model order (analyse, edit, retrain, compare), then export. A conv step is
 * done when the current version's path holds an edit of that layer; the active step is the first not done.
 */
import type { ModelInfo, VersionRow } from '../session/engine-api.ts';

export interface GuideStep {
  key: string;
  title: string;
  text: string;
  /** The conv layer of a layer step, else null. */
  layer: string | null;
  status: 'done' | 'active' | 'todo';
}

export function guideSteps(info: ModelInfo | null, versions: readonly VersionRow[], current: number): GuideStep[] {
  const byId = new Map(versions.map((v) => [v.id, v]));
  const editedOnPath = new Set<string>();
  for (let v = byId.get(current); v; v = v.parent === null ? undefined : byId.get(v.parent)) if (v.editLayer) editedOnPath.add(v.editLayer);
  const convs = info?.layers.filter((l) => l.kernels !== null) ?? [];
  const steps: Omit<GuideStep, 'status'>[] = [
    { key: 'train', title: 'A trained model', text: 'Start from trained weights: the maps of random weights mean little. Train here, or import a trained model.', layer: null },
    ...convs.map((l, i) => ({
      key: `layer-${l.name}`,
      title: `${l.name} (${l.kernels} kernels)`,
      text: `Layer ${i + 1} of ${convs.length}: compute its maps, apply its top suggestion (or your own edit), retrain, and compare with the version before the edit.`,
      layer: l.name,
    })),
    { key: 'export', title: 'Export', text: 'Export the version you keep (model.json + weights, the TF.js Layers format).', layer: null },
  ];
  const done = (s: Omit<GuideStep, 'status'>) =>
    s.key === 'train' ? !!info && !info.untrained : s.layer !== null ? editedOnPath.has(s.layer) : false;
  let activeSeen = false;
  return steps.map((s) => {
    if (done(s)) return { ...s, status: 'done' };
    const status = activeSeen ? 'todo' : 'active';
    activeSeen = true;
    return { ...s, status };
  });
}
