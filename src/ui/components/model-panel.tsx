/** Model: the current version's architecture (output shapes, parameters, FLOPs per layer), import and export. */
import { For, Show, createSignal } from 'solid-js';
import { model } from '../stores/model-store.ts';
import { createModel, exportModel, importModel, openProject, saveProject } from '../actions.ts';
import { dataset } from '../stores/dataset-store.ts';
import { ArchitectureGraph } from './architecture-graph.tsx';
import { ArchitectureTable } from './architecture-table.tsx';
import { CreateModel } from './create-model.tsx';
import { ReferencePicker } from './reference-picker.tsx';
import { FileButton } from './file-button.tsx';
import { fmtFlops, fmtInt } from '../format.ts';

// Other components import the formats from here; they live in format.ts so the graph and table need not.
export { fmtFlops, fmtInt };

export function ModelPanel() {
  const [view, setView] = createSignal<'graph' | 'table'>('graph');
  let formatSelect!: HTMLSelectElement;
  return (
    <section class="panel" data-testid="model-panel">
      <h2>Model</h2>
      <div class="toolbar">
        <FileButton label="Import model (model.json + shards, or .onnx)…" multiple accept=".json,.bin,.onnx" testId="model-files"
          buttonTestId="import-model" onFiles={(files) => void importModel(files)} />
        <select data-testid="export-format" ref={formatSelect} aria-label="export format">
          <option value="tfjs">TF.js Layers</option>
          <option value="onnx">ONNX (NCHW)</option>
        </select>
        <button data-testid="export-model" onClick={() => void exportModel(formatSelect.value as 'tfjs' | 'onnx')} disabled={!model.info}>Export</button>
        <button data-testid="save-project" onClick={() => void saveProject('project')} disabled={!model.info}>Save project</button>
        <FileButton label="Open project…" accept=".aomproj" testId="project-file" buttonTestId="open-project" onFiles={(files) => void openProject(files)} />
        <button data-testid="report" onClick={() => void saveProject('report')} disabled={!model.info}>Report</button>
        <ReferencePicker />
        <CreateModel />
      </div>
      <Show when={model.error}><p class="error" data-testid="model-error">{model.error}</p></Show>
      <Show when={model.info}>
        {(m) => (
          <>
            <p data-testid="model-origin">
              <strong>{m().name}</strong> v{m().versionId} — {m().origin}
            </p>
            <p data-testid="model-accuracy">
              <Show when={m().accuracy !== null} fallback={<span class="hint">test accuracy: not evaluated yet</span>}>
                test accuracy <strong>{(100 * m().accuracy!).toFixed(2)}%</strong> on {m().testCount!.toLocaleString('en')} images
                <Show when={m().accuracyInterval}>{(ci) => <> (95% interval {(100 * ci().low).toFixed(2)}–{(100 * ci().high).toFixed(2)}%)</>}</Show>
                <Show when={m().inheritedFrom !== null}> · inherited from v{m().inheritedFrom} (the edit keeps the function; retrain to measure)</Show>
              </Show>
            </p>
            <Show when={m().split}><p class="hint" data-testid="model-split">split: {m().split}</p></Show>
            <For each={m().splitWarnings}>{(w) => <p class="warning" data-testid="split-warning">{w}</p>}</For>
            <Show when={m().datasetAdvice}><p class="warning" data-testid="dataset-advice">{m().datasetAdvice}</p></Show>
            <Show when={m().fitProblem}>
              <div class="error" data-testid="fit-problem">
                <p>{m().fitProblem}</p>
                <div class="toolbar">
                  <For each={model.fitting}>
                    {(arch) => (
                      <button data-testid={`create-${arch}`} disabled={model.busy} onClick={() => void createModel(arch)}>
                        New {arch} for {dataset.info?.summary.name ?? 'these images'}
                      </button>
                    )}
                  </For>
                  <span class="hint">or import a model that takes these images (above).</span>
                </div>
              </div>
            </Show>
            <Show when={m().untrained}>
              <p class="warning" data-testid="untrained-warning">These weights are random: train the model before reading its maps.</p>
            </Show>
            <div class="toolbar model-totals">
              <span><strong data-testid="total-params">{fmtInt(m().totalParams)}</strong> parameters · {fmtFlops(m().totalFlops)}FLOPs per image</span>
              <span class="segmented">
                <button classList={{ active: view() === 'graph' }} data-testid="arch-view-graph" onClick={() => setView('graph')}>graph</button>
                <button classList={{ active: view() === 'table' }} data-testid="arch-view-table" onClick={() => setView('table')}>table</button>
              </span>
            </div>
            <Show when={view() === 'graph'} fallback={<ArchitectureTable info={m()} />}>
              <ArchitectureGraph info={m()} />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
