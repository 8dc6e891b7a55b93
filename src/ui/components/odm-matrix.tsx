/**
 * The Occurrence Difference Map as a kernel x kernel matrix in viridis (dark: similar maps, a redundant pair),
 * in index order or reordered (greedy nearest-neighbour seriation) so similar kernels sit together. Kernel
 * labels on both axes, the selected kernels' rows and columns outlined, a read-out of the cell under the mouse
 * or the keyboard cursor (focus it, arrow keys); click or Enter selects that pair.
 */
import { For, createEffect, createMemo, createSignal } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { moveCursor, odmOrder } from '../map-layout.ts';
import { cssColour } from '../../render/colormap.ts';
import { selectPair } from '../map-view.ts';
import { restorations } from '../canvas-restore.ts';

const SIZE = 220;

export function OdmMatrix(props: { maps: LayerMaps }) {
  let canvas!: HTMLCanvasElement;
  const K = () => props.maps.kernels;
  const order = createMemo(() => (analysis.odmClustered ? odmOrder(props.maps.odm, K()) : [...Array(K()).keys()]));
  const max = createMemo(() => props.maps.odm.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, v)), 1e-9));
  const [cell, setCell] = createSignal<{ row: number; col: number } | null>(null);
  const labelEvery = () => Math.max(1, Math.ceil(K() / 16));
  const restored = restorations(() => canvas);
  createEffect(() => {
    void restored();
    const g = canvas.getContext('2d')!;
    const size = SIZE / K();
    const o = order();
    for (let i = 0; i < K(); i++) {
      for (let j = 0; j < K(); j++) {
        const d = props.maps.odm[o[i] * K() + o[j]] / max();
        g.fillStyle = Number.isNaN(d) ? '#ffffff' : cssColour('aom', d);
        g.fillRect(j * size, i * size, Math.ceil(size), Math.ceil(size));
      }
    }
    // The selected kernels' rows and columns, in white over black so they show on every colour of the scale.
    for (const [colour, width] of [['#000', 3], ['#fff', 1]] as const) {
      g.strokeStyle = colour;
      g.lineWidth = width;
      for (const k of analysis.selected) {
        const at = o.indexOf(k) * size;
        if (at < 0) continue;
        g.strokeRect(0.5, at, SIZE - 1, size);
        g.strokeRect(at, 0.5, size, SIZE - 1);
      }
    }
    const c = cell();
    if (c) {
      g.strokeStyle = '#f97316';
      g.lineWidth = 2;
      g.strokeRect(c.col * size, c.row * size, size, size);
    }
  });
  const pair = (c: { row: number; col: number }) => [order()[c.row], order()[c.col]] as const;
  const readout = () => {
    const c = cell();
    if (!c) return 'Hover or focus the matrix (arrow keys) for a pair’s distance; click or Enter selects the pair.';
    const [a, b] = pair(c);
    return `k${a} × k${b}: ODM ${props.maps.odm[a * K() + b].toFixed(3)}${a === b ? ' (itself)' : ''}`;
  };
  const at = (e: MouseEvent) => {
    const r = canvas.getBoundingClientRect();
    const row = Math.floor(((e.clientY - r.top) / r.height) * K());
    const col = Math.floor(((e.clientX - r.left) / r.width) * K());
    return row >= 0 && col >= 0 && row < K() && col < K() ? { row, col } : null;
  };
  const onKey = (e: KeyboardEvent) => {
    const c = cell() ?? { row: 0, col: 0 };
    if (e.key === 'Enter' || e.key === ' ') return void (e.preventDefault(), selectPair(...pair(c)));
    const next = moveCursor(c, e.key, K(), K());
    if (next) (e.preventDefault(), setCell(next));
  };
  const labels = () => order().map((k, i) => ({ k, i })).filter(({ i }) => i % labelEvery() === 0);
  return (
    <div class="odm" data-testid="odm">
      <h3>ODM <small>(dark: similar kernels; scale 0 – {max().toFixed(3)})</small></h3>
      <div class="odm-grid">
        <div class="odm-top"><For each={labels()}>{(l) => <span style={{ left: `${((l.i + 0.5) * SIZE) / K()}px` }}>k{l.k}</span>}</For></div>
        <div class="odm-left"><For each={labels()}>{(l) => <span style={{ top: `${((l.i + 0.5) * SIZE) / K()}px` }}>k{l.k}</span>}</For></div>
        <canvas ref={canvas} width={SIZE} height={SIZE} tabindex="0" data-testid="odm-canvas" data-selected={analysis.selected.join(',')} role="application"
          aria-label={`ODM of ${props.maps.kernels} kernels: arrow keys move over pairs, Enter selects the pair`}
          onMouseMove={(e) => setCell(at(e))} onMouseLeave={() => setCell(null)} onFocus={() => cell() || setCell({ row: 0, col: 0 })}
          onClick={(e) => { const c = at(e); if (c) selectPair(...pair(c)); }} onKeyDown={onKey} />
      </div>
      <p class="readout" data-testid="odm-readout" aria-live="polite">{readout()}</p>
      <label class="field inline">
        <input type="checkbox" checked={analysis.odmClustered} onChange={(e) => setAnalysis('odmClustered', e.currentTarget.checked)} /> group similar kernels
      </label>
    </div>
  );
}
