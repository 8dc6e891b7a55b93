/**
 * Architecture suggestions from the maps, as plain JSON data an edit step can apply. Each carries the rule that
 * fired, a sentence, and the numbers (with the thresholds) that made it fire. Thresholds are adjustable; the
 * defaults below are starting points for a designer, not results from the paper.
 *
 * Drop rules, per layer, in this order (a kernel is named by at most one drop suggestion):
 *   dead        the kernel's occurrence is below `eps` for every class (max_c classOccurrence < eps).
 *   saturated   its occurrence is above 1 - eps for every class and its selectivity is below `selective`:
 *               it is on everywhere, for everything — a constant, not a feature.
 *   redundant   a pair with ODM(k, l) < `delta`: drop the one with the smaller ablation impact and keep the
 *               other (ties, or no ablation: keep the one with the larger occurrence, then the lower index).
 *               Pairs are taken by increasing distance; a kept kernel is never dropped by a later rule, because
 *               its low ablation impact is due to its twin.
 *   low-impact  zeroing it costs less than `minImpact` accuracy over the analysis set (needs ablation).
 *   No rule drops the last kernel of a layer.
 * widen    a layer where at least `widenFraction` of the kernels are selective (selectivity >= `selective`),
 *          heavily used (occurrence >= `heavyUse`) and costly to ablate (impact >= `widenImpact`; needs
 *          ablation): add `by` = max(1, round(widenBy * K)) kernels.
 * deepen   the model's last conv layer has a median selectivity below `selective` while the accuracy (training
 *          accuracy when the caller gives it, otherwise the analysis set's) is below `deepenAccuracy`:
 *          insert a layer after it (after its ReLU when the ReLU is a layer of its own).
 */
import type { KernelStats } from './kernel-stats.ts';

export interface SuggestionThresholds {
  /** Dead / saturated margin on per-class occurrence. Default 0.01. */
  eps: number;
  /** Minimum selectivity (spatial mean CSM at the strongest class) of a selective kernel. Default 0.1. */
  selective: number;
  /** Largest ODM of a redundant pair. Default 0.02. */
  delta: number;
  /** Accuracy drop under which a kernel is low-impact. Default 0.001 (0.1 percentage points). */
  minImpact: number;
  /** Occurrence of a heavily used kernel. Default 0.2. */
  heavyUse: number;
  /** Accuracy drop of a costly kernel. Default 0.01. */
  widenImpact: number;
  /** Fraction of kernels that must be selective, heavily used and costly. Default 0.9. */
  widenFraction: number;
  /** Kernels to add, as a fraction of the layer's. Default 0.5. */
  widenBy: number;
  /** Accuracy below which a shallow model should be deepened. Default 0.9. */
  deepenAccuracy: number;
}

export const DEFAULT_THRESHOLDS: Readonly<SuggestionThresholds> = {
  eps: 0.01,
  selective: 0.1,
  delta: 0.02,
  minImpact: 0.001,
  heavyUse: 0.2,
  widenImpact: 0.01,
  widenFraction: 0.9,
  widenBy: 0.5,
  deepenAccuracy: 0.9,
};

export type DropRule = 'dead' | 'saturated' | 'redundant' | 'low-impact';
type Numbers = Record<string, number | string | null | Array<Record<string, number | null>>>;

/**
 * The edit a suggestion proposes, in the plain-data form of src/surgery/edits.ts (drop; widen by Net2WiderNet
 * copies; insert an identity-initialised conv + ReLU), so an edit step can apply `suggestion.edit` as it is.
 */
export type SuggestedEdit =
  | { kind: 'drop'; layer: string; kernels: number[] }
  | { kind: 'widen'; layer: string; by: number; mode: 'net2net' }
  | { kind: 'insert'; after: string };

export type Suggestion =
  | { kind: 'drop'; layer: string; kernels: number[]; rule: DropRule; reason: string; numbers: Numbers; edit: SuggestedEdit }
  | { kind: 'widen'; layer: string; by: number; rule: 'widen'; reason: string; numbers: Numbers; edit: SuggestedEdit }
  | { kind: 'deepen'; after: string; rule: 'deepen'; reason: string; numbers: Numbers; edit: SuggestedEdit };

/** What the rules read of one analysed layer. */
export interface LayerEvidence {
  layer: string;
  /** Where a new layer goes to follow this one's nonlinearity: the conv, or the ReLU after it (map-source.ts). */
  mapLayer: string;
  kernels: KernelStats[];
  /** float32 [K, K]. */
  odm: Float32Array;
}

export interface ModelEvidence {
  layers: LayerEvidence[];
  /** Name of the model's last conv layer (deepen looks at it only if it was analysed). */
  lastConvLayer: string | null;
  accuracy: number;
  accuracySource: 'training' | 'analysis set';
}

const round = (x: number | null): number | null => (x === null || Number.isNaN(x) ? x : Math.round(x * 1e6) / 1e6);

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function layerSuggestions(layer: LayerEvidence, t: SuggestionThresholds): Suggestion[] {
  const out: Suggestion[] = [];
  const K = layer.kernels.length;
  const dropped = new Set<number>();
  const protectedKernels = new Set<number>();
  const canDrop = (k: number) => !dropped.has(k) && !protectedKernels.has(k) && K - dropped.size > 1;
  const present = (s: KernelStats) => s.classOccurrence.filter((v) => !Number.isNaN(v));

  const dropRule = (rule: DropRule, reason: string, picks: Array<{ kernel: number; numbers: Record<string, number | null> }>, extra: Numbers) => {
    const kept = picks.filter((p) => {
      if (!canDrop(p.kernel)) return false;
      dropped.add(p.kernel);
      return true;
    });
    if (kept.length === 0) return;
    const kernels = kept.map((p) => p.kernel);
    out.push({
      kind: 'drop', layer: layer.layer, kernels, rule, reason,
      numbers: { ...extra, kernels: kept.map((p) => ({ kernel: p.kernel, ...p.numbers })) },
      edit: { kind: 'drop', layer: layer.layer, kernels: [...kernels] },
    });
  };

  dropRule(
    'dead',
    `occurrence below ${t.eps} for every class: these kernels (almost) never fire`,
    layer.kernels.filter((s) => Math.max(...present(s)) < t.eps).map((s) => ({ kernel: s.kernel, numbers: { maxClassOccurrence: round(Math.max(...present(s))) } })),
    { eps: t.eps },
  );
  dropRule(
    'saturated',
    `occurrence above ${1 - t.eps} for every class and selectivity below ${t.selective}: always on, a constant rather than a feature`,
    layer.kernels
      .filter((s) => Math.min(...present(s)) > 1 - t.eps && !(s.selectivity >= t.selective))
      .map((s) => ({ kernel: s.kernel, numbers: { minClassOccurrence: round(Math.min(...present(s))), selectivity: round(s.selectivity) } })),
    { eps: t.eps, selective: t.selective },
  );

  // Redundant pairs by increasing distance.
  const pairs: Array<{ k: number; l: number; d: number }> = [];
  for (let k = 0; k < K; k++) for (let l = k + 1; l < K; l++) if (layer.odm[k * K + l] < t.delta) pairs.push({ k, l, d: layer.odm[k * K + l] });
  pairs.sort((a, b) => a.d - b.d || a.k - b.k || a.l - b.l);
  const redundant: Array<{ kernel: number; numbers: Record<string, number | null> }> = [];
  for (const { k, l, d } of pairs) {
    if (dropped.has(k) || dropped.has(l)) continue;
    const [a, b] = [layer.kernels[k], layer.kernels[l]];
    const impactA = a.ablationImpact ?? Number.NEGATIVE_INFINITY;
    const impactB = b.ablationImpact ?? Number.NEGATIVE_INFINITY;
    // Keep the larger impact; then the larger occurrence; then the lower index (k < l).
    const keepA = impactA !== impactB ? impactA > impactB : a.occurrence >= b.occurrence;
    let [keep, drop] = keepA ? [a, b] : [b, a];
    // A kernel kept for an earlier (closer) pair stays; its partner here goes instead.
    if (protectedKernels.has(drop.kernel)) [keep, drop] = [drop, keep];
    if (!canDrop(drop.kernel)) continue;
    dropped.add(drop.kernel);
    protectedKernels.add(keep.kernel);
    redundant.push({ kernel: drop.kernel, numbers: { keep: keep.kernel, odm: round(d), impact: round(drop.ablationImpact), keptImpact: round(keep.ablationImpact) } });
  }
  for (const r of redundant) dropped.delete(r.kernel); // dropRule re-adds them in order
  dropRule('redundant', `pairs whose occurrence maps differ by less than ${t.delta} (ODM): drop the one that costs less to ablate`, redundant, { delta: t.delta });

  if (layer.kernels.every((s) => s.ablationImpact !== null)) {
    dropRule(
      'low-impact',
      // In points, as the page's field and the caveat speak of it (minImpact is a fraction: 0.001 = 0.1 points).
      `zeroing the kernel costs less than ${Number((100 * t.minImpact).toPrecision(6))} points of accuracy over the analysis set`,
      layer.kernels.filter((s) => s.ablationImpact! < t.minImpact).map((s) => ({ kernel: s.kernel, numbers: { impact: round(s.ablationImpact) } })),
      { minImpact: t.minImpact },
    );
    const strong = layer.kernels.filter((s) => s.selectivity >= t.selective && s.occurrence >= t.heavyUse && s.ablationImpact! >= t.widenImpact);
    if (K > 0 && strong.length / K >= t.widenFraction) {
      const by = Math.max(1, Math.round(t.widenBy * K));
      out.push({
        kind: 'widen', layer: layer.layer, by, rule: 'widen',
        reason: `${strong.length} of ${K} kernels are selective, heavily used and costly to ablate: the layer may have too few kernels`,
        numbers: {
          strongFraction: round(strong.length / K), widenFraction: t.widenFraction, selective: t.selective, heavyUse: t.heavyUse, widenImpact: t.widenImpact,
          medianSelectivity: round(median(layer.kernels.map((s) => s.selectivity))), minImpact: round(Math.min(...layer.kernels.map((s) => s.ablationImpact!))),
        },
        edit: { kind: 'widen', layer: layer.layer, by, mode: 'net2net' },
      });
    }
  }
  return out;
}

/** Every suggestion for the analysed layers (in model order), then deepen if it fires. */
export function suggest(evidence: ModelEvidence, thresholds: Partial<SuggestionThresholds> = {}): Suggestion[] {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const out = evidence.layers.flatMap((layer) => layerSuggestions(layer, t));
  const last = evidence.layers.find((l) => l.layer === evidence.lastConvLayer);
  if (last) {
    const med = median(last.kernels.map((s) => s.selectivity));
    if (med < t.selective && evidence.accuracy < t.deepenAccuracy) {
      out.push({
        kind: 'deepen', after: last.mapLayer, rule: 'deepen',
        reason: `the last conv layer's kernels show little class selectivity (median ${round(med)} < ${t.selective}) while the ${evidence.accuracySource} accuracy is low (${round(evidence.accuracy)} < ${t.deepenAccuracy})`,
        numbers: { medianSelectivity: round(med), selective: t.selective, accuracy: round(evidence.accuracy), accuracySource: evidence.accuracySource, deepenAccuracy: t.deepenAccuracy },
        edit: { kind: 'insert', after: last.mapLayer },
      });
    }
  }
  return out;
}
