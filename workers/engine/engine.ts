/**
 * The engine behind the page: a thin adapter that implements EngineApi (src/session/engine-api.ts) over the
 * session core (src/session/studio-session.ts). What is the worker's own: acquiring the GPU device and
 * recovering from its loss, reading the user's File objects, fetching the bundled MNIST and pre-trained model,
 * keeping the session in IndexedDB (written before each changing call returns, so a reload finds it), and
 * drawing the maps into the page's canvas.
 */
import { acquireGpu } from '../../src/gpu/device.ts';
import type { GpuContext } from '../../src/gpu/context.ts';
import { mnistRef, architectureByName, architectureForClasses } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import type { TrainEvent } from '../../src/nn/trainer.ts';
import { HeatmapGrid, isSoftwareAdapter } from '../../src/render/heatmap-grid.ts';
import { modelFromUserFiles, modelToFiles, type ModelFileFormat } from '../../src/session/model-files.ts';
import { readUserFiles } from '../../src/session/user-files.ts';
import { architecturesFor } from '../../src/session/fit-check.ts';
import { StudioSession } from '../../src/session/studio-session.ts';
import { decodeProject, encodeProject, MAX_PROJECT_BYTES, ProjectFormatError, type ProjectContents } from '../../src/session/project-file.ts';
import { tuningReportHtml } from '../../src/render/tuning-report.ts';
import type {
  AnalyseRequest, DatasetInfo, EditRequest, EngineApi, EngineNotice, EvaluationSummary, GridLayout, HistoryInfo,
  InitResult, KernelWeights, LayerMaps, TopImage, MapView, ModelFiles, ModelInfo, RenderMode, RenderRequest, SuggestionInfo, TrainOutcome,
  AttachResult, BaselinePlan, BaselinesProgress, BaselinesReport, BaselinesRequest, SuggestionThresholds,
  TrainRequest, VersionComparisonInfo,
} from '../../src/session/engine-api.ts';
import { loadBuiltIn, loadFromFiles, type PageDataset } from './dataset-state.ts';
import { fetchReference, shippedReferences } from './pretrained.ts';
import { clearSession, loadSession, saveSession, type SavedSession } from './persistence.ts';

const UNTRAINED_NOTE = 'untrained mnist-ref (random init; the pre-trained file is not in this build)';

export class Engine implements EngineApi {
  private gpu: GpuContext | null = null;
  private session: StudioSession | null = null;
  private files: File[] | null = null;
  private settings: Record<string, unknown> = {};
  private notify: (notice: EngineNotice) => void = () => {};
  private canvas: OffscreenCanvas | null = null;
  private grid: HeatmapGrid | null = null;
  private gridKey = '';
  private render: RenderRequest = 'auto';
  /** The page's ?kernels=, for every device this worker acquires (recovery included). */
  private kernels: string | undefined;
  /** Set once presenting failed on this worker's device: nothing presents here again. */
  private presentFailed = false;
  private recovering: Promise<void> | null = null;

  async init(onNotice: (notice: EngineNotice) => void, options: { render: RenderRequest; fresh: boolean; evaluationLimit: number; kernels?: string }): Promise<InitResult> {
    this.notify = onNotice;
    this.render = options.render;
    this.kernels = options.kernels;
    try {
      await this.acquire();
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
    this.session = new StudioSession(() => this.requireGpu(), (notice) => {
      // Background evaluations change the history: keep IndexedDB current before the page re-reads it.
      // A checkpoint too: a reload or a lost device then continues from it.
      if (notice.type === 'version-evaluated' || notice.type === 'checkpoint') void this.persist().then(() => this.notify(notice));
      else this.notify(notice);
    });
    this.session.evaluationLimit = options.evaluationLimit;
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

  private requireGpu(): GpuContext {
    if (!this.gpu) throw new Error('the engine is not initialised: call init first');
    return this.gpu;
  }

  private core(): StudioSession {
    if (!this.session) throw new Error('the engine is not initialised: call init first');
    return this.session;
  }

  /** 'auto' skips the try on software rasterisers, which are known not to present; 'present' always tries. */
  private renderMode(): RenderMode {
    if (this.presentFailed || this.render === 'readback') return 'readback';
    return this.render === 'auto' && isSoftwareAdapter(this.gpu!.adapterName) ? 'readback' : 'present';
  }

  private async acquire(): Promise<void> {
    const gpu = await acquireGpu({ timestamps: false, kernels: this.kernels });
    this.gpu = gpu;
    gpu.onDeviceLost((error) => {
      if (this.gpu !== gpu) return;
      this.notify({ type: 'device-lost', message: error.message });
      this.recovering = this.recover().finally(() => (this.recovering = null));
    });
  }

  /** A new device; the dataset and the maps go back up from their CPU copies when next used. */
  private async recover(): Promise<void> {
    this.session?.dropGpuCopies();
    this.grid = null;
    this.gridKey = '';
    try {
      await this.acquire();
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

  /** The session, once any device recovery has finished. */
  private async ready(): Promise<StudioSession> {
    if (this.recovering) await this.recovering;
    this.requireGpu().assertAlive();
    return this.core();
  }

  private setDataset(data: PageDataset): void {
    this.files = data.files;
    this.core().setDataset(data);
  }

  private async startFresh(messages: string[]): Promise<void> {
    this.setDataset(await loadBuiltIn());
    const pretrained = await fetchReference('mnist-ref').catch((error: Error) => {
      messages.push(`The pre-trained mnist-ref could not be loaded (${error.message}).`);
      return null;
    });
    if (pretrained) {
      this.core().start(pretrained, 'pre-trained mnist-ref');
      // The pre-trained model's figures are on screen from the start: evaluate it now, in the background.
      this.evaluateInBackground();
    } else {
      this.core().start(initModel(mnistRef(), 1), UNTRAINED_NOTE, true);
      messages.push('The pre-trained mnist-ref is not bundled in this build: an untrained mnist-ref was built; train it before reading its maps.');
    }
    await this.persist();
  }

  private evaluateInBackground(): void {
    const session = this.core();
    const id = session.history.current;
    session.evaluate('test', session.evaluationLimit, id).then(
      () => this.persist().then(() => this.notify({ type: 'version-evaluated', versionId: id })),
      (error: Error) => this.notify({ type: 'warning', message: `version ${id} could not be evaluated: ${error.message}` }),
    );
  }

  private async restore(saved: SavedSession, messages: string[]): Promise<boolean> {
    const data = saved.dataset.kind === 'builtin-mnist' ? await loadBuiltIn() : await loadFromFiles(saved.datasetFiles ?? []);
    this.setDataset(data);
    this.core().restore(saved);
    this.settings = saved.settings ?? {};
    const limit = (this.settings.training as { evaluationLimit?: unknown } | undefined)?.evaluationLimit;
    if (typeof limit === 'number') this.core().evaluationLimit = limit;
    const maps = Object.keys(saved.maps).length;
    messages.push(
      `Restored the session saved ${new Date(saved.savedAt).toLocaleString()}: ${this.core().history.size} model version(s), ` +
        `${maps} analysis result(s). The dataset was read again${saved.dataset.kind === 'files' ? ' from the saved files' : ''} and uploaded to the GPU.`,
    );
    return true;
  }

  private async persist(): Promise<void> {
    const session = this.session;
    if (!session?.dataset || !session.hasModel) return;
    const saved: SavedSession = {
      schema: 1,
      dataset: session.dataset.choice,
      datasetFiles: this.files,
      ...session.state(),
      settings: this.settings,
      savedAt: Date.now(),
    };
    try {
      await saveSession(saved);
      this.notify({ type: 'saved', what: `${session.history.size} version(s)` });
    } catch (error) {
      this.notify({ type: 'save-failed', message: (error as Error).message });
    }
  }

  // ---- settings (the page's form values and view state, kept with the session) ---------------------------

  async saveSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = structuredClone(settings);
    const limit = (settings.training as { evaluationLimit?: unknown } | undefined)?.evaluationLimit;
    if (typeof limit === 'number' && this.session) this.session.evaluationLimit = limit;
    await this.persist();
  }

  async loadSettings(): Promise<Record<string, unknown>> {
    return this.settings;
  }

  // ---- dataset ---------------------------------------------------------------------------------------------

  async datasetInfo(): Promise<DatasetInfo | null> {
    return this.core().datasetInfo();
  }

  async loadBuiltInDataset(): Promise<DatasetInfo> {
    this.core().assertCanChangeDataset();
    this.setDataset(await loadBuiltIn());
    await this.persist();
    return this.core().datasetInfo()!;
  }

  async loadDatasetFiles(files: File[]): Promise<DatasetInfo> {
    this.core().assertCanChangeDataset(); // before the files are read
    const state = await loadFromFiles(files); // throws before anything is replaced
    this.setDataset(state);
    await this.persist();
    return this.core().datasetInfo()!;
  }

  async fittingArchitectures(): Promise<string[]> {
    const data = this.core().dataset;
    return data ? architecturesFor(data.dataset) : [];
  }

  /** A new version: a built-in architecture (random init) for the loaded data's images and classes. */
  async createModel(architecture: string, seed = 1): Promise<ModelInfo> {
    const session = this.core();
    const data = session.dataset;
    // One output per class of the loaded data (cifar-ref for CIFAR-100 gets 100).
    const model = initModel(data ? architectureForClasses(architecture, data.dataset.classNames.length) : architectureByName(architecture), seed);
    if (data) model.spec.classNames = [...data.dataset.classNames];
    const version = session.add(model, `new ${architecture} (random init, seed ${seed})`, true);
    await this.persist();
    return session.describe(version);
  }

  // ---- model -----------------------------------------------------------------------------------------------

  async modelInfo(): Promise<ModelInfo | null> {
    return this.session?.hasModel ? this.session.describe() : null;
  }

  async importModel(files: File[]): Promise<ModelInfo> {
    const model = modelFromUserFiles(await readUserFiles(files));
    const note = `imported ${files.find((f) => /\.(json|onnx)$/i.test(f.name))?.name ?? 'model'} (${model.spec.name})`;
    const version = this.core().add(model, note);
    await this.persist();
    return this.core().describe(version);
  }

  async references(): Promise<string[]> {
    return shippedReferences();
  }

  /**
   * A shipped pre-trained reference as a new version, as an imported file is (nothing of the session is lost).
   * On the dataset it was trained on it is evaluated in the background, as the pre-trained mnist-ref is on start;
   * on another one its figures would not be its held-out ones, and the model panel says how to open its own.
   */
  async openReference(name: string): Promise<ModelInfo> {
    const model = await fetchReference(name);
    if (!model) throw new Error(`the pre-trained '${name}' is not in this build (shipped: ${shippedReferences().join(', ') || 'none'})`);
    const session = this.core();
    session.add(model, `pre-trained ${name}`);
    const info = session.describe();
    if (!info.datasetAdvice && !info.fitProblem && info.splitWarnings.length === 0) this.evaluateInBackground();
    await this.persist();
    return info;
  }

  async exportModel(versionId?: number, format: ModelFileFormat = 'tfjs'): Promise<ModelFiles> {
    const history = this.core().history;
    return modelToFiles(history.get(versionId ?? history.current).model, format);
  }

  // ---- training and evaluation -----------------------------------------------------------------------------

  async train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    const outcome = await (await this.ready()).train(request, onEvent);
    await this.persist();
    return outcome;
  }

  async continueTraining(onEvent: (event: TrainEvent) => void): Promise<TrainOutcome> {
    const outcome = await (await this.ready()).continueTraining(onEvent);
    await this.persist();
    return outcome;
  }

  pauseTraining(): void {
    this.session?.pauseTraining();
  }
  resumeTraining(): void {
    this.session?.resumeTraining();
  }
  stopTraining(): void {
    this.session?.stopTraining();
  }
  cancel(): void {
    this.session?.cancel();
  }

  async evaluate(split: 'test' | 'validation', limit: number): Promise<EvaluationSummary> {
    const result = await (await this.ready()).evaluate(split, limit);
    await this.persist();
    return result;
  }

  // ---- maps ------------------------------------------------------------------------------------------------

  async analyse(request: AnalyseRequest, onProgress: (fraction: number) => void): Promise<LayerMaps> {
    const result = await (await this.ready()).analyse(request, onProgress);
    await this.persist();
    return result;
  }

  async cachedMaps(layer: string, versionId?: number): Promise<LayerMaps | null> {
    return this.session?.hasModel ? this.session.cachedMaps(layer, versionId) : null;
  }

  async resuggest(layer: string, thresholds: Partial<SuggestionThresholds>): Promise<LayerMaps | null> {
    const maps = this.session?.hasModel ? this.session.resuggest(layer, thresholds) : null;
    if (maps) await this.persist();
    return maps;
  }

  async attachMapCanvas(canvas: OffscreenCanvas, render: RenderRequest): Promise<AttachResult> {
    const gpu = this.requireGpu();
    this.render = render;
    this.grid?.destroy();
    this.grid = null;
    this.gridKey = '';
    try {
      const grid = new HeatmapGrid(gpu, canvas, this.renderMode());
      if (grid.mode === 'present') await grid.checkPresent();
      this.canvas = canvas;
      this.grid = grid;
      return { ok: true, mode: grid.mode };
    } catch (error) {
      // The device may be gone with the failed present (its loss handler then finds no canvas to redraw).
      this.presentFailed = true;
      this.canvas = null;
      return { ok: false, error: (error as Error).message };
    }
  }

  async kernelWeights(versionId: number, layer: string, kernel: number): Promise<KernelWeights> {
    const tensor = this.core().history.get(versionId).model.weights[layer]?.kernel;
    if (!tensor || tensor.shape.length !== 4) throw new Error(`version ${versionId} has no conv kernel weights for layer '${layer}'`);
    const [kh, kw, cin, cout] = tensor.shape;
    if (!(kernel >= 0 && kernel < cout)) throw new RangeError(`layer '${layer}' has kernels 0..${cout - 1}, not ${kernel}`);
    // HWIO: element (y, x, i, o) is at ((y * kw + x) * cin + i) * cout + o.
    const values = new Float32Array(kh * kw * cin);
    for (let p = 0; p < kh * kw * cin; p++) values[p] = tensor.data[p * cout + kernel];
    return { kh, kw, cin, values };
  }

  async topImages(versionId: number, layer: string, kernel: number, perClass: number): Promise<TopImage[]> {
    return (await this.ready()).topImages(versionId, layer, kernel, perClass);
  }

  async drawMaps(view: MapView): Promise<GridLayout | null> {
    if (this.recovering) await this.recovering;
    const maps = this.session?.hasModel ? this.session.cachedMaps(view.layer, view.versionId) : null;
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
    const info = this.core().applyEdit(edit, suggestion);
    await this.persist();
    return info;
  }

  async history(): Promise<HistoryInfo> {
    return this.session ? this.session.historyInfo() : { versions: [], current: -1, canUndo: false, canRedo: false };
  }

  private async move(step: (s: StudioSession) => ModelInfo): Promise<ModelInfo> {
    const info = step(this.core());
    await this.persist();
    return info;
  }

  undo(): Promise<ModelInfo> {
    return this.move((s) => s.undo());
  }
  redo(): Promise<ModelInfo> {
    return this.move((s) => s.redo());
  }
  checkout(versionId: number): Promise<ModelInfo> {
    return this.move((s) => s.checkout(versionId));
  }

  async compare(a: number, b: number): Promise<VersionComparisonInfo> {
    return this.core().compare(a, b);
  }

  async baselinePlan(): Promise<BaselinePlan | null> {
    return this.session?.hasModel ? this.session.baselinePlan() : null;
  }

  async baselinesReport(): Promise<BaselinesReport | null> {
    return this.session?.hasModel ? this.session.baselinesReport() : null;
  }

  async compareBaselines(request: BaselinesRequest, onProgress: (progress: BaselinesProgress) => void): Promise<BaselinesReport> {
    const report = await (await this.ready()).compareBaselines(request, onProgress);
    // Saved with the session at once: a comparison can take an hour of retraining.
    await this.persist();
    return report;
  }

  // ---- project files (.aomproj) and the report ---------------------------------------------------------------

  private projectContents(): ProjectContents {
    const session = this.core();
    return { state: session.state(), settings: this.settings, dataset: session.dataset?.choice ?? null, savedAt: new Date().toISOString() };
  }

  async saveProject(): Promise<ModelFiles> {
    return { files: [{ name: 'session.aomproj', bytes: encodeProject(this.projectContents()) }] };
  }

  async openProject(file: File): Promise<string[]> {
    if (file.size > MAX_PROJECT_BYTES) throw new ProjectFormatError(`${file.name}: is larger than the ${MAX_PROJECT_BYTES} bytes a project may have`);
    // Read and checked whole before anything of the open session is replaced.
    const project = decodeProject(new Uint8Array(await file.arrayBuffer()), file.name);
    const messages: string[] = [];
    if (project.dataset?.kind === 'builtin-mnist' && this.core().dataset?.choice.kind !== 'builtin-mnist') this.setDataset(await loadBuiltIn());
    else if (project.dataset?.kind === 'files') messages.push(`The project was saved with the dataset ${project.dataset.names.join(', ')}: open those files to evaluate and analyse on it.`);
    this.core().restore(project.state);
    this.settings = project.settings;
    await this.persist();
    messages.push(`Opened ${file.name} (saved ${project.savedAt}): ${this.core().history.size} version(s), ${Object.keys(project.state.maps).length} analysis result(s).`);
    return messages;
  }

  async reportHtml(): Promise<ModelFiles> {
    return { files: [{ name: 'report.html', bytes: new TextEncoder().encode(tuningReportHtml(this.projectContents())) }] };
  }

  async resetSession(): Promise<void> {
    await clearSession();
    this.settings = {};
    await this.startFresh([]);
  }

  async simulateDeviceLoss(): Promise<void> {
    this.gpu?.device.destroy();
  }
}
