/**
 * analyzeModel: the one entry point of the analysis, shared by the CLI, the page's worker and the tune command.
 * Counts the Activation Occurrence Maps of the chosen conv layers in one GPU pass over the analysis set, derives
 * AOM / CSM / ODM and per-kernel statistics on the CPU, optionally ablates every kernel of every chosen layer on
 * the GPU, and proposes edits. Returns plain data (typed arrays, numbers, strings); no GPU object leaves it.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { GpuDataset } from '../data/gpu-dataset.ts';
import type { Model } from '../nn/layers.ts';
import { ModelSpecError } from '../nn/shapes.ts';
import { InferenceRunner } from '../nn/inference-runner.ts';
import { ablateLayer } from './ablation-pass.ts';
import { kernelStats, type KernelStats } from './kernel-stats.ts';
import { convLayerNames, mapSource } from './map-source.ts';
import { aomFromCounts, csmFromAom, odmFromAom, type CsmForm, type MapShape } from './maps.ts';
import { countOccurrences } from './occurrence-pass.ts';
import { DEFAULT_THRESHOLDS, suggest, type Suggestion, type SuggestionThresholds } from './suggestions.ts';

export interface AnalysisProgress {
  phase: 'counting' | 'ablation';
  /** The layer being ablated (ablation only). */
  layer?: string;
  done: number;
  total: number;
}

export interface AnalyzeOptions {
  /** Conv layers to analyse, by name; default every conv2d layer. */
  layers?: string[];
  /** Occurrence threshold: a position of a map fires when its activation is > tau. Default 0. */
  tau?: number;
  /** Default 'difference'. */
  csmForm?: CsmForm;
  /** eps of the ratio form. Default 1e-6. */
  csmEps?: number;
  /** Ablate every kernel of every analysed layer. Default true. */
  ablation?: boolean;
  /** Images per GPU batch. Default 128. */
  batchSize?: number;
  thresholds?: Partial<SuggestionThresholds>;
  /** Training accuracy for the deepen rule; default the analysis set's accuracy. */
  trainingAccuracy?: number;
  /** Called after every GPU batch of every pass. */
  onProgress?: (progress: AnalysisProgress) => void;
  /** Cancels the analysis between batches: it then rejects with a CancelledError (src/nn/cancellation.ts). */
  signal?: AbortSignal;
}

export interface LayerAnalysis {
  layer: string;
  /** The layer whose output was counted (the conv itself, or the ReLU after it; see map-source.ts). */
  mapLayer: string;
  shape: MapShape;
  /** u32 [K, C, H, W]: images of class c in which kernel k fires at (y, x). */
  counts: Uint32Array;
  /** f32 [K, C, H, W]. */
  aom: Float32Array;
  /** f32 [K, C, H, W]. */
  csm: Float32Array;
  /** f32 [K, K]. */
  odm: Float32Array;
  kernels: KernelStats[];
  /** Accuracy with each kernel's map zeroed (null without ablation). */
  ablatedAccuracy: number[] | null;
}

export interface ModelAnalysis {
  model: string;
  classNames: string[];
  /** u32 [C]: images of each class in the analysis set. */
  classCounts: Uint32Array;
  images: number;
  /** Accuracy of the model over the analysis set. */
  accuracy: number;
  tau: number;
  csmForm: CsmForm;
  csmEps: number;
  thresholds: SuggestionThresholds;
  layers: LayerAnalysis[];
  suggestions: Suggestion[];
}

export async function analyzeModel(ctx: GpuContext, model: Model, data: GpuDataset, indices: ArrayLike<number>, options: AnalyzeOptions = {}): Promise<ModelAnalysis> {
  const { spec } = model;
  const tau = options.tau ?? 0;
  const csmForm = options.csmForm ?? 'difference';
  const csmEps = options.csmEps ?? 1e-6;
  const names = options.layers?.length ? options.layers : convLayerNames(spec);
  if (names.length === 0) throw new ModelSpecError(`model '${spec.name}' has no conv2d layer to analyse`);
  if (new Set(names).size !== names.length) throw new ModelSpecError(`layers to analyse are listed twice: ${names.join(', ')}`);
  const sources = names.map((name) => mapSource(spec, name));
  if (!Number.isFinite(tau)) throw new RangeError(`analysis of '${spec.name}': tau must be a finite number, got ${tau}`);
  if (indices.length === 0) throw new RangeError(`analysis of '${spec.name}': the analysis set is empty`);
  const classNames = data.dataset.classNames;
  const classes = classNames.length;

  const { signal } = options;
  // Refuses a model that does not fit the dataset (input shape, classes) before any GPU work.
  const runner = await InferenceRunner.create(ctx, model, data, options.batchSize ?? 128);
  try {
    const counted = await countOccurrences(runner, sources, classes, tau, indices, {
      signal,
      onProgress: (done, total) => options.onProgress?.({ phase: 'counting', done, total }),
    });
    const images = indices.length;
    const accuracy = counted.correct / images;
    const layers: LayerAnalysis[] = [];
    for (const { source, shape, counts } of counted.layers) {
      let ablatedAccuracy: number[] | null = null;
      let impacts: number[] | null = null;
      if (options.ablation ?? true) {
        const result = await ablateLayer(runner, source, indices, {
          signal,
          onProgress: (done, total) => options.onProgress?.({ phase: 'ablation', layer: source.layer, done, total }),
        });
        if (result.baselineCorrect !== counted.correct) {
          throw new Error(`analysis of '${spec.name}': the ablation baseline of ${source.layer} found ${result.baselineCorrect} correct, the counting pass ${counted.correct}`);
        }
        ablatedAccuracy = result.correct.map((c) => c / images);
        // From the integer counts, so that e.g. 3 lost images of 9 are exactly 3/9.
        impacts = result.correct.map((c) => (counted.correct - c) / images);
      }
      const aom = aomFromCounts(counts, counted.classCounts, shape);
      const csm = csmFromAom(aom, counted.classCounts, shape, csmForm, csmEps);
      const odm = odmFromAom(aom, counted.classCounts, shape);
      const kernels = kernelStats(counts, counted.classCounts, csm, odm, shape, impacts);
      layers.push({ layer: source.layer, mapLayer: source.sourceLayer, shape, counts, aom, csm, odm, kernels, ablatedAccuracy });
    }
    const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    const convs = convLayerNames(spec);
    const suggestions = suggest(
      {
        layers: layers.map((l) => ({ layer: l.layer, mapLayer: l.mapLayer, kernels: l.kernels, odm: l.odm })),
        lastConvLayer: convs[convs.length - 1] ?? null,
        accuracy: options.trainingAccuracy ?? accuracy,
        accuracySource: options.trainingAccuracy === undefined ? 'analysis set' : 'training',
      },
      thresholds,
    );
    return { model: spec.name, classNames, classCounts: counted.classCounts, images, accuracy, tau, csmForm, csmEps, thresholds, layers, suggestions };
  } finally {
    runner.destroy();
  }
}
