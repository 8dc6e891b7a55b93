/**
 * The Occurrence Difference Map as a kernel x kernel matrix (dark = similar maps = a redundant pair), in index
 * order or reordered (greedy nearest-neighbour seriation) so similar kernels sit together. Click selects a pair.
 */
import { createEffect, createMemo } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { odmOrder } from '../map-layout.ts';

const SIZE = 220;

export function OdmMatrix(props: { maps: LayerMaps }) {
  let canvas!: HTMLCanvasElement;
  const order = createMemo(() => (analysis.odmClustered ? odmOrder(props.maps.odm, props.maps.kernels) : [...Array(props.maps.kernels).keys()]));
  const max = createMemo(() => props.maps.odm.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, v)), 1e-9));
  createEffect(() => {
    const K = props.maps.kernels;
    const g = canvas.getContext('2d')!;
    const cell = SIZE / K;
    const o = order();
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        const d = props.maps.odm[o[i] * K + o[j]] / max();
        const shade = Math.round(255 * (Number.isNaN(d) ? 1 : d));
        g.fillStyle = `rgb(${shade}, ${shade}, ${Math.min(255, shade + 30)})`;
        g.fillRect(j * cell, i * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
  });
  const onClick = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    const K = props.maps.kernels;
    const i = Math.floor(((e.clientY - r.top) / r.height) * K);
    const j = Math.floor(((e.clientX - r.left) / r.width) * K);
    if (i >= 0 && j >= 0 && i < K && j < K) setAnalysis({ selected: [...new Set([order()[i], order()[j]])].sort((a, b) => a - b), detail: order()[i] });
  };
  return (
    <div class="odm" data-testid="odm">
      <h3>ODM <small>(dark: similar kernels, max {max().toFixed(3)})</small></h3>
      <canvas ref={canvas} width={SIZE} height={SIZE} onClick={onClick} title="click a cell to select that pair" />
      <label class="field inline">
        <input type="checkbox" checked={analysis.odmClustered} onChange={(e) => setAnalysis('odmClustered', e.currentTarget.checked)} /> group similar kernels
      </label>
    </div>
  );
}
