/** The maps panel's controls: layer, images per class, ablation, compute/cancel, AOM/CSM, kernel order, fit. */
import { For, Show } from 'solid-js';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { model } from '../stores/model-store.ts';
import { dataset } from '../stores/dataset-store.ts';
import { cancelJob, chooseLayer, computeMaps } from '../actions.ts';
import type { KernelSort, MapKind } from '../../session/engine-api.ts';
import { fitGrid } from '../map-view.ts';

const SORTS: [KernelSort, string][] = [['index', 'index'], ['occurrence', 'occurrence'], ['selectivity', 'selectivity'], ['redundancy', 'redundancy'], ['ablation', 'ablation impact']];

export function MapsToolbar() {
  const convLayers = () => model.info?.layers.filter((l) => l.kernels !== null) ?? [];
  /** What "images per class" means in images, so 0 (the whole test split) is never a surprise. */
  const imagesText = () => {
    const perClass = dataset.info?.summary.perClass ?? [];
    const test = perClass.reduce((n, c) => n + c.test, 0);
    if (!test) return '';
    const chosen = analysis.perClass > 0 ? perClass.reduce((n, c) => n + Math.min(c.test, analysis.perClass), 0) : test;
    return analysis.perClass > 0 ? `= ${chosen.toLocaleString('en')} test images` : `0 = all ${test.toLocaleString('en')} test images (slow; Cancel stops it)`;
  };
  return (
    <div class="toolbar">
      <label class="field inline">
        layer
        <select data-testid="map-layer" value={analysis.layer} onChange={(e) => void chooseLayer(e.currentTarget.value)}>
          {/* selected per option: when an edit rebuilds the options, the select keeps showing the store's layer */}
          <For each={convLayers()}>{(l) => <option value={l.name} selected={l.name === analysis.layer}>{l.name} ({l.kernels} kernels)</option>}</For>
        </select>
      </label>
      <label class="field inline">
        images per class
        <input type="number" min={0} value={analysis.perClass} data-testid="maps-per-class" onInput={(e) => setAnalysis("perClass", Math.max(0, Math.round(Number(e.currentTarget.value) || 0)))} />
      </label>
      <span class="hint" data-testid="maps-images">{imagesText()}</span>
      <label class="field inline">
        <input type="checkbox" checked={analysis.ablation} data-testid="maps-ablation" onChange={(e) => setAnalysis('ablation', e.currentTarget.checked)} /> ablation
      </label>
      <button class="primary" data-testid="compute-maps" disabled={analysis.running || !convLayers().length || !!model.info?.fitProblem} onClick={() => void computeMaps()}>
        {analysis.running ? 'Computing…' : 'Compute maps'}
      </button>
      <Show when={analysis.running}>
        <button data-testid="cancel-maps" onClick={cancelJob}>Cancel</button>
      </Show>
      <span class="segmented" role="group" aria-label="map kind">
        <For each={['aom', 'csm'] as MapKind[]}>
          {(k) => <button classList={{ active: analysis.kind === k }} aria-pressed={analysis.kind === k} data-testid={`kind-${k}`} onClick={() => setAnalysis('kind', k)}>{k.toUpperCase()}</button>}
        </For>
      </span>
      <label class="field inline">
        sort
        <select data-testid="map-sort" value={analysis.sort} onChange={(e) => setAnalysis('sort', e.currentTarget.value as KernelSort)}>
          <For each={SORTS}>{([v, label]) => <option value={v}>{label}</option>}</For>
        </select>
      </label>
      <button data-testid="fit-maps" onClick={() => analysis.maps && fitGrid(analysis.maps, analysis.canvasWidth)} disabled={!analysis.maps}>Fit</button>
      <span class="hint" data-testid="map-zoom">zoom {analysis.zoom.toFixed(2)}×</span>
    </div>
  );
}
