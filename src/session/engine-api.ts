/**
 * The one typed API between the page and the engine worker (workers/engine.worker.ts `expose`s an object of
 * this type; the page `wrap`s it). Everything that crosses is plain data: GPU objects never leave the worker,
 * large arrays are transferred, and progress comes back through callbacks the page passes as Comlink `proxy`s.
 */
import type { DatasetSummary } from '../data/summary.ts';
import type { TrainConfig } from '../nn/train-config.ts';
import type { TrainEvent, TrainResult } from '../nn/trainer.ts';
import type { EvaluationResult } from '../nn/evaluation-tally.ts';
import type { Edit } from '../surgery/edits.ts';
import type { KernelStats } from '../analysis/kernel-stats.ts';
import type { Suggestion, SuggestionThresholds } from '../analysis/suggestions.ts';
import type { VersionComparison } from '../surgery/history.ts';
import type { TopImage } from '../analysis/top-images.ts';
import type { AccuracyInterval } from './accuracy-interval.ts';
import type { TrainingCurves } from '../nn/training-curves.ts';
import type { KernelCorrespondence } from '../surgery/kernel-lineage.ts';
import type { BaselinePlan, BaselinesProgress, BaselinesReport, BaselinesRequest } from './version-baselines.ts';
import type { BaselineRow } from './baseline-rows.ts';

/** What `init` found: the adapter, how maps reach the screen, and what the session restore did. */
export type InitResult =
  | { ok: true; adapter: string; renderMode: RenderMode; restored: RestoreReport }
  | { ok: false; error: string };

/** 'present': WebGPU draws into the canvas; 'readback': render to a texture, copy back, show on a 2D canvas. */
export type RenderMode = 'present' | 'readback';

/**
 * What the page asks for (`?render=`): 'auto' presents unless the adapter is a software rasteriser (known not to
 * present), 'present' tries presenting whatever the adapter, 'readback' never presents.
 */
export type RenderRequest = 'auto' | RenderMode;

/** The maps canvas attached: the mode in use, or why presenting failed (the worker's device is then unusable). */
export type AttachResult = { ok: true; mode: RenderMode } | { ok: false; error: string };

/** What came back from IndexedDB on start, and what had to be recomputed. */
export interface RestoreReport {
  restored: boolean;
  messages: string[];
}

/** Where a dataset comes from (persisted so a reload reloads it). */
export type DatasetChoice = { kind: 'builtin-mnist' } | { kind: 'files'; names: string[] };

/** A few images of one class, as HWC bytes. */
export interface ClassSamples {
  className: string;
  images: Uint8Array[];
}

export interface DatasetInfo {
  choice: DatasetChoice;
  summary: DatasetSummary;
  /** Image shape of the samples: [height, width, channels]. */
  samples: ClassSamples[];
}

/** One row of the architecture table. */
export interface LayerRow {
  name: string;
  kind: string;
  outputShape: number[];
  params: number;
  flops: number;
  /** Output channels of a conv layer (the kernels the maps are about), else null. */
  kernels: number | null;
}

export interface ModelInfo {
  versionId: number;
  name: string;
  inputShape: [number, number, number];
  layers: LayerRow[];
  totalParams: number;
  totalFlops: number;
  /** Where the weights came from, in words ('pre-trained mnist-ref', 'untrained (random init)', 'imported x'). */
  origin: string;
  /** True when the weights are random: the UI warns that the maps mean little until it is trained. */
  untrained: boolean;
  /** Why the model cannot run on the loaded dataset (shapes, classes) and what would, or null when it fits. */
  fitProblem: string | null;
  /** The version's train / validation / test split in words (the model's own, or the default), null without data. */
  split: string | null;
  /** Warnings about the split (another dataset than the one the model was trained on, ...). */
  splitWarnings: string[];
  /** When the model was trained on another dataset than the loaded one: how to open that dataset (dataset-advice.ts). */
  datasetAdvice: string | null;
  /** Test accuracy, the images it was measured on and its 95% interval, once evaluated. */
  accuracy: number | null;
  testCount: number | null;
  accuracyInterval: AccuracyInterval | null;
  /** Set when the figures are the parent's, inherited through an edit that keeps the function. */
  inheritedFrom: number | null;
  /** A training that did not finish (stopped, reload, lost device), which `continueTraining` resumes. */
  pendingTraining: { from: number; step: number; epoch: number; epochs: number } | null;
  /** The edit this version shows (its own, or its parent's when it is that edit retrained), for the graph's highlight. */
  editUnderWay: { version: number; edit: Edit } | null;
}

/** Hyper-parameters the page sets, plus how much of the training split to use. */
export interface TrainRequest {
  config: Partial<TrainConfig>;
  /** Use at most this many training images (a seeded subset); 0 = all. */
  subset: number;
  /** Test images to evaluate the result on (a fixed subset; 0 = the whole test split; default the session's). */
  evaluationLimit?: number;
}

export interface TrainOutcome {
  ended: TrainResult['ended'];
  message: string;
  seconds: number;
  evaluation: EvaluationSummary;
  model: ModelInfo;
}

/** EvaluationResult without the confusion matrix's bulk; NaN per-class values become null for cloning. */
export interface EvaluationSummary {
  split: 'test' | 'validation';
  count: number;
  /** Images in the whole split (count is smaller when the evaluation was capped). */
  of: number;
  /** 95% interval of the accuracy (Wilson). */
  interval: AccuracyInterval;
  /** Which images: equal keys mean the same images (session/evaluation-set.ts). */
  evaluatedOn: string;
  loss: number;
  accuracy: number;
  perClassAccuracy: (number | null)[];
  confusion: number[][];
}

export type { TrainEvent, EvaluationResult };

export type MapKind = 'aom' | 'csm';
export type KernelSort = 'index' | 'occurrence' | 'selectivity' | 'redundancy' | 'ablation';

/** Per-kernel statistics (issue 5): occurrence, selectivity, nearest kernel by ODM, ablation impact. */
export type { KernelStats, SuggestionThresholds };

/** A suggested edit (issue 5's rules, with the numbers that fired it), given an id for the page's lists. */
export type SuggestionInfo = Suggestion & {
  id: string;
  /** Set when the suggestion rests on differences the analysis set is too small to resolve (and how many images would). */
  caveat: string | null;
};

/** The maps of one conv layer, copied to the page for read-outs and detail views (small: K*C*H*W floats). */
export interface LayerMaps {
  versionId: number;
  layer: string;
  kernels: number;
  classes: number;
  classNames: string[];
  height: number;
  width: number;
  imagesPerClass: number[];
  /** AOM in [0, 1], [kernel][class][y][x] flattened. */
  aom: Float32Array;
  /** CSM (difference form) in [-1, 1], same layout. */
  csm: Float32Array;
  /** ODM, kernel x kernel. */
  odm: Float32Array;
  stats: KernelStats[];
  suggestions: SuggestionInfo[];
  /** The rules' thresholds the suggestions were made with (absent in maps saved before they could be moved: the defaults). */
  thresholds?: SuggestionThresholds;
  /** Accuracy over the analysis set (the ablation baseline). */
  accuracy: number;
  notes: string[];
  seconds: number;
  /** Set when this result was restored from IndexedDB rather than computed now. */
  restored: boolean;
}

export interface KernelWeights {
  kh: number;
  kw: number;
  cin: number;
  values: Float32Array;
}

export type { TopImage };

/** How the grid is drawn: which map, the kernel order (rows), zoom and pan. */
export interface MapView {
  versionId: number;
  layer: string;
  kind: MapKind;
  /** Kernel indices in display order (rows). */
  order: number[];
  zoom: number;
  /** Pan in canvas pixels. */
  panX: number;
  panY: number;
  width: number;
  height: number;
}

/** The geometry the page needs to turn a mouse position into (kernel, class, y, x). */
export interface GridLayout {
  cellWidth: number;
  cellHeight: number;
  gap: number;
}

export interface AnalyseRequest {
  layer: string;
  /** Class-balanced analysis subset: this many test images per class (0 = the whole test split). */
  perClass: number;
  tau: number;
  ablation: boolean;
  /** The drop rules' thresholds to suggest with (the rest: the defaults, src/analysis/suggestions.ts). */
  thresholds?: Partial<SuggestionThresholds>;
}

/** One architecture edit (issue 6), as plain data: drop, widen or insert. */
export type EditRequest = Edit;
export type { VersionComparison };
export type { TrainingCurves, KernelCorrespondence };
/**
 * A comparison, whether both versions' test figures were measured on the same images, and for every conv layer
 * both have, which kernels are the same kernels (for before/after maps).
 */
export type VersionComparisonInfo = VersionComparison & { sameTestImages: boolean; kernels: KernelCorrespondence[] };

export interface VersionRow {
  id: number;
  parent: number | null;
  /** Its short name: "v3 drop conv1 k2", "v4 retrain" (session/version-label.ts). */
  label: string;
  /** What made the version ('pre-trained mnist-ref', 'retrained 1 epoch on 2,000 images', ...). */
  note: string;
  /** The edit in words ('drop conv1: 3, 7'), null for a root or a retrained copy. */
  edit: string | null;
  /** The layer the edit works on (drop, widen: that layer; insert: the layer it follows), else null. */
  editLayer: string | null;
  /** The rule of the suggestion that motivated the edit, if one did. */
  suggestion: string | null;
  params: number;
  flops: number;
  convKernels: number;
  accuracy: number | null;
  loss: number | null;
  testCount: number | null;
  evaluatedOn: string | null;
  inheritedFrom: number | null;
  validationAccuracy: number | null;
  /** Loss and accuracy of the training run that made it (retrained versions), else null. */
  curves: TrainingCurves | null;
  createdAt: string;
}

export interface HistoryInfo {
  versions: VersionRow[];
  current: number;
  canUndo: boolean;
  canRedo: boolean;
}

/** The baselines comparison of a version (version-baselines.ts): its plan, what the user may choose, progress and result. */
export type { BaselinePlan, BaselinesProgress, BaselinesReport, BaselinesRequest, BaselineRow };

/** A model as files: model.json and its shards (the TF.js Layers format), or one .onnx file. */
export interface ModelFiles {
  files: { name: string; bytes: Uint8Array }[];
}

/** Reported to the page whenever the engine has news it did not ask for (device loss, recovery, saves). */
export type EngineNotice =
  | { type: 'device-lost'; message: string }
  | { type: 'device-recovered'; adapter: string; message: string }
  | { type: 'saved'; what: string }
  | { type: 'version-evaluated'; versionId: number }
  | { type: 'checkpoint'; step: number; epoch: number }
  | { type: 'warning'; message: string }
  | { type: 'save-failed'; message: string };

export interface EngineApi {
  /** Acquires the GPU, restores the session (or opens MNIST + mnist-ref). */
  /** `kernels`: the page's ?kernels= (lavapipe or tiled), forcing the conv/dense kernel variant; default from the adapter. */
  init(onNotice: (notice: EngineNotice) => void, options: { render: RenderRequest; fresh: boolean; evaluationLimit: number; kernels?: string }): Promise<InitResult>;
  datasetInfo(): Promise<DatasetInfo | null>;
  loadBuiltInDataset(): Promise<DatasetInfo>;
  /** Loads the user's files (IDX/gz, CIFAR tar.gz/.bin, image folder or zip); throws a DatasetError message. */
  loadDatasetFiles(files: File[]): Promise<DatasetInfo>;
  modelInfo(): Promise<ModelInfo | null>;
  /** Imports model.json + shards, or one .onnx file, as a new version. */
  importModel(files: File[]): Promise<ModelInfo>;
  /** The pre-trained references this build ships (src/models/<name>/: mnist-ref, fashion-ref, ...). */
  references(): Promise<string[]>;
  /** Adds a shipped reference (its pre-trained weights) as a new version, as importModel does with files. */
  openReference(name: string): Promise<ModelInfo>;
  /** A version (default current) as files: TF.js Layers (default) or one .onnx (NCHW input, opset 13). */
  exportModel(versionId?: number, format?: 'tfjs' | 'onnx'): Promise<ModelFiles>;
  train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome>;
  pauseTraining(): void;
  resumeTraining(): void;
  stopTraining(): void;
  /** Continues the stopped (or cut) training from its last checkpoint and commits the result. */
  continueTraining(onEvent: (event: TrainEvent) => void): Promise<TrainOutcome>;
  /** Cancels the running long job (training stops after its step; maps and evaluation between batches). */
  cancel(): void;
  /** Keeps the page's form settings and view state with the session (restored on reload). */
  saveSettings(settings: Record<string, unknown>): Promise<void>;
  loadSettings(): Promise<Record<string, unknown>>;
  /** Built-in architectures whose input is the loaded dataset's image shape. */
  fittingArchitectures(): Promise<string[]>;
  /** Adds a built-in architecture (random init) for the loaded dataset as a new version. */
  createModel(architecture: string, seed?: number): Promise<ModelInfo>;
  evaluate(split: 'test' | 'validation', limit: number): Promise<EvaluationSummary>;
  analyse(request: AnalyseRequest, onProgress: (fraction: number) => void): Promise<LayerMaps>;
  /** Last analysis of `layer` for the current version, if any (restored ones included). */
  cachedMaps(layer: string, versionId?: number): Promise<LayerMaps | null>;
  /**
   * Hands the maps canvas to the worker (transferred); the worker draws into it from then on. Presenting is
   * tried first (one cleared frame, then a wait on the device): when that fails the answer says so, and this
   * worker's device is not to be trusted again (the page starts a fresh worker with render 'readback').
   */
  attachMapCanvas(canvas: OffscreenCanvas, render: RenderRequest): Promise<AttachResult>;
  /** One conv kernel's weights, [kh][kw][cin] (HWI) for output channel `kernel`. */
  kernelWeights(versionId: number, layer: string, kernel: number): Promise<KernelWeights>;
  /** The analysis-set images (this many per class of the test split) whose map of `kernel` is strongest. */
  topImages(versionId: number, layer: string, kernel: number, perClass: number): Promise<TopImage[]>;
  drawMaps(view: MapView): Promise<GridLayout | null>;
  applyEdit(edit: EditRequest, suggestion: SuggestionInfo | null): Promise<ModelInfo>;
  history(): Promise<HistoryInfo>;
  undo(): Promise<ModelInfo>;
  redo(): Promise<ModelInfo>;
  checkout(versionId: number): Promise<ModelInfo>;
  compare(a: number, b: number): Promise<VersionComparisonInfo>;
  /** What "Compare with baselines" would run for the current version, or null when its history drops no kernel. */
  baselinePlan(): Promise<BaselinePlan | null>;
  /**
   * The suggestions of the current version's maps of `layer` made again with other thresholds, from the statistics
   * already counted (no GPU work); the maps keep them. Null when that layer has no maps.
   */
  resuggest(layer: string, thresholds: Partial<SuggestionThresholds>): Promise<LayerMaps | null>;
  /** The last comparison of the current version (this session's, or one saved with it), or null. */
  baselinesReport(): Promise<BaselinesReport | null>;
  /** Runs L1 norm, APoZ and random drops matched to the version's, retrained alike; `cancel` stops it. */
  compareBaselines(request: BaselinesRequest, onProgress: (progress: BaselinesProgress) => void): Promise<BaselinesReport>;
  /** The whole session (versions, history, analyses, settings) as one .aomproj file (src/session/project-file.ts). */
  saveProject(): Promise<ModelFiles>;
  /** Replaces the session by a project file's, once it is read and checked whole; messages for the page. */
  openProject(file: File): Promise<string[]>;
  /** The offline HTML report of the session (src/render/tuning-report.ts). */
  reportHtml(): Promise<ModelFiles>;
  /** Drops the saved session and starts over on MNIST + mnist-ref. */
  resetSession(): Promise<void>;
  /** Test hook: destroys the device as a driver reset would, to exercise recovery. */
  simulateDeviceLoss(): Promise<void>;
}
