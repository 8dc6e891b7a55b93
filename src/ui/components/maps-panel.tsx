/**
 * Maps: choose a conv layer, compute its maps, read the kernels x classes grid (AOM or CSM, drawn by WebGPU in
 * the worker), sort kernels, hover for values, click to select kernels for an edit; the ODM and a kernel's
 * detail below.
 */
import { For, Show, createMemo } from 'solid-js';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { model } from '../stores/model-store.ts';
import { cancelJob, chooseLayer, computeMaps } from '../actions.ts';
import { dataset } from '../stores/dataset-store.ts';
import type { KernelSort, MapKind } from '../../session/engine-api.ts';
import { fitZoom, kernelOrder, MARGIN } from '../map-layout.ts';
import { MapCanvas } from './map-canvas.tsx';
import { ColourLegend } from './colour-legend.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { OdmMatrix } from './odm-matrix.tsx';
import { KernelDetail } from './kernel-detail.tsx';

const SORTS: [KernelSort, string][] = [['index', 'index'], ['occurrence', 'occurrence'], ['selectivity', 'selectivity'], ['redundancy', 'redundancy'], ['ablation', 'ablation impact']];

export function MapsPanel() {
  const convLayers = () => model.info?.layers.filter((l) => l.kernels !== null) ?? [];
  const order = createMemo(() => (analysis.maps ? kernelOrder(analysis.maps.stats, analysis.sort) : []));
  const fit = () => {
    if (analysis.maps) setAnalysis({ zoom: fitZoom(analysis.maps, analysis.canvasWidth), panX: MARGIN.left, panY: MARGIN.top });
  };
  /** What "images per class" means in images, so 0 (the whole test split) is never a surprise. */
  const imagesText = () => {
    const perClass = dataset.info?.summary.perClass ?? [];
    const test = perClass.reduce((n, c) => n + c.test, 0);
    if (!test) return '';
    const chosen = analysis.perClass > 0 ? perClass.reduce((n, c) => n + Math.min(c.test, analysis.perClass), 0) : test;
    return analysis.perClass > 0 ? `= ${chosen.toLocaleString('en')} test images` : `0 = all ${test.toLocaleString('en')} test images (slow; Cancel stops it)`;
  };
  const hoverText = () => {
    const h = analysis.hover;
    const m = analysis.maps;
    if (!h || !m) return 'Hover a map for its value; click to select a kernel; wheel to zoom, drag to pan.';
    return `kernel ${h.kernel} · class ${m.classNames[h.classIndex]} · position (${h.x}, ${h.y}) · ${analysis.kind.toUpperCase()} = ${h.value.toFixed(3)}`;
  };
  return (
    <section class="panel maps" data-testid="maps-panel">
      <h2>Maps</h2>
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
          <input type="number" min={0} value={analysis.perClass} data-testid="maps-per-class" onChange={(e) => setAnalysis('perClass', Math.max(0, Math.round(Number(e.currentTarget.value) || 0)))} />
        </label>
        <span class="hint" data-testid="maps-images">{imagesText()}</span>
        <label class="field inline">
          <input type="checkbox" checked={analysis.ablation} onChange={(e) => setAnalysis('ablation', e.currentTarget.checked)} /> ablation
        </label>
        <button class="primary" data-testid="compute-maps" disabled={analysis.running || !convLayers().length || !!model.info?.fitProblem} onClick={() => void computeMaps()}>
          {analysis.running ? 'Computing…' : 'Compute maps'}
        </button>
        <Show when={analysis.running}>
          <button data-testid="cancel-maps" onClick={cancelJob}>Cancel</button>
        </Show>
        <span class="segmented">
          <For each={['aom', 'csm'] as MapKind[]}>
            {(k) => <button classList={{ active: analysis.kind === k }} data-testid={`kind-${k}`} onClick={() => setAnalysis('kind', k)}>{k.toUpperCase()}</button>}
          </For>
        </span>
        <label class="field inline">
          sort
          <select data-testid="map-sort" value={analysis.sort} onChange={(e) => setAnalysis('sort', e.currentTarget.value as KernelSort)}>
            <For each={SORTS}>{([v, label]) => <option value={v}>{label}</option>}</For>
          </select>
        </label>
        <button onClick={fit} disabled={!analysis.maps}>Fit</button>
      </div>
      <Show when={analysis.running}><ProgressBar fraction={analysis.progress} label={`analysing ${analysis.layer}… ${Math.round(analysis.progress * 100)}%`} /></Show>
      <Show when={analysis.error}><p class="error" data-testid="maps-error">{analysis.error}</p></Show>
      <Show when={analysis.maps} fallback={<p class="hint">No maps for {analysis.layer} of this version yet: press “Compute maps”.</p>}>
        {(m) => (
          <>
            <p class="maps-summary" data-testid="maps-summary">
              {m().layer}: {m().kernels} kernels × {m().classes} classes, {m().height}×{m().width} positions, {m().imagesPerClass.reduce((a, b) => a + b, 0)} analysis images,
              accuracy {(m().accuracy * 100).toFixed(1)}%, {m().seconds.toFixed(1)} s{m().restored ? ' (restored from the saved session)' : ''}
            </p>
            <ColourLegend kind={analysis.kind} />
            <MapCanvas maps={m()} order={order()} />
            <p class="readout" data-testid="hover-readout">{hoverText()}</p>
            <div class="row">
              <OdmMatrix maps={m()} />
              <KernelDetail maps={m()} />
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
