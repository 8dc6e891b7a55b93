/**
 * The session core: everything the studio does with a dataset and a tree of model versions, independent of where
 * it runs. The page's worker (workers/engine/engine.ts) wraps it with Comlink, IndexedDB and the maps canvas;
 * Node tests drive it directly. It decides, once for every caller:
 *   - which images are train / validation / test for a version (split-policy.ts: the model's own split);
 *   - whether a model fits the dataset, before any GPU work (fit-check.ts);
 *   - train -> evaluate -> commit: a retrained version is evaluated on its evaluation set and committed with its
 *     figures and its split recorded; an edited version is evaluated in the background when it is made, unless
 *     the edit keeps the function (then it inherits its parent's figures until retrained);
 *   - the analysis of a layer and its cache.
 * GPU work runs one job at a time (`exclusive`); the long jobs (training, maps, evaluation) can be cancelled.
 */
import type { GpuContext } from '../gpu/context.ts';
import { GpuDataset } from '../data/gpu-dataset.ts';
import type { ImageDataset } from '../data/dataset.ts';
import type { Model, ModelSpec } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { InferenceRunner } from '../nn/inference-runner.ts';
import { train, TrainingControl, type TrainCheckpoint, type TrainEvent } from '../nn/trainer.ts';
import { emptyCurves, recordTrainEvent } from '../nn/training-curves.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../nn/train-config.ts';
import { selectAnalysisSet } from '../analysis/analysis-set.ts';
import { topActivatingImages, type TopImage } from '../analysis/top-images.ts';
import { describeEdit, type Edit } from '../surgery/edits.ts';
import { ModelHistory, type StoredHistory, type Version } from '../surgery/history.ts';
import { kernelLineage } from '../surgery/kernel-lineage.ts';
import { sameArchitecture, versionLabel } from './version-label.ts';
import { analyseLayer, resuggestLayer } from './analyse-layer.ts';
import type { SuggestionThresholds } from '../analysis/suggestions.ts';
import { accuracyInterval } from './accuracy-interval.ts';
import { describeDatasetForPage } from './dataset-info.ts';
import { checkModelFitsDataset, fitProblem, ModelDatasetMismatchError } from './fit-check.ts';
import { CancelledError } from '../nn/cancellation.ts';
import { evaluationSet, evaluationSetKey } from './evaluation-set.ts';
import { describeSplit, splitForModel, withSplitRecord, type ModelSplit } from './split-policy.ts';
import { subsetSplit } from './training-subset.ts';
import { baselinePlan, runVersionBaselines, type BaselinePlan, type BaselinesProgress, type BaselinesReport, type BaselinesRequest } from './version-baselines.ts';
import { datasetAdvice } from './dataset-advice.ts';
import { datasetFingerprint, type DatasetFingerprint } from '../data/fingerprint.ts';
import type {
  AnalyseRequest, DatasetChoice, DatasetInfo, EngineNotice, EvaluationSummary, HistoryInfo, LayerMaps, ModelInfo,
  SuggestionInfo, TrainOutcome, TrainRequest, VersionComparisonInfo,
} from './engine-api.ts';

/** A long job was cancelled by the user; nothing it would have changed was changed (src/nn/cancellation.ts). */
export { CancelledError };

export interface SessionDataset {
  choice: DatasetChoice;
  dataset: ImageDataset;
}

/** What a saved session holds besides the dataset (the adapter stores it; see workers/engine/persistence.ts). */
export interface SessionState {
  history: StoredHistory;
  untrained: number[];
  maps: Record<string, LayerMaps>;
  /** A training that did not finish, with its last checkpoint (absent in sessions saved before there were any). */
  pending?: PendingTraining | null;
  /**
   * The last baselines comparison of each version that has one, by version id (absent in sessions saved before
   * the page could compare): an hour of retraining is not lost to a reload or a project file.
   */
  baselines?: Record<string, BaselinesReport>;
}

/**
 * The last checkpoint of a training that did not finish (stopped, cut by a reload or a lost device): the
 * version it trains from, what was asked, and where it got to. Continuing it ends where the uninterrupted run
 * would have, bit for bit (src/nn/checkpoint.ts).
 */
export interface PendingTraining {
  from: number;
  request: TrainRequest;
  checkpoint: TrainCheckpoint;
}

/** Edits after which the network computes the same function (so the parent's figures still hold). */
export function keepsFunction(edit: Edit): boolean {
  return edit.kind === 'insert' || (edit.kind === 'widen' && (edit.mode === 'fresh' || !(edit.noise && edit.noise > 0)));
}

const mapsKey = (versionId: number, layer: string) => `${versionId}:${layer}`;

export class StudioSession {
  private data: SessionDataset | null = null;
  private gpuData: GpuDataset | null = null;
  private versions: ModelHistory | null = null;
  /** Versions whose weights are random (never trained): the page says so. */
  private readonly untrained = new Set<number>();
  private readonly maps = new Map<string, LayerMaps>();
  /** The last baselines comparison of each version, by id; like the maps, they hold only for this dataset. */
  private readonly baselineReports = new Map<number, BaselinesReport>();
  /** Splits by their parameters (versions of one session share one, unless an imported model brings its own). */
  private readonly splits = new Map<string, ModelSplit>();
  /** The loaded dataset's fingerprint, taken once per dataset (the advice of every described version compares with it). */
  private fingerprint: DatasetFingerprint | null = null;
  private control: TrainingControl | null = null;
  private pending: PendingTraining | null = null;
  /** Aborted by `cancel`: the running job's signal (a new one per job). */
  private abort = new AbortController();
  private queue: Promise<unknown> = Promise.resolve();
  /** Test images to evaluate on (a fixed subset of the test split; 0: all). */
  evaluationLimit = 0;

  constructor(
    /** The current GPU context (the adapter may replace it after a device loss). */
    private readonly gpu: () => GpuContext,
    private readonly notify: (notice: EngineNotice) => void = () => {},
  ) {}

  // ---- state ---------------------------------------------------------------------------------------------

  get dataset(): SessionDataset | null {
    return this.data;
  }

  get history(): ModelHistory {
    if (!this.versions) throw new Error('no model is loaded');
    return this.versions;
  }

  get hasModel(): boolean {
    return this.versions !== null;
  }

  /** Refuses to swap the dataset under a running training (its batches are gathered from the GPU copy). */
  assertCanChangeDataset(): void {
    if (this.control) throw new Error('a training is running on this dataset: stop it (or let it finish) before loading another one');
  }

  /** Replaces the dataset; maps and splits of the old one are dropped, versions are kept. */
  setDataset(data: SessionDataset): void {
    this.assertCanChangeDataset();
    this.gpuData?.destroy();
    this.gpuData = null;
    this.data = data;
    this.fingerprint = null;
    this.splits.clear();
    this.maps.clear();
    this.baselineReports.clear();
  }

  /** Starts a new history from `model`. */
  start(model: Model, note: string, untrained = false): void {
    this.versions = ModelHistory.start(model, { note });
    this.untrained.clear();
    this.maps.clear();
    this.baselineReports.clear();
    if (untrained) this.untrained.add(0);
  }

  /** Adds `model` as a new version (an import, a new architecture) and makes it current. */
  add(model: Model, note: string, untrained = false): Version {
    if (!this.versions) {
      this.start(model, note, untrained);
      return this.history.currentVersion;
    }
    const version = this.versions.commit(model, { note });
    if (untrained) this.untrained.add(version.id);
    return version;
  }

  restore(state: SessionState): void {
    this.versions = ModelHistory.fromStored(state.history);
    this.pending = state.pending ?? null;
    this.untrained.clear();
    for (const id of state.untrained) this.untrained.add(id);
    this.maps.clear();
    for (const [key, maps] of Object.entries(state.maps)) this.maps.set(key, { ...maps, restored: true });
    this.baselineReports.clear();
    for (const [id, report] of Object.entries(state.baselines ?? {})) {
      // A report of a version the history does not hold (a hand-edited file) is left out, not shown against another.
      if (Number.isInteger(Number(id)) && Number(id) < this.versions!.size && report.plan?.version === Number(id)) this.baselineReports.set(Number(id), report);
    }
  }

  state(): SessionState {
    return {
      history: this.history.toStored(),
      untrained: [...this.untrained],
      maps: Object.fromEntries([...this.maps].map(([key, value]) => [key, { ...value, restored: false }])),
      pending: this.pending,
      baselines: Object.fromEntries(this.baselineReports),
    };
  }

  /** The GPU copies are gone (device lost): they are made again from the CPU copies on next use. */
  dropGpuCopies(): void {
    this.gpuData = null;
    this.control?.stop();
  }

  private requireData(): SessionDataset {
    if (!this.data) throw new Error('no dataset is loaded');
    return this.data;
  }

  /** The split of `versionId`'s model on the loaded dataset (split-policy.ts). */
  splitOf(versionId = this.history.current): ModelSplit {
    return this.splitOfSpec(this.history.get(versionId).model.spec);
  }

  /** The split of any model (a version's, or one just trained), cached by its recorded split. */
  private splitOfSpec(spec: ModelSpec): ModelSplit {
    const { dataset } = this.requireData();
    const key = spec.split ? `${spec.split.seed}:${spec.split.validationFraction}:${spec.split.testFraction}:${spec.split.dataset.hash}` : 'default';
    let split = this.splits.get(key);
    if (!split) {
      split = splitForModel(dataset, spec);
      this.splits.set(key, split);
    }
    return split;
  }

  /** Why `versionId`'s model cannot run on the loaded dataset, in words, or null when it can. */
  fitProblem(versionId = this.history.current): string | null {
    return this.data ? fitProblem(this.history.get(versionId).model.spec, this.data.dataset) : null;
  }

  /** The GPU copy of the dataset, made on first use (and again after a device loss). */
  private gpuDataset(): GpuDataset {
    const gpu = this.gpu();
    gpu.assertAlive();
    this.gpuData ??= GpuDataset.upload(gpu, this.requireData().dataset);
    return this.gpuData;
  }

  /** Runs GPU jobs one at a time, in the order asked; a job that fails does not block the next. */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Cancels the running long job: training stops after the current step, maps and evaluation between batches. */
  cancel(): void {
    this.abort.abort();
    this.control?.stop();
  }

  /** The signal of a job that starts now (a cancel before it started does not reach it). */
  private beginJob(): AbortSignal {
    if (this.abort.signal.aborted) this.abort = new AbortController();
    return this.abort.signal;
  }

  // ---- views ---------------------------------------------------------------------------------------------

  datasetInfo(): DatasetInfo | null {
    if (!this.data) return null;
    const split = this.versions ? this.splitOf().split : splitForModel(this.data.dataset, { name: '', split: undefined }).split;
    return describeDatasetForPage(this.data.choice, split);
  }

  describe(version: Version = this.history.currentVersion): ModelInfo {
    const summary = summarizeModel(version.model.spec);
    const m = version.metrics;
    const split = this.data ? this.splitOf(version.id) : null;
    return {
      versionId: version.id,
      name: version.model.spec.name,
      inputShape: version.model.spec.inputShape,
      layers: summary.layers.map((l, i) => {
        const spec = version.model.spec.layers[i];
        return { name: l.name, kind: l.kind, outputShape: l.outputShape, params: l.params, flops: l.flops, kernels: spec.kind === 'conv2d' ? spec.filters : null };
      }),
      totalParams: summary.totalParams,
      totalFlops: summary.totalFlops,
      origin: version.note,
      untrained: this.untrained.has(version.id),
      fitProblem: this.fitProblem(version.id),
      split: split ? describeSplit(split) : null,
      splitWarnings: split ? split.warnings : [],
      datasetAdvice: this.data ? datasetAdvice(version.model.spec, (this.fingerprint ??= datasetFingerprint(this.data.dataset))) : null,
      accuracy: m.accuracy ?? null,
      testCount: m.testCount ?? null,
      accuracyInterval: m.accuracy !== undefined && m.testCount ? accuracyInterval(m.accuracy, m.testCount) : null,
      inheritedFrom: m.inheritedFrom ?? null,
      editUnderWay: this.editUnderWay(version),
      pendingTraining: this.pendingTraining(),
    };
  }

  /**
   * The edit whose effect a version shows: its own, or, for a retrained copy of an edited version (edit +
   * retrain is one step of the method), its parent's. Null for a root, an import or a new architecture.
   */
  private editUnderWay(version: Version): ModelInfo['editUnderWay'] {
    if (version.edit) return { version: version.id, edit: version.edit };
    if (version.parent === null) return null;
    const parent = this.history.get(version.parent);
    return parent.edit && sameArchitecture(version, parent) ? { version: parent.id, edit: parent.edit } : null;
  }

  historyInfo(): HistoryInfo {
    const h = this.versions;
    if (!h) return { versions: [], current: -1, canUndo: false, canRedo: false };
    const versions = h.versions().map((v) => ({
      id: v.id, parent: v.parent, label: versionLabel(v, v.parent === null ? null : h.get(v.parent)), note: v.note, edit: v.edit ? describeEdit(v.edit) : null,
      editLayer: v.edit ? (v.edit.kind === 'insert' ? v.edit.after : v.edit.layer) : null,
      suggestion: (v.suggestion as SuggestionInfo | null)?.rule ?? null,
      params: v.metrics.params, flops: v.metrics.flops,
      convKernels: v.model.spec.layers.reduce((n, l) => n + (l.kind === 'conv2d' ? l.filters : 0), 0),
      accuracy: v.metrics.accuracy ?? null, loss: v.metrics.loss ?? null, testCount: v.metrics.testCount ?? null,
      evaluatedOn: v.metrics.evaluatedOn ?? null, inheritedFrom: v.metrics.inheritedFrom ?? null,
      validationAccuracy: v.metrics.validationAccuracy ?? null, curves: v.curves, createdAt: v.createdAt,
    }));
    return { versions, current: h.current, canUndo: h.canUndo(), canRedo: h.canRedo() };
  }

  compare(a: number, b: number): VersionComparisonInfo {
    const comparison = this.history.compare(a, b);
    const ka = this.history.get(a).metrics.evaluatedOn;
    const kb = this.history.get(b).metrics.evaluatedOn;
    const convs = this.history.get(b).model.spec.layers.filter((l) => l.kind === 'conv2d').map((l) => l.name);
    const kernels = convs.flatMap((layer) => kernelLineage(this.history, a, b, layer) ?? []);
    return { ...comparison, sameTestImages: ka !== undefined && ka === kb, kernels };
  }

  cachedMaps(layer: string, versionId = this.history.current): LayerMaps | null {
    return this.maps.get(mapsKey(versionId, layer)) ?? null;
  }

  /** The maps of `layer` (current version) with their suggestions made again under `thresholds`; kept; null without maps. */
  resuggest(layer: string, thresholds: Partial<SuggestionThresholds>, versionId = this.history.current): LayerMaps | null {
    const maps = this.cachedMaps(layer, versionId);
    if (!maps) return null;
    const again = resuggestLayer(maps, this.history.get(versionId).model.spec, thresholds);
    this.maps.set(mapsKey(versionId, layer), again);
    return again;
  }

  // ---- training and evaluation ---------------------------------------------------------------------------

  /** Retrains the current version and commits the result, evaluated, as a new version. */
  train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    return this.runTraining(this.history.currentVersion, request, onEvent, null);
  }

  /** The training that did not finish, if any: which version it trains from and how far it got. */
  pendingTraining(): { from: number; step: number; epoch: number; epochs: number } | null {
    const p = this.pending;
    return p ? { from: p.from, step: p.checkpoint.step, epoch: p.checkpoint.epoch, epochs: p.checkpoint.config.epochs } : null;
  }

  /** Continues the training that did not finish from its last checkpoint (see PendingTraining). */
  continueTraining(onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    const p = this.pending;
    if (!p) return Promise.reject(new Error('there is no stopped training to continue'));
    return this.runTraining(this.history.get(p.from), p.request, onEvent, p.checkpoint);
  }

  private runTraining(from: Version, request: TrainRequest, onEvent: (event: TrainEvent) => void, resume: TrainCheckpoint | null): Promise<TrainOutcome> {
    if (this.control) return Promise.reject(new Error('training is already running'));
    const mismatch = this.fitProblem(from.id);
    if (mismatch) return Promise.reject(new ModelDatasetMismatchError(mismatch));
    const control = new TrainingControl();
    this.control = control;
    return this.exclusive(async () => {
      this.beginJob();
      try {
        const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...request.config };
        const { split } = this.splitOf(from.id);
        const subset = subsetSplit(split, request.subset, config.seed);
        // The run's curves stay with the version it makes (and are saved with the session).
        const curves = emptyCurves();
        const record = (event: TrainEvent) => {
          recordTrainEvent(curves, event);
          onEvent(event);
        };
        const result = await train(this.gpu(), from.model, this.gpuDataset(), subset, config, record, control, {
          resume: resume ?? undefined,
          onCheckpoint: (checkpoint) => {
            this.pending = { from: from.id, request, checkpoint };
            this.notify({ type: 'checkpoint', step: checkpoint.step, epoch: checkpoint.epoch });
          },
        });
        if (result.ended === 'completed') this.pending = null;
        // The split recorded is the whole split the subset was drawn from: its validation and test images are
        // what every later evaluation of this version uses.
        const model = withSplitRecord({ spec: from.model.spec, weights: result.weights }, split);
        // Not cancellable: a finished training is always evaluated and committed (Stop ends the training, not this).
        const evaluation = await this.evaluateModel(model, 'test', request.evaluationLimit ?? this.evaluationLimit);
        const images = request.subset > 0 ? `${subset.train.length.toLocaleString('en')} images` : 'the full training split';
        const last = result.epochs[result.epochs.length - 1];
        const version = this.history.commit(model, {
          from: from.id,
          note: `retrained ${result.epochs.length} epoch(s) on ${images} (${result.ended})`,
          curves,
          training: { config, subset: request.subset },
          metrics: {
            accuracy: evaluation.accuracy, loss: evaluation.loss, testCount: evaluation.count, evaluatedOn: evaluation.evaluatedOn,
            ...(last && last.validationAccuracy !== null && last.validationLoss !== null
              ? { validationAccuracy: last.validationAccuracy, validationLoss: last.validationLoss }
              : {}),
          },
        });
        return { ended: result.ended, message: result.message, seconds: result.seconds, evaluation, model: this.describe(version) };
      } finally {
        this.control = null;
      }
    });
  }

  pauseTraining(): void {
    this.control?.pause();
  }

  resumeTraining(): void {
    this.control?.resume();
  }

  stopTraining(): void {
    this.control?.stop();
  }

  get isTraining(): boolean {
    return this.control !== null;
  }

  /** Evaluates `model` on the current split's test (or validation) images; cancellable between batches. */
  private async evaluateModel(model: Model, which: 'test' | 'validation', limit: number, signal?: AbortSignal): Promise<EvaluationSummary> {
    checkModelFitsDataset(model.spec, this.requireData().dataset);
    const { split } = this.splitOfSpec(model.spec);
    const set = evaluationSet(split, which, limit);
    const evaluator = await InferenceRunner.create(this.gpu(), model, this.gpuDataset(), Math.min(256, Math.max(1, set.indices.length)));
    try {
      const r = await evaluator.evaluate(set.indices, { signal, label: `evaluation on ${set.indices.length} ${which} images` });
      return {
        split: which, count: r.count, of: set.of, loss: r.loss, accuracy: r.accuracy,
        interval: accuracyInterval(r.accuracy, r.count),
        perClassAccuracy: r.perClassAccuracy.map((v) => (Number.isNaN(v) ? null : v)), confusion: r.confusion,
        evaluatedOn: evaluationSetKey(split, set),
      };
    } finally {
      evaluator.destroy();
    }
  }

  /** Evaluates a version (default current) and records its figures. */
  evaluate(which: 'test' | 'validation', limit = this.evaluationLimit, versionId = this.history.current): Promise<EvaluationSummary> {
    const mismatch = this.fitProblem(versionId);
    if (mismatch) return Promise.reject(new ModelDatasetMismatchError(mismatch));
    return this.exclusive(async () => {
      const signal = this.beginJob();
      const version = this.history.get(versionId);
      const result = await this.evaluateModel(version.model, which, limit, signal);
      this.history.setMetrics(
        version.id,
        which === 'test'
          ? { accuracy: result.accuracy, loss: result.loss, testCount: result.count, evaluatedOn: result.evaluatedOn, inheritedFrom: undefined }
          : { validationAccuracy: result.accuracy, validationLoss: result.loss },
      );
      return result;
    });
  }

  // ---- maps ----------------------------------------------------------------------------------------------

  analyse(request: AnalyseRequest, onProgress: (fraction: number) => void): Promise<LayerMaps> {
    const versionId = this.history.current;
    const mismatch = this.fitProblem(versionId);
    if (mismatch) return Promise.reject(new ModelDatasetMismatchError(mismatch));
    return this.exclusive(async () => {
      const signal = this.beginJob();
      const version = this.history.get(versionId);
      const { split } = this.splitOf(versionId);
      const maps = await analyseLayer(this.gpu(), version.model, this.gpuDataset(), split, request, onProgress, signal);
      const result: LayerMaps = { ...maps, versionId, restored: false };
      this.maps.set(mapsKey(versionId, request.layer), result);
      return result;
    });
  }

  topImages(versionId: number, layer: string, kernel: number, perClass: number): Promise<TopImage[]> {
    return this.exclusive(async () => {
      const { split } = this.splitOf(versionId);
      const set = selectAnalysisSet(this.requireData().dataset, split.test, perClass > 0 ? { perClass } : {});
      return topActivatingImages(this.gpu(), this.history.get(versionId).model, this.gpuDataset(), set.indices, layer, kernel, 8);
    });
  }

  // ---- baselines -----------------------------------------------------------------------------------------

  /** The baselines comparison `versionId` (default current) would run, or null when its history drops no kernel. */
  baselinePlan(versionId = this.history.current): BaselinePlan | null {
    return baselinePlan(this.history, versionId);
  }

  /** The last comparison run for `versionId` (default current) in this session or a restored one, or null. */
  baselinesReport(versionId = this.history.current): BaselinesReport | null {
    return this.baselineReports.get(versionId) ?? null;
  }

  /**
   * L1 norm, APoZ and random drops matched to the kernels the version's history dropped, each retrained with the
   * AOM-guided budget (or the smaller one asked for), beside the version's own row (version-baselines.ts).
   * Cancellable like the other long jobs (`cancel`); the versions do not change, and the report is kept as the
   * version's last comparison (`baselinesReport`, saved with the session and its project file).
   */
  compareBaselines(request: BaselinesRequest, onProgress: (progress: BaselinesProgress) => void = () => {}): Promise<BaselinesReport> {
    const versionId = request.versionId ?? this.history.current;
    const plan = this.baselinePlan(versionId);
    if (!plan) return Promise.reject(new Error(`v${versionId}'s history drops no kernel: there is nothing for the baselines to match (drop kernels, retrain, then compare)`));
    const mismatch = this.fitProblem(plan.start);
    if (mismatch) return Promise.reject(new ModelDatasetMismatchError(mismatch));
    return this.exclusive(async () => {
      const signal = this.beginJob();
      const context = {
        ctx: this.gpu(), data: this.gpuDataset(), split: this.splitOf(plan.start).split, history: this.history,
        evaluationLimit: this.evaluationLimit, signal, onProgress,
      };
      const report = await runVersionBaselines(context, plan, request);
      this.baselineReports.set(versionId, report);
      return report;
    });
  }

  // ---- edits ---------------------------------------------------------------------------------------------

  /**
   * Applies `edit` to the current version. An edit that keeps the function inherits its parent's figures; any
   * other is evaluated in the background on the same images as its parent (a 'version-evaluated' notice).
   */
  applyEdit(edit: Edit, suggestion: SuggestionInfo | null): ModelInfo {
    const from = this.history.currentVersion;
    const version = this.history.apply(edit, { suggestion, note: describeEdit(edit) });
    if (this.untrained.has(from.id)) this.untrained.add(version.id);
    const m = from.metrics;
    if (keepsFunction(edit) && m.accuracy !== undefined) {
      this.history.setMetrics(version.id, {
        accuracy: m.accuracy, loss: m.loss, testCount: m.testCount, evaluatedOn: m.evaluatedOn, inheritedFrom: m.inheritedFrom ?? from.id,
      });
    } else if (!this.untrained.has(version.id) && this.data && !this.fitProblem(version.id)) {
      this.evaluate('test', this.evaluationLimit, version.id).then(
        () => this.notify({ type: 'version-evaluated', versionId: version.id }),
        (error: Error) => this.notify({ type: 'warning', message: `version ${version.id} could not be evaluated: ${error.message}` }),
      );
    }
    return this.describe(this.history.get(version.id));
  }

  undo(): ModelInfo {
    return this.move(this.history.undo(), 'undo');
  }

  redo(): ModelInfo {
    return this.move(this.history.redo(), 'redo');
  }

  checkout(versionId: number): ModelInfo {
    return this.move(this.history.checkout(versionId), 'check out');
  }

  private move(version: Version | null, what: string): ModelInfo {
    if (!version) throw new Error(`nothing to ${what}`);
    return this.describe(version);
  }
}
