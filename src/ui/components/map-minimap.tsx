/**
 * An overview of every row of the maps grid: one pixel per (kernel, class), the spatial mean of its map in the
 * grid's colours, rows in the grid's order, with a box over the rows in view. Click (or arrow keys, Page Up/Down)
 * to jump there; it is how a layer of 64+ kernels is found your way around.
 */
import { createEffect, createMemo } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';
import { cellMeans, cellPitch, MARGIN } from '../map-layout.ts';
import { paintMap } from '../../render/colormap.ts';
import { restorations } from '../canvas-restore.ts';

export function MapMinimap(props: { maps: LayerMaps; order: number[]; contentHeight: number; viewportHeight: number; onJump: (scrollTop: number) => void }) {
  let canvas!: HTMLCanvasElement;
  const means = createMemo(() => cellMeans(analysis.kind === 'csm' ? props.maps.csm : props.maps.aom, props.maps));
  const restored = restorations(() => canvas);
  createEffect(() => {
    void restored();
    const { kernels: K, classes: C } = props.maps;
    const values = new Float32Array(K * C);
    props.order.forEach((kernel, row) => values.set(means().subarray(kernel * C, (kernel + 1) * C), row * C));
    canvas.width = C;
    canvas.height = K;
    const image = new ImageData(C, K);
    paintMap(analysis.kind, values.map((v) => (Number.isNaN(v) ? 0 : v)), image.data);
    canvas.getContext('2d')!.putImageData(image, 0, 0);
  });
  const scrollTop = () => MARGIN.top - analysis.panY;
  const fraction = (v: number) => `${(100 * Math.min(1, Math.max(0, v / props.contentHeight))).toFixed(2)}%`;
  const jumpTo = (f: number) => props.onJump(f * props.contentHeight - props.viewportHeight / 2);
  const onKey = (e: KeyboardEvent) => {
    const row = cellPitch(props.maps, analysis.zoom).y;
    const step: Record<string, number> = { ArrowUp: -row, ArrowDown: row, PageUp: -props.viewportHeight, PageDown: props.viewportHeight };
    if (e.key === 'Home' || e.key === 'End') props.onJump(e.key === 'Home' ? 0 : props.contentHeight);
    else if (step[e.key]) props.onJump(scrollTop() + step[e.key]);
    else return;
    e.preventDefault();
  };
  return (
    <div class="minimap" data-testid="minimap" style={{ height: `${props.viewportHeight}px` }} tabindex="0" role="scrollbar"
      aria-label={`overview of all ${props.maps.kernels} rows; arrow keys or click to move the grid`} aria-orientation="vertical"
      aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round((100 * scrollTop()) / Math.max(1, props.contentHeight - props.viewportHeight))}
      onClick={(e) => jumpTo((e.clientY - e.currentTarget.getBoundingClientRect().top) / e.currentTarget.clientHeight)} onKeyDown={onKey}>
      <canvas ref={canvas} class="pixelated" style={{ top: fraction(MARGIN.top), height: fraction(props.contentHeight - MARGIN.top - 4) }} />
      <div class="minimap-view" data-testid="minimap-view"
        style={{ top: fraction(scrollTop()), height: fraction(Math.min(props.viewportHeight, props.contentHeight)) }} />
    </div>
  );
}
