/**
 * Maps: choose a conv layer, compute its maps, read the kernels x classes grid (AOM or CSM, drawn by WebGPU in
 * the worker) with its overview, hover or move the keyboard cursor for values, select kernels for an edit; the
 * ODM, a kernel's detail and the table of kernel statistics below, all sharing one selection.
 */
import { Show, createMemo } from 'solid-js';
import { analysis } from '../stores/analysis-store.ts';
import { kernelOrder } from '../map-layout.ts';
import { MapsToolbar } from './maps-toolbar.tsx';
import { MapCanvas } from './map-canvas.tsx';
import { MapReadout } from './map-readout.tsx';
import { ColourLegend } from './colour-legend.tsx';
import { ProgressBar } from './progress-bar.tsx';
import { OdmMatrix } from './odm-matrix.tsx';
import { KernelDetail } from './kernel-detail.tsx';
import { KernelTable } from './kernel-table.tsx';

export function MapsPanel() {
  const order = createMemo(() => (analysis.maps ? kernelOrder(analysis.maps.stats, analysis.sort) : []));
  return (
    <section class="panel maps" data-testid="maps-panel">
      <h2>Maps</h2>
      <MapsToolbar />
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
            <MapReadout maps={m()} order={order()} />
            <div class="row maps-linked">
              <OdmMatrix maps={m()} />
              <KernelDetail maps={m()} />
            </div>
            <KernelTable maps={m()} />
          </>
        )}
      </Show>
    </section>
  );
}
