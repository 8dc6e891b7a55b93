/**
 * One conv layer's analysis for the page, through the analysis module's entry point (analyzeModel: counts on
 * the GPU, read back once; ablation of every kernel on the GPU; maps, statistics and suggestions on the CPU)
 * over a seeded, class-balanced analysis set of the test split. The page gets AOM/CSM as floats for its
 * read-outs; the worker's grid renderer uploads the same arrays once.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { GpuDataset } from '../data/gpu-dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import type { Model } from '../nn/layers.ts';
import { selectAnalysisSet } from '../analysis/analysis-set.ts';
import { analyzeModel, type ModelAnalysis } from '../analysis/analyze-model.ts';
import type { AnalyseRequest, LayerMaps, SuggestionInfo } from './engine-api.ts';
import { DEFAULT_THRESHOLDS, suggest, type Suggestion, type SuggestionThresholds } from '../analysis/suggestions.ts';
import { convLayerNames, mapSource } from '../analysis/map-source.ts';
import type { ModelSpec } from '../nn/layers.ts';

/** Rules that compare ablation impacts (accuracy drops over the analysis set) against a threshold. */
const ABLATION_RULES: ReadonlySet<Suggestion['rule']> = new Set(['low-impact', 'redundant', 'widen']);

/**
 * An ablation impact is a difference of accuracies over `images` analysis images, so it moves in steps of one
 * image (1 / images): with 100 images a step is 1 point, and "costs less than 0.1 points" cannot be told from
 * "costs up to 1 point". A suggestion that rests on such impacts says so and how many images would resolve it.
 */
export function resolutionCaveat(
  s: Suggestion,
  images: number,
  /** The thresholds the suggestion was made with (the CLI's --min-impact moves them). */
  thresholds: Pick<SuggestionThresholds, 'minImpact' | 'widenImpact'> = DEFAULT_THRESHOLDS,
): string | null {
  if (!ABLATION_RULES.has(s.rule) || images <= 0) return null;
  const threshold = s.rule === 'widen' ? thresholds.widenImpact : thresholds.minImpact;
  const step = 1 / images;
  if (step <= threshold) return null;
  const needed = Math.ceil(1 / threshold);
  return (
    `${images} analysis images resolve accuracy changes of ${(100 * step).toFixed(2)} points (one image), ` +
    `coarser than this rule's ${(100 * threshold).toFixed(2)}-point threshold: compute the maps over at least ${needed.toLocaleString('en')} images ` +
    `(${Math.ceil(needed / 10)} per class for 10 classes) before trusting it`
  );
}

const BATCH = 128;

export async function analyseLayer(
  ctx: GpuContext,
  model: Model,
  data: GpuDataset,
  split: SplitDataset,
  request: AnalyseRequest,
  onProgress: (fraction: number) => void,
  /** Cancels between GPU batches: the call then rejects with a CancelledError (src/nn/cancellation.ts). */
  signal?: AbortSignal,
): Promise<Omit<LayerMaps, 'versionId' | 'restored'>> {
  const started = performance.now();
  const set = selectAnalysisSet(data.dataset, split.test, request.perClass > 0 ? { perClass: request.perClass } : {});
  // Counting is one pass; ablation runs K + 1 forward tails per batch, so it gets most of the progress bar.
  const countShare = request.ablation ? 0.2 : 1;
  const result = await analyzeModel(ctx, model, data, set.indices, {
    layers: [request.layer],
    tau: request.tau,
    ablation: request.ablation,
    thresholds: request.thresholds,
    batchSize: Math.min(BATCH, set.indices.length),
    signal,
    onProgress: (p) => onProgress(p.phase === 'counting' ? (countShare * p.done) / p.total : countShare + ((1 - countShare) * p.done) / p.total),
  });
  onProgress(1);
  return layerMapsOf(result, request.layer, set.notes, (performance.now() - started) / 1000);
}

/**
 * One layer of an analysis (analyzeModel's result) as the session keeps it: the page's maps, and what the CLI
 * adds to a project (src/cli/commands/analyze.ts). The suggestions kept are those about this layer (a deepen
 * suggestion goes with the layer it follows).
 */
export function layerMapsOf(result: ModelAnalysis, layerName: string, notes: string[], seconds: number): Omit<LayerMaps, 'versionId' | 'restored'> {
  const layer = result.layers.find((l) => l.layer === layerName);
  if (!layer) throw new Error(`the analysis has no layer '${layerName}'`);
  return {
    layer: layerName,
    kernels: layer.shape.kernels,
    classes: layer.shape.classes,
    classNames: result.classNames,
    height: layer.shape.height,
    width: layer.shape.width,
    imagesPerClass: [...result.classCounts],
    aom: layer.aom,
    csm: layer.csm,
    odm: layer.odm,
    stats: layer.kernels,
    suggestions: suggestionInfos(result.suggestions, layerName, layer.mapLayer, result.images, result.thresholds),
    thresholds: result.thresholds,
    accuracy: result.accuracy,
    notes,
    seconds,
  };
}

/** The suggestions about one layer (a deepen goes with the layer it follows), each with its id and caveat. */
function suggestionInfos(all: readonly Suggestion[], layerName: string, mapLayer: string, images: number, thresholds: SuggestionThresholds): SuggestionInfo[] {
  return all
    .filter((s) => (s.kind === 'deepen' ? s.after === mapLayer || s.after === layerName : s.layer === layerName))
    .map((s, i) => ({ ...s, id: `${layerName}#${i}`, caveat: resolutionCaveat(s, images, thresholds) }));
}

/**
 * `maps`' suggestions made again with `thresholds` (over the defaults) from what the analysis already counted:
 * the kernels' statistics (occurrences, selectivity, ablation impacts) and the ODM, on the CPU, with the same
 * evidence as analyzeModel gave the rules (the analysis set's accuracy for the deepen rule). A designer moving a
 * threshold sees the list change at once, without counting the maps again.
 */
export function resuggestLayer(maps: LayerMaps, spec: ModelSpec, thresholds: Partial<SuggestionThresholds>): LayerMaps {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const { sourceLayer } = mapSource(spec, maps.layer);
  const convs = convLayerNames(spec);
  const images = maps.imagesPerClass.reduce((a, b) => a + b, 0);
  const suggestions = suggest(
    {
      layers: [{ layer: maps.layer, mapLayer: sourceLayer, kernels: maps.stats, odm: maps.odm }],
      lastConvLayer: convs[convs.length - 1] ?? null,
      accuracy: maps.accuracy,
      accuracySource: 'analysis set',
    },
    t,
  );
  return { ...maps, suggestions: suggestionInfos(suggestions, maps.layer, sourceLayer, images, t), thresholds: t };
}
