/**
 * The engine behind the page: owns the GPU device, the dataset (CPU copy and GPU copy), the model history and
 * the analysis results, and implements EngineApi (src/session/engine-api.ts) for the worker to expose.
 *
 * State that matters lives on the CPU side (dataset bytes, every version's weights, maps), so a lost device
 * costs only the GPU copies: `recover` acquires a new device and re-uploads them. Every change of the session
 * is written to IndexedDB before the call that made it returns, so a reload finds it.
 */
import { acquireGpu } from '../../src/gpu/device.ts';
import type { GpuContext } from '../../src/gpu/context.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { shuffleIndices, type SplitDataset } from '../../src/data/splits.ts';
import { mnistRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import type { Model } from '../../src/nn/layers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { Evaluator } from '../../src/nn/evaluator.ts';
import { train, TrainingControl, type TrainEvent } from '../../src/nn/trainer.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/nn/train-config.ts';
import { describeEdit } from '../../src/surgery/edits.ts';
import { ModelHistory, type Version, type VersionComparison } from '../../src/surgery/history.ts';
import { HeatmapGrid, isSoftwareAdapter } from '../../src/ui/gpu/heatmap-grid.ts';
import type {
  AnalyseRequest, DatasetInfo, EditRequest, EngineApi, EngineNotice, EvaluationSummary, GridLayout, HistoryInfo,
  InitResult, KernelWeights, LayerMaps, TopImage, MapView, ModelFiles, ModelInfo, RenderMode, SuggestionInfo, TrainOutcome, TrainRequest,
} from '../../src/session/engine-api.ts';
import { analyseLayer } from './analysis-bridge.ts';
import { describeDataset, loadBuiltIn, loadFromFiles, type DatasetState } from './dataset-state.ts';
import { fetchPretrainedMnistRef, modelFromUserFiles, modelToFiles } from './model-files.ts';
import { clearSession, loadSession, saveSession, type SavedSession } from './persistence.ts';
import { readUserFiles } from './user-files.ts';
import { topActivatingImages } from './top-images.ts';
import { selectAnalysisSet } from '../../src/analysis/analysis-set.ts';

const UNTRAINED_NOTE = 'untrained mnist-ref (random init; the pre-trained file is not in this build)';

export class Engine implements EngineApi {
  private gpu: GpuContext | null = null;
  private gpuData: GpuDataset | null = null;
  private data: DatasetState | null = null;
  private versions: ModelHistory | null = null;
  /** Versions whose weights are random (no training yet): the UI says so. */
  private untrained = new Set<number>();
  private maps = new Map<string, LayerMaps>();
  private control: TrainingControl | null = null;
  private notify: (notice: EngineNotice) => void = () => {};
  private canvas: OffscreenCanvas | null = null;
  private grid: HeatmapGrid | null = null;
  private gridKey = '';
  private forceReadback = false;
  private recovering: Promise<void> | null = null;

  async init(onNotice: (notice: EngineNotice) => void, options: { forceReadback: boolean; fresh: boolean }): Promise<InitResult> {
    this.notify = onNotice;
    this.forceReadback = options.forceReadback;
    try {
      await this.acquire();
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    const messages: string[] = [];
    let restored = false;
    if (options.fresh) await clearSession().catch(() => {});
    try {
      const saved = options.fresh ? null : await loadSession();
      if (saved) restored = await this.restore(saved, messages);
    } catch (error) {
      messages.push(`The saved session could not be restored (${(error as Error).message}); starting over on MNIST.`);
    }
    if (!restored) await this.startFresh(messages);
    return { ok: true, adapter: this.gpu!.adapterName, renderMode: this.renderMode(), restored: { restored, messages } };
  }

  private renderMode(): RenderMode {
    return this.forceReadback || isSoftwareAdapter(this.gpu!.adapterName) ? 'readback' : 'present';
  }

  private async acquire(): Promise<void> {
    const gpu = await acquireGpu({ timestamps: false });
    this.gpu = gpu;
    gpu.onDeviceLost((error) => {
      if (this.gpu !== gpu) return;
      this.notify({ type: 'device-lost', message: error.message });
      this.recovering = this.recover().finally(() => (this.recovering = null));
    });
  }

  /** A new device; the dataset and the maps go back up from their CPU copies. */
  private async recover(): Promise<void> {
    this.gpuData = null;
    this.grid = null;
    this.gridKey = '';
    this.control?.stop();
    try {
      await this.acquire();
      if (this.data) this.gpuData = GpuDataset.upload(this.gpu!, this.data.dataset);
      if (this.canvas) this.grid = new HeatmapGrid(this.gpu!, this.canvas, this.renderMode());
      this.notify({
        type: 'device-recovered',
        adapter: this.gpu!.adapterName,
        message: 'A new GPU device is in use: the dataset was uploaded again and the maps will be redrawn. Any training in progress was stopped; versions and analyses are kept.',
      });
    } catch (error) {
      this.notify({ type: 'device-lost', message: `Recovery failed: ${(error as Error).message}. Reload the page.` });
    }
  }

  private async ready(): Promise<{ gpu: GpuContext; gpuData: GpuDataset; data: DatasetState; history: ModelHistory }> {
    if (this.recovering) await this.recovering;
    if (!this.gpu) throw new Error('the engine is not initialised: call init first');
    if (!this.data) throw new Error('no dataset is loaded');
    if (!this.versions) throw new Error('no model is loaded');
    this.gpu.assertAlive();
    this.gpuData ??= GpuDataset.upload(this.gpu, this.data.dataset);
    return { gpu: this.gpu, gpuData: this.gpuData, data: this.data, history: this.versions };
  }

  private async startFresh(messages: string[]): Promise<void> {
    this.setDataset(await loadBuiltIn());
    const pretrained = await fetchPretrainedMnistRef().catch((error: Error) => {
      messages.push(`The pre-trained mnist-ref could not be loaded (${error.message}).`);
      return null;
    });
    if (pretrained) {
      this.versions = ModelHistory.start(pretrained, { note: 'pre-trained mnist-ref' });
    } else {
      this.versions = ModelHistory.start(initModel(mnistRef(), 1), { note: UNTRAINED_NOTE });
      this.untrained.add(0);
      messages.push('The pre-trained mnist-ref is not bundled in this build: an untrained mnist-ref was built; train it before reading its maps.');
    }
    await this.persist();
  }

  private async restore(saved: SavedSession, messages: string[]): Promise<boolean> {
    const data = saved.dataset.kind === 'builtin-mnist' ? await loadBuiltIn() : await loadFromFiles(saved.datasetFiles ?? []);
    this.setDataset(data);
    this.versions = ModelHistory.fromStored(saved.history);
    this.untrained = new Set(saved.untrained);
    this.maps = new Map(Object.entries(saved.maps).map(([key, maps]) => [key, { ...maps, restored: true }]));
    messages.push(
      `Restored the session saved ${new Date(saved.savedAt).toLocaleString()}: ${this.versions.size} model version(s), ` +
        `${this.maps.size} analysis result(s). The dataset was read again${saved.dataset.kind === 'files' ? ' from the saved files' : ''} and uploaded to the GPU.`,
    );
    return true;
  }

  private setDataset(state: DatasetState): void {
    this.gpuData?.destroy();
    this.gpuData = null;
    this.data = state;
  }

  private async persist(): Promise<void> {
    if (!this.data || !this.versions) return;
    const session: SavedSession = {
      schema: 1,
      dataset: this.data.choice,
      datasetFiles: this.data.files,
      history: this.versions.toStored(),
      untrained: [...this.untrained],
      maps: Object.fromEntries([...this.maps].map(([key, value]) => [key, { ...value, restored: false }])),
      savedAt: Date.now(),
    };
    try {
      await saveSession(session);
      this.notify({ type: 'saved', what: `${this.versions.size} version(s)` });
    } catch (error) {
      this.notify({ type: 'save-failed', message: (error as Error).message });
    }
  }

  // ---- dataset ---------------------------------------------------------------------------------------------

  async datasetInfo(): Promise<DatasetInfo | null> {
    return this.data ? describeDataset(this.data) : null;
  }

  async loadBuiltInDataset(): Promise<DatasetInfo> {
    this.setDataset(await loadBuiltIn());
    this.maps.clear();
    await this.persist();
    return describeDataset(this.data!);
  }

  async loadDatasetFiles(files: File[]): Promise<DatasetInfo> {
    const state = await loadFromFiles(files); // throws before anything is replaced
    this.setDataset(state);
    this.maps.clear();
    await this.persist();
    return describeDataset(state);
  }

  // ---- model -----------------------------------------------------------------------------------------------

  private describe(version: Version): ModelInfo {
    const summary = summarizeModel(version.model.spec);
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
    };
  }

  async modelInfo(): Promise<ModelInfo | null> {
    return this.versions ? this.describe(this.versions.currentVersion) : null;
  }

  async importModel(files: File[]): Promise<ModelInfo> {
    const model = modelFromUserFiles(await readUserFiles(files));
    const note = `imported ${files.find((f) => f.name.endsWith('.json'))?.name ?? 'model'} (${model.spec.name})`;
    const version = this.versions ? this.versions.commit(model, { note }) : (this.versions = ModelHistory.start(model, { note })).currentVersion;
    await this.persist();
    return this.describe(version);
  }

  async exportModel(versionId?: number): Promise<ModelFiles> {
    if (!this.versions) throw new Error('no model is loaded');
    return modelToFiles(this.versions.get(versionId ?? this.versions.current).model);
  }

  // ---- training and evaluation -----------------------------------------------------------------------------

  async train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    const { gpu, gpuData, data, history } = await this.ready();
    if (this.control) throw new Error('training is already running');
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...request.config };
    const split = subsetSplit(data.split, request.subset, config.seed);
    const from = history.currentVersion;
    this.control = new TrainingControl();
    try {
      const result = await train(gpu, from.model, gpuData, split, config, onEvent, this.control);
      const model: Model = { spec: from.model.spec, weights: result.weights };
      const evaluation = await this.evaluateModel(model, 'test', request.evaluationLimit);
      const images = request.subset > 0 ? `${split.train.length.toLocaleString('en')} images` : 'the full training split';
      const version = history.commit(model, {
        note: `retrained ${result.epochs.length} epoch(s) on ${images} (${result.ended})`,
        metrics: { accuracy: evaluation.accuracy, loss: evaluation.loss, ...validationMetrics(result.epochs) },
      });
      await this.persist();
      return { ended: result.ended, message: result.message, seconds: result.seconds, evaluation, model: this.describe(version) };
    } finally {
      this.control = null;
    }
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

  private async evaluateModel(model: Model, split: 'test' | 'validation', limit: number): Promise<EvaluationSummary> {
    const { gpu, gpuData, data } = await this.ready();
    const all = split === 'test' ? data.split.test : data.split.validation;
    // A seeded subset (same images every time), so versions are compared on the same images.
    const indices = limit > 0 && limit < all.length ? shuffleIndices(all, 7).slice(0, limit).sort() : all;
    const evaluator = await Evaluator.create(gpu, model, gpuData, Math.min(256, indices.length));
    try {
      const r = await evaluator.evaluate(indices);
      return {
        split, count: r.count, loss: r.loss, accuracy: r.accuracy,
        perClassAccuracy: r.perClassAccuracy.map((v) => (Number.isNaN(v) ? null : v)), confusion: r.confusion,
      };
    } finally {
      evaluator.destroy();
    }
  }

  async evaluate(split: 'test' | 'validation', limit: number): Promise<EvaluationSummary> {
    const { history } = await this.ready();
    const version = history.currentVersion;
    const result = await this.evaluateModel(version.model, split, limit);
    history.setMetrics(version.id, split === 'test' ? { accuracy: result.accuracy, loss: result.loss } : { validationAccuracy: result.accuracy, validationLoss: result.loss });
    await this.persist();
    return result;
  }

  // ---- maps ------------------------------------------------------------------------------------------------

  async analyse(request: AnalyseRequest, onProgress: (fraction: number) => void): Promise<LayerMaps> {
    const { gpu, gpuData, data, history } = await this.ready();
    const version = history.currentVersion;
    const maps = await analyseLayer(gpu, version.model, gpuData, data.split, request, onProgress);
    const result: LayerMaps = { ...maps, versionId: version.id, restored: false };
    this.maps.set(`${version.id}:${request.layer}`, result);
    await this.persist();
    return result;
  }

  async cachedMaps(layer: string): Promise<LayerMaps | null> {
    if (!this.versions) return null;
    return this.maps.get(`${this.versions.current}:${layer}`) ?? null;
  }

  async attachMapCanvas(canvas: OffscreenCanvas): Promise<RenderMode> {
    if (!this.gpu) throw new Error('the engine is not initialised: call init first');
    this.canvas = canvas;
    this.grid?.destroy();
    this.grid = new HeatmapGrid(this.gpu, canvas, this.renderMode());
    this.gridKey = '';
    return this.grid.mode;
  }

  async kernelWeights(versionId: number, layer: string, kernel: number): Promise<KernelWeights> {
    if (!this.versions) throw new Error('no model is loaded');
    const tensor = this.versions.get(versionId).model.weights[layer]?.kernel;
    if (!tensor || tensor.shape.length !== 4) throw new Error(`version ${versionId} has no conv kernel weights for layer '${layer}'`);
    const [kh, kw, cin, cout] = tensor.shape;
    if (!(kernel >= 0 && kernel < cout)) throw new RangeError(`layer '${layer}' has kernels 0..${cout - 1}, not ${kernel}`);
    // HWIO: element (y, x, i, o) is at ((y * kw + x) * cin + i) * cout + o.
    const values = new Float32Array(kh * kw * cin);
    for (let p = 0; p < kh * kw * cin; p++) values[p] = tensor.data[p * cout + kernel];
    return { kh, kw, cin, values };
  }

  async topImages(versionId: number, layer: string, kernel: number, perClass: number): Promise<TopImage[]> {
    const { gpu, gpuData, data, history } = await this.ready();
    const set = selectAnalysisSet(data.dataset, data.split.test, perClass > 0 ? { perClass } : {});
    return topActivatingImages(gpu, history.get(versionId).model, gpuData, set.indices, layer, kernel, 8);
  }

  async drawMaps(view: MapView): Promise<GridLayout | null> {
    if (this.recovering) await this.recovering;
    const maps = this.maps.get(`${view.versionId}:${view.layer}`);
    if (!this.grid || !maps) return null;
    const key = `${view.versionId}:${view.layer}:${maps.seconds}`;
    if (key !== this.gridKey) {
      this.grid.setMaps(maps);
      this.gridKey = key;
    }
    return this.grid.draw(view);
  }

  // ---- edits and history -----------------------------------------------------------------------------------

  async applyEdit(edit: EditRequest, suggestion: SuggestionInfo | null): Promise<ModelInfo> {
    if (!this.versions) throw new Error('no model is loaded');
    const from = this.versions.current;
    const version = this.versions.apply(edit, { suggestion, note: describeEdit(edit) });
    if (this.untrained.has(from)) this.untrained.add(version.id);
    await this.persist();
    return this.describe(version);
  }

  async history(): Promise<HistoryInfo> {
    return this.historyInfo();
  }

  private historyInfo(): HistoryInfo {
    const h = this.versions;
    if (!h) return { versions: [], current: -1, canUndo: false, canRedo: false };
    const versions = h.versions().map((v) => ({
      id: v.id, parent: v.parent, note: v.note, edit: v.edit ? describeEdit(v.edit) : null,
      suggestion: (v.suggestion as SuggestionInfo | null)?.rule ?? null,
      params: v.metrics.params, flops: v.metrics.flops,
      convKernels: v.model.spec.layers.reduce((n, l) => n + (l.kind === 'conv2d' ? l.filters : 0), 0),
      accuracy: v.metrics.accuracy ?? null, loss: v.metrics.loss ?? null, createdAt: v.createdAt,
    }));
    return { versions, current: h.current, canUndo: h.canUndo(), canRedo: h.canRedo() };
  }

  private async move(step: (h: ModelHistory) => Version | null, what: string): Promise<ModelInfo> {
    if (!this.versions) throw new Error('no model is loaded');
    const version = step(this.versions);
    if (!version) throw new Error(`nothing to ${what}`);
    await this.persist();
    return this.describe(version);
  }

  undo(): Promise<ModelInfo> {
    return this.move((h) => h.undo(), 'undo');
  }
  redo(): Promise<ModelInfo> {
    return this.move((h) => h.redo(), 'redo');
  }
  checkout(versionId: number): Promise<ModelInfo> {
    return this.move((h) => h.checkout(versionId), 'check out');
  }

  async compare(a: number, b: number): Promise<VersionComparison> {
    if (!this.versions) throw new Error('no model is loaded');
    return this.versions.compare(a, b);
  }

  async resetSession(): Promise<void> {
    await clearSession();
    this.maps.clear();
    this.untrained.clear();
    await this.startFresh([]);
  }

  async simulateDeviceLoss(): Promise<void> {
    this.gpu?.device.destroy();
  }
}

/** The split with its training part cut to a seeded subset of `n` images (0: unchanged); validation cut to match. */
function subsetSplit(split: SplitDataset, n: number, seed: number): SplitDataset {
  if (!(n > 0) || n >= split.train.length) return split;
  const train = shuffleIndices(split.train, seed).slice(0, n).sort();
  const validationCount = Math.min(split.validation.length, Math.max(256, Math.round(n / 4)));
  const validation = shuffleIndices(split.validation, seed + 1).slice(0, validationCount).sort();
  return { ...split, train, validation };
}

function validationMetrics(epochs: { validationAccuracy: number | null; validationLoss: number | null }[]): { validationAccuracy?: number; validationLoss?: number } {
  const last = epochs[epochs.length - 1];
  if (!last || last.validationAccuracy === null || last.validationLoss === null) return {};
  return { validationAccuracy: last.validationAccuracy, validationLoss: last.validationLoss };
}
