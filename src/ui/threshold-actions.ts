/**
 * The drop rules' thresholds in the page: the suggestions of the maps on screen are made again, at once and from
 * the statistics already counted, when the designer moves one (the engine's resuggest: no GPU work), and maps
 * shown again later (another layer, a reload) are brought to the thresholds on screen, so the list always
 * matches the fields above it.
 */
import { engine } from './engine-client.ts';
import { analysis, setAnalysis } from './stores/analysis-store.ts';
import type { LayerMaps, SuggestionThresholds } from '../session/engine-api.ts';
import { DEFAULT_THRESHOLDS } from '../analysis/suggestions.ts';
import { thresholdInRange, thresholdRangeText, type UserThreshold } from '../analysis/threshold-bounds.ts';

export type ThresholdField = UserThreshold;

export const currentThresholds = (): Pick<SuggestionThresholds, ThresholdField> => ({ minImpact: analysis.minImpact, delta: analysis.delta, eps: analysis.eps });

const FIELDS: readonly ThresholdField[] = ['minImpact', 'delta', 'eps'];

/** `maps` with its suggestions made under the thresholds on screen (the same object when they already are). */
export async function underCurrentThresholds(maps: LayerMaps | null): Promise<LayerMaps | null> {
  if (!maps) return null;
  const made = maps.thresholds ?? DEFAULT_THRESHOLDS;
  const wanted = currentThresholds();
  if (FIELDS.every((f) => made[f] === wanted[f])) return maps;
  return (await engine.resuggest(maps.layer, wanted)) ?? maps;
}

/** The threshold as its field shows it: the stored fraction x `scale`, at 6 significant digits. */
export const shownThreshold = (field: ThresholdField, scale: number): number => Number((analysis[field] * scale).toPrecision(6));

/**
 * A threshold field changed to `shown` (in the field's unit: stored value x `scale`): a finite value within the
 * threshold's range is kept and the list made again; any other is refused with a message naming the field, its
 * range and the value still in use, and false is returned so the field can show that value again.
 */
export async function changeThreshold(field: ThresholdField, label: string, shown: number, scale: number): Promise<boolean> {
  const value = shown / scale;
  if (!thresholdInRange(field, value)) {
    setAnalysis('thresholdError', `${label}: ${Number.isFinite(shown) ? shown : 'not a number'} is out of range (${thresholdRangeText(field, scale)}); the suggestions still use ${shownThreshold(field, scale)}`);
    return false;
  }
  setAnalysis('thresholdError', '');
  setAnalysis(field, value);
  const maps = analysis.maps;
  if (maps) setAnalysis('maps', await underCurrentThresholds(maps));
  return true;
}
