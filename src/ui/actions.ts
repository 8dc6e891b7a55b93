/**
 * What the page's buttons do: call the engine worker and put the answers into the stores. Each action catches
 * its own errors into its domain's `error`, so a failure shows in place, next to the control that caused it.
 */
import { batch } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { engine, proxy, restartEngine } from './engine-client.ts';
import type { EditRequest, EngineNotice, ModelInfo, RenderRequest, SuggestionInfo, TrainEvent, TrainOutcome } from '../session/engine-api.ts';
import { session, setSession } from './stores/session-store.ts';
import { setDataset } from './stores/dataset-store.ts';
import { model, setModel } from './stores/model-store.ts';
import { curves, setTraining, training } from './stores/training-store.ts';
import { analysis, setAnalysis } from './stores/analysis-store.ts';
import { history, setHistory } from './stores/history-store.ts';
import { applySettings, currentSettings, savedComparison } from './settings.ts';
import { refreshBaselinePlan } from './baselines-actions.ts';
import { currentThresholds, underCurrentThresholds } from './threshold-actions.ts';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** Comlink rebuilds a worker's Error with its name, so a cancellation is recognised on this side too. */
const isCancel = (error: unknown): boolean => error instanceof Error && (error.name === 'CancelledError' || / cancelled/.test(error.message));

function onNotice(notice: EngineNotice): void {
  switch (notice.type) {
    case 'device-lost':
      setSession('notice', `GPU device lost: ${notice.message}`);
      break;
    case 'device-recovered':
      setSession('notice', notice.message);
      void redrawAfterRecovery();
      break;
    case 'saved':
      setSession('notice', `Session saved in this browser (${notice.what}).`);
      break;
    case 'save-failed':
      setSession('notice', `The session could not be saved: ${notice.message}`);
      break;
    case 'version-evaluated':
      void refreshAfterEvaluation();
      break;
    case 'warning':
      setSession('notice', notice.message);
      break;
  }
}

/** A version was evaluated in the background: its figures reach the model panel, the history and the comparison. */
async function refreshAfterEvaluation(): Promise<void> {
  const [info, historyInfo] = await Promise.all([engine.modelInfo(), engine.history()]);
  batch(() => {
    setModel('info', info);
    setHistory('info', historyInfo);
  });
  const c = history.comparison;
  if (c) setHistory("comparison", await engine.compare(c.a, c.b));
}

/**
 * Plain data for postMessage: values read from a Solid store are proxies, which the structured clone of a
 * worker message refuses ("could not be cloned"); unwrap gives the object underneath, cloned so the worker
 * never shares it with the store.
 */
const plain = <T,>(value: T): T => structuredClone(unwrap(value));

/** The page's `?kernels=` (a forced conv/dense kernel variant), kept for the workers restarted after it. */
let kernelsRequest: string | undefined;

/** Starts the engine (restoring the saved session) and fills every store. */
export async function start(options: { render: RenderRequest; fresh: boolean; evaluationLimit?: number; kernels?: string }): Promise<void> {
  kernelsRequest = options.kernels;
  if (options.evaluationLimit !== undefined) setTraining('evaluationLimit', options.evaluationLimit);
  setSession('renderRequest', options.render);
  const result = await engine.init(proxy(onNotice), { ...options, evaluationLimit: options.evaluationLimit ?? training.evaluationLimit });
  if (!result.ok) {
    setSession({ status: 'failed', error: result.error });
    return;
  }
  const saved = await engine.loadSettings();
  applySettings(saved);
  const [datasetInfo, modelInfo] = await Promise.all([engine.datasetInfo(), engine.modelInfo()]);
  batch(() => {
    setSession({ status: 'ready', adapter: result.adapter, renderMode: result.renderMode, messages: result.restored.messages });
    setDataset('info', datasetInfo);
  });
  await afterModelChange(modelInfo);
  setModel({ fitting: await engine.fittingArchitectures(), references: await engine.references() });
  // The comparison on screen when the page was left comes back too.
  const pair = savedComparison(saved);
  if (pair && pair.every((id) => history.info.versions.some((v) => v.id === id))) await compare(pair[0], pair[1]);
}

/**
 * Presenting the maps failed, and the worker's GPU device with it: a fresh worker, told to read back, restores
 * the session the old one saved (versions, analyses), gets the page's settings again, and the maps canvas
 * attaches a new canvas element to it (engineGeneration). The selection and the view stay as they were.
 */
export async function restartInReadback(reason: string): Promise<void> {
  restartEngine();
  setSession({ renderRequest: 'readback', renderMode: null });
  const result = await engine.init(proxy(onNotice), { render: 'readback', fresh: false, evaluationLimit: training.evaluationLimit, kernels: kernelsRequest });
  if (!result.ok) {
    setSession({ status: 'failed', error: result.error });
    return;
  }
  await engine.saveSettings(currentSettings());
  const [info, historyInfo, maps] = await Promise.all([engine.modelInfo(), engine.history(), engine.cachedMaps(analysis.layer)]);
  batch(() => {
    setModel('info', info);
    setHistory('info', historyInfo);
    setAnalysis('maps', maps);
    // Among the start-up messages, which stay on screen (a notice is replaced by the next save's).
    const text = `Presenting the maps straight to a WebGPU canvas failed on this adapter (${reason}); the engine was restarted and draws them through read-back (texture → 2D canvas).`;
    setSession({ engineGeneration: session.engineGeneration + 1, notice: text, messages: [...session.messages, text] });
  });
}

/** Refreshes everything that depends on the current version. */
async function afterModelChange(info: ModelInfo | null): Promise<void> {
  setModel({ info, error: '' });
  const [historyInfo, cached] = await Promise.all([engine.history(), info ? engine.cachedMaps(analysis.layer) : null]);
  const maps = await underCurrentThresholds(cached);
  const layers = info?.layers.filter((l) => l.kernels !== null).map((l) => l.name) ?? [];
  batch(() => {
    setHistory('info', historyInfo);
    if (!layers.includes(analysis.layer) && layers.length) setAnalysis('layer', layers[0]);
    setAnalysis({ maps, selected: [], detail: null, hover: null });
  });
  await refreshBaselinePlan();
}

export async function loadBuiltIn(): Promise<void> {
  setDataset({ loading: true, error: '' });
  try {
    setDataset('info', await engine.loadBuiltInDataset());
    await afterDatasetChange();
  } catch (error) {
    setDataset('error', message(error));
  } finally {
    setDataset('loading', false);
  }
}

export async function loadFiles(files: File[]): Promise<void> {
  setDataset({ loading: true, error: '' });
  try {
    setDataset('info', await engine.loadDatasetFiles(files));
    await afterDatasetChange();
  } catch (error) {
    setDataset('error', message(error));
  } finally {
    setDataset('loading', false);
  }
}

/** A new dataset: the model's fit and split change with it, and the maps of the old one are gone. */
async function afterDatasetChange(): Promise<void> {
  const [info, fitting] = await Promise.all([engine.modelInfo(), engine.fittingArchitectures()]);
  batch(() => {
    setModel({ info, fitting });
    setAnalysis({ maps: null, selected: [], detail: null, hover: null });
  });
}

/** Adds a built-in architecture that takes the loaded images, as a new (untrained) version. */
export async function createModel(architecture: string): Promise<void> {
  setModel({ busy: true, error: '' });
  try {
    await afterModelChange(await engine.createModel(architecture));
  } catch (error) {
    setModel('error', message(error));
  } finally {
    setModel('busy', false);
  }
}

/** Opens a shipped pre-trained reference (mnist-ref, fashion-ref) as a new version. */
export async function openReference(name: string): Promise<void> {
  setModel({ busy: true, error: '' });
  try {
    await afterModelChange(await engine.openReference(name));
  } catch (error) {
    setModel('error', message(error));
  } finally {
    setModel('busy', false);
  }
}

export async function importModel(files: File[]): Promise<void> {
  setModel({ busy: true, error: '' });
  try {
    await afterModelChange(await engine.importModel(files));
  } catch (error) {
    setModel('error', message(error));
  } finally {
    setModel('busy', false);
  }
}

/** Downloads the current version as model.json + shards (one file each: browsers download them side by side). */
/** Hands files made by the worker to the browser as downloads. */
function download(files: { name: string; bytes: Uint8Array }[]): void {
  for (const file of files) {
    const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>]));
    const a = Object.assign(document.createElement('a'), { href: url, download: file.name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

export async function exportModel(format: 'tfjs' | 'onnx' = 'tfjs'): Promise<void> {
  try {
    download((await engine.exportModel(undefined, format)).files);
  } catch (error) {
    setModel('error', message(error));
  }
}

/** Saves the session as a .aomproj, or downloads its HTML report. */
export async function saveProject(what: 'project' | 'report'): Promise<void> {
  try {
    download((what === 'project' ? await engine.saveProject() : await engine.reportHtml()).files);
  } catch (error) {
    setModel('error', message(error));
  }
}

/** Opens a .aomproj: the worker checks it whole, replaces the session and keeps it; the page then reloads it. */
export async function openProject(files: File[]): Promise<void> {
  setModel({ busy: true, error: '' });
  try {
    await engine.openProject(files[0]);
    // Reload without `?fresh`, which would throw the opened session away again.
    const url = new URL(location.href);
    url.searchParams.delete('fresh');
    location.assign(url);
  } catch (error) {
    setModel('error', message(error));
  } finally {
    setModel('busy', false);
  }
}

function onTrainEvent(event: TrainEvent): void {
  if (event.type === 'step') {
    curves.step.push(event.step);
    curves.loss.push(event.loss);
    curves.accuracy.push(event.accuracy);
    setTraining({ step: event.step, totalSteps: event.totalSteps, imagesPerSecond: event.imagesPerSecond, etaSeconds: event.etaSeconds, curveVersion: training.curveVersion + 1 });
  } else if (event.type === 'paused' || event.type === 'resumed') {
    setTraining('paused', event.type === 'paused');
  }
}

export function startTraining(): Promise<void> {
  return runTraining(() =>
    engine.train(
      {
        config: { epochs: training.epochs, batchSize: training.batchSize, optimizer: training.optimizer, lr: training.lr, logEvery: 5 },
        subset: training.subset,
        evaluationLimit: training.evaluationLimit,
      },
      proxy(onTrainEvent),
    ),
  );
}

/** Continues the stopped (or reload- or device-cut) training from its last checkpoint. */
export function continueTraining(): Promise<void> {
  return runTraining(() => engine.continueTraining(proxy(onTrainEvent)));
}

async function runTraining(run: () => Promise<TrainOutcome>): Promise<void> {
  curves.step.length = curves.loss.length = curves.accuracy.length = 0;
  setTraining({ running: true, paused: false, step: 0, totalSteps: 0, error: '', outcome: null, curveVersion: training.curveVersion + 1 });
  try {
    const outcome = await run();
    setTraining({ outcome, evaluation: outcome.evaluation });
    await afterModelChange(outcome.model);
  } catch (error) {
    setTraining('error', message(error));
  } finally {
    setTraining({ running: false, paused: false });
  }
}

export const pauseTraining = () => void engine.pauseTraining();
export const resumeTraining = () => void engine.resumeTraining();
export const stopTraining = () => void engine.stopTraining();
/** Cancels the running maps, ablation or evaluation (between batches; nothing of it is kept). */
export const cancelJob = () => void engine.cancel();

export async function evaluate(): Promise<void> {
  setTraining({ evaluating: true, error: '' });
  try {
    setTraining('evaluation', await engine.evaluate('test', training.evaluationLimit));
    await refreshAfterEvaluation();
  } catch (error) {
    setTraining('error', isCancel(error) ? 'The evaluation was cancelled.' : message(error));
  } finally {
    setTraining('evaluating', false);
  }
}

export async function computeMaps(): Promise<void> {
  setAnalysis({ running: true, progress: 0, error: '' });
  try {
    const maps = await engine.analyse(
      { layer: analysis.layer, perClass: analysis.perClass, tau: 0, ablation: analysis.ablation, thresholds: currentThresholds() },
      proxy((fraction: number) => setAnalysis('progress', fraction)),
    );
    setAnalysis({ maps, selected: [], detail: null });
  } catch (error) {
    setAnalysis('error', isCancel(error) ? `The maps of ${analysis.layer} were cancelled; nothing was kept.` : message(error));
  } finally {
    setAnalysis('running', false);
  }
}

export async function chooseLayer(layer: string): Promise<void> {
  setAnalysis({ layer, maps: await underCurrentThresholds(await engine.cachedMaps(layer)), selected: [], detail: null, hover: null });
}

async function redrawAfterRecovery(): Promise<void> {
  // The maps are kept in the worker; bumping the store makes the canvas component draw again.
  if (analysis.maps) setAnalysis('maps', { ...analysis.maps });
}

export async function applyEdit(edit: EditRequest, suggestion: SuggestionInfo | null = null): Promise<void> {
  setHistory({ busy: true, error: '' });
  setAnalysis('applyError', null);
  try {
    const before = model.info?.versionId ?? null;
    const info = await engine.applyEdit(plain(edit), suggestion && plain(suggestion));
    await afterModelChange(info);
    if (before !== null) setHistory('comparison', await engine.compare(before, info.versionId));
  } catch (error) {
    // The error belongs next to the control that caused it: the suggestion's Apply, or the edits panel.
    if (suggestion) setAnalysis('applyError', { id: suggestion.id, message: message(error) });
    else setHistory('error', message(error));
  } finally {
    setHistory('busy', false);
  }
}

/** The edit a suggestion proposes (issue 5 gives it in issue 6's plain-data form). */
export const suggestionEdit = (s: SuggestionInfo): EditRequest => s.edit;

async function move(step: () => Promise<ModelInfo>): Promise<void> {
  setHistory({ busy: true, error: '' });
  try {
    await afterModelChange(await step());
  } catch (error) {
    setHistory('error', message(error));
  } finally {
    setHistory('busy', false);
  }
}

export const undo = () => move(() => engine.undo());
export const redo = () => move(() => engine.redo());
export const checkout = (id: number) => move(() => engine.checkout(id));

export async function compare(a: number, b: number): Promise<void> {
  try {
    setHistory('comparison', await engine.compare(a, b));
  } catch (error) {
    setHistory('error', message(error));
  }
}

/**
 * Before/after of the last step: the current version against its parent, or, when the current version is a
 * retrain of an edit, against the version before that edit (edit + retrain is one step of the method).
 */
export async function compareWithParent(): Promise<void> {
  const byId = new Map(history.info.versions.map((v) => [v.id, v]));
  const current = byId.get(history.info.current);
  if (!current || current.parent === null) return;
  const parent = byId.get(current.parent)!;
  const before = current.edit === null && parent.edit !== null && parent.parent !== null ? parent.parent : parent.id;
  await compare(before, current.id);
}

export async function resetSession(): Promise<void> {
  await engine.resetSession();
  location.reload();
}
