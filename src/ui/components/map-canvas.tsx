/**
 * The maps grid. The lower canvas is handed to the worker once (transferControlToOffscreen), which draws the
 * heat-maps into it with WebGPU; the page only sends the view (order, zoom, pan, size), at most once per frame
 * and never while a frame is in flight. The upper canvas is the page's own 2D overlay: class names, kernel
 * numbers, the hovered cell and the selected kernels. Wheel zooms about the cursor, drag pans, click selects.
 */
import { createEffect, createSignal, on, onCleanup, onMount } from 'solid-js';
import { engine, transfer } from '../engine-client.ts';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { setSession } from '../stores/session-store.ts';
import { GRID_GAP } from '../../render/grid-geometry.ts';
import { MARGIN, fitZoom, gridSize, hitTest } from '../map-layout.ts';

export function MapCanvas(props: { maps: LayerMaps; order: number[] }) {
  let gpuCanvas!: HTMLCanvasElement;
  let overlay!: HTMLCanvasElement;
  let host!: HTMLDivElement;
  const [width, setWidth] = createSignal(640);
  const [drawn, setDrawn] = createSignal(0);
  // The GPU canvas's CSS size follows the last frame drawn, not the requested one: its pixels change only when a
  // frame arrives (slowly, on software drivers), and a CSS size ahead of them would stretch the old frame.
  const [frameSize, setFrameSize] = createSignal({ width: 640, height: 320 });
  const height = () => Math.min(640, Math.ceil(MARGIN.top + gridSize(props.maps).height * analysis.zoom + 8));

  let inFlight = false;
  let dirty = false;
  let frame = 0;
  const view = () => ({
    versionId: props.maps.versionId, layer: props.maps.layer, kind: analysis.kind, order: [...props.order],
    zoom: analysis.zoom, panX: analysis.panX, panY: analysis.panY, width: width(), height: height(),
  });
  const draw = async () => {
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    try {
      const requested = view();
      await engine.drawMaps(requested);
      setFrameSize({ width: requested.width, height: requested.height });
      setDrawn((n) => n + 1);
    } catch (error) {
      setAnalysis('error', `Drawing the maps failed: ${(error as Error).message}`);
    } finally {
      inFlight = false;
      if (dirty) {
        dirty = false;
        schedule();
      }
    }
  };
  const schedule = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => void draw());
  };

  const fit = () => setAnalysis({ zoom: fitZoom(props.maps, width()), panX: MARGIN.left, panY: MARGIN.top });
  onMount(() => {
    setWidth(Math.max(200, Math.floor(host.clientWidth)));
    setAnalysis('canvasWidth', width());
    fit();
    const offscreen = gpuCanvas.transferControlToOffscreen();
    engine
      .attachMapCanvas(transfer(offscreen, [offscreen]))
      .then((mode) => setSession('renderMode', mode))
      .then(schedule)
      .catch((error: Error) => setAnalysis('error', `The maps canvas could not be set up: ${error.message}`));
    const observer = new ResizeObserver(() => {
      setWidth(Math.max(200, Math.floor(host.clientWidth)));
      setAnalysis('canvasWidth', width());
    });
    observer.observe(host);
    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    });
  });

  // New maps (another layer, version or analysis) start fitted to the canvas's width.
  createEffect(
    on(
      () => `${props.maps.versionId}:${props.maps.layer}:${props.maps.seconds}`,
      () => fit(),
      { defer: true },
    ),
  );
  // Anything the view depends on schedules one frame.
  createEffect(() => {
    void view();
    schedule();
  });
  // The overlay follows every view change and the hover/selection.
  createEffect(() => {
    void drawn();
    drawOverlay(overlay, props.maps, props.order, width(), height());
  });

  const point = (e: MouseEvent) => {
    const r = overlay.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  let drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | null = null;
  const onMove = (e: MouseEvent) => {
    const [px, py] = point(e);
    if (drag) {
      if (Math.abs(px - drag.x) + Math.abs(py - drag.y) > 3) drag.moved = true;
      setAnalysis({ panX: drag.panX + px - drag.x, panY: drag.panY + py - drag.y });
      return;
    }
    const hit = hitTest(props.maps, analysis.kind, props.order, analysis, px, py);
    setAnalysis('hover', hit && { kernel: hit.kernel, classIndex: hit.classIndex, x: hit.x, y: hit.y, value: hit.value });
  };
  const onUp = (e: MouseEvent) => {
    const wasDrag = drag?.moved;
    drag = null;
    if (wasDrag) return;
    const [px, py] = point(e);
    const hit = hitTest(props.maps, analysis.kind, props.order, analysis, px, py);
    if (!hit) return;
    const selected = analysis.selected.includes(hit.kernel) ? analysis.selected.filter((k) => k !== hit.kernel) : [...analysis.selected, hit.kernel].sort((a, b) => a - b);
    setAnalysis({ selected, detail: hit.kernel });
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const [px, py] = point(e);
    const zoom = Math.min(40, Math.max(0.5, analysis.zoom * Math.exp(-e.deltaY * 0.0015)));
    // Keep the grid point under the cursor fixed: pan' = p - (p - pan) * zoom' / zoom.
    setAnalysis({ zoom, panX: px - ((px - analysis.panX) * zoom) / analysis.zoom, panY: py - ((py - analysis.panY) * zoom) / analysis.zoom });
  };

  return (
    <div class="map-canvas" ref={host} style={{ height: `${height()}px` }} data-testid="map-canvas">
      <canvas ref={gpuCanvas} class="pixelated layer" style={{ width: `${frameSize().width}px`, height: `${frameSize().height}px` }} data-testid="map-gpu-canvas" />
      <canvas
        ref={overlay}
        class="layer overlay"
        width={width()}
        height={height()}
        onMouseMove={onMove}
        onMouseLeave={() => ((drag = null), setAnalysis('hover', null))}
        onMouseDown={(e) => {
          const [x, y] = point(e);
          drag = { x, y, panX: analysis.panX, panY: analysis.panY, moved: false };
        }}
        onMouseUp={onUp}
        onWheel={onWheel}
      />
    </div>
  );
}

/** Class names above the columns, kernel numbers left of the rows, the hovered cell and selected rows. */
function drawOverlay(canvas: HTMLCanvasElement, maps: LayerMaps, order: number[], width: number, height: number): void {
  const g = canvas.getContext('2d');
  if (!g) return;
  canvas.width = width;
  canvas.height = height;
  g.clearRect(0, 0, width, height);
  const { zoom, panX, panY } = analysis;
  const cellW = (maps.width + GRID_GAP) * zoom;
  const cellH = (maps.height + GRID_GAP) * zoom;
  g.font = '11px system-ui, sans-serif';
  g.textBaseline = 'middle';
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(0, 0, width, MARGIN.top);
  g.fillRect(0, 0, MARGIN.left - 4, height);
  g.fillStyle = '#333';
  g.textAlign = 'center';
  maps.classNames.forEach((name, c) => {
    const x = panX + c * cellW + (maps.width * zoom) / 2;
    if (x > MARGIN.left && x < width) g.fillText(name.length > 8 ? `${name.slice(0, 7)}…` : name, x, MARGIN.top / 2);
  });
  g.textAlign = 'right';
  order.forEach((kernel, row) => {
    const y = panY + row * cellH + (maps.height * zoom) / 2;
    if (y < MARGIN.top || y > height) return;
    const selected = analysis.selected.includes(kernel);
    g.fillStyle = selected ? '#b91c1c' : '#333';
    g.fillText(`${selected ? '✕ ' : ''}k${kernel}`, MARGIN.left - 6, y);
    if (selected) {
      g.strokeStyle = '#b91c1c';
      g.lineWidth = 2;
      g.strokeRect(panX - 2, panY + row * cellH - 2, maps.classes * cellW - GRID_GAP * zoom + 4, maps.height * zoom + 4);
    }
  });
  const hover = analysis.hover;
  if (hover) {
    const row = order.indexOf(hover.kernel);
    g.strokeStyle = '#f97316';
    g.lineWidth = 2;
    g.strokeRect(panX + hover.classIndex * cellW - 1, panY + row * cellH - 1, maps.width * zoom + 2, maps.height * zoom + 2);
  }
}
