/**
 * The page's form settings, kept with the session (the worker stores them in IndexedDB with the versions), so
 * a reload restores the hyper-parameters and the maps' options as the user left them. Which fields count as
 * settings is listed here once; everything else in the stores is state of the moment.
 */
import { createEffect, on } from 'solid-js';
import { engine } from './engine-client.ts';
import { setTraining, training } from './stores/training-store.ts';
import { analysis, setAnalysis } from './stores/analysis-store.ts';
import { history } from './stores/history-store.ts';
import { THRESHOLD_BOUNDS, thresholdInRange, type UserThreshold } from '../analysis/threshold-bounds.ts';

const TRAINING_FIELDS = ['epochs', 'batchSize', 'optimizer', 'lr', 'subset', 'evaluationLimit'] as const;
const ANALYSIS_FIELDS = ['layer', 'kind', 'sort', 'perClass', 'ablation', 'odmClustered', 'minImpact', 'delta', 'eps'] as const;

export function currentSettings(): Record<string, unknown> {
  return {
    training: Object.fromEntries(TRAINING_FIELDS.map((k) => [k, training[k]])),
    analysis: Object.fromEntries(ANALYSIS_FIELDS.map((k) => [k, analysis[k]])),
    comparison: history.comparison ? [history.comparison.a, history.comparison.b] : null,
  };
}

/** The pair of versions compared when the settings were saved, if any (checked: a save may be old or edited). */
export function savedComparison(saved: Record<string, unknown>): [number, number] | null {
  const c = saved.comparison;
  return Array.isArray(c) && c.length === 2 && c.every((id) => Number.isInteger(id)) ? [c[0] as number, c[1] as number] : null;
}

const isThreshold = (key: PropertyKey): key is UserThreshold => Object.hasOwn(THRESHOLD_BOUNDS, key);

/** Puts saved settings back into the stores; a field of the wrong type or, for a threshold, out of its range (an old
 *  or hand-edited save) is ignored. */
export function applySettings(saved: Record<string, unknown>): void {
  const apply = <S extends object>(source: unknown, target: S, fields: readonly (keyof S)[], set: (key: keyof S, value: unknown) => void) => {
    if (typeof source !== 'object' || source === null) return;
    for (const key of fields) {
      const value = (source as Record<string, unknown>)[key as string];
      if (value === undefined || typeof value !== typeof target[key]) continue;
      if (isThreshold(key) && !thresholdInRange(key, value as number)) continue;
      set(key, value);
    }
  };
  apply(saved.training, training, TRAINING_FIELDS, (k, v) => setTraining(k as never, v as never));
  apply(saved.analysis, analysis, ANALYSIS_FIELDS, (k, v) => setAnalysis(k as never, v as never));
}

/** Saves the settings whenever one changes (after the first run, which only reads them). */
export function persistSettingsOnChange(): void {
  createEffect(
    on(
      () => JSON.stringify(currentSettings()),
      (json) => void engine.saveSettings(JSON.parse(json) as Record<string, unknown>),
      { defer: true },
    ),
  );
}
