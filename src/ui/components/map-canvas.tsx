/**
 * The maps grid: a scroll box whose scroll position is the grid's pan (pan = margin - scroll), holding a
 * viewport-sized layer that sticks to the box's visible area. In it, the frame the worker drew with WebGPU (only
 * the visible part of the grid is ever drawn, whatever the number of kernels) and the page's labels and boxes.
 * Plain wheel scrolls (the box, then the page), Ctrl/Meta + wheel zooms about the cursor, drag pans, click
 * selects a kernel; the box is focusable: arrow keys move a cursor over the cells, Enter/Space select its kernel.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, onMount } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis, setAnalysis } from '../stores/analysis-store.ts';
import { MARGIN, contentSize, frameTransform, hitTest } from '../map-layout.ts';
import { onGridKey } from '../grid-keys.ts';
import { createMapFrames } from '../map-frames.ts';
import { fitGrid, refit, toggleKernel, zoomAt } from '../map-view.ts';
import { MapLabels } from './map-labels.tsx';
import { MapMinimap } from './map-minimap.tsx';

export function MapCanvas(props: { maps: LayerMaps; order: number[] }) {
  let scroller!: HTMLDivElement;
  let stage!: HTMLDivElement;
  const [box, setBox] = createSignal({ width: 640, maxHeight: 480 });
  const content = createMemo(() => contentSize(props.maps, analysis.zoom));
  const size = () => ({ width: box().width, height: Math.min(content().height, box().maxHeight) });
  const view = () => ({ versionId: props.maps.versionId, layer: props.maps.layer, kind: analysis.kind, order: [...props.order], zoom: analysis.zoom, panX: analysis.panX, panY: analysis.panY, ...size() });
  const frames = createMapFrames(view, (message) => setAnalysis('error', message));
  // The frame on screen, if it shows these maps: its row order is what the user sees until the next frame.
  const shown = () => {
    const s = frames.shown();
    return s && s.versionId === props.maps.versionId && s.layer === props.maps.layer && s.order.length === props.maps.kernels ? s : null;
  };
  const shownOrder = () => shown()?.order ?? props.order;
  /** Whether the frame on screen is the one for the current view (a test hook, and true once a slow frame lands). */
  const current = () => {
    const s = shown();
    return !!s && JSON.stringify(s) === JSON.stringify(view());
  };

  createEffect(() => {
    const canvas = frames.canvas();
    const s = shown();
    if (!canvas) return;
    canvas.style.visibility = s ? 'visible' : 'hidden';
    if (!s) return;
    canvas.style.width = `${s.width}px`;
    canvas.style.height = `${s.height}px`;
    canvas.style.transform = frameTransform(s, analysis);
  });
  // Store -> scroll position (after the content has its new size, or the browser would clamp the scroll).
  createEffect(() => {
    const c = content();
    stage.parentElement!.style.width = `${c.width}px`;
    stage.parentElement!.style.height = `${c.height}px`;
    const left = MARGIN.left - analysis.panX;
    const top = MARGIN.top - analysis.panY;
    if (Math.abs(scroller.scrollLeft - left) > 0.5) scroller.scrollLeft = left;
    if (Math.abs(scroller.scrollTop - top) > 0.5) scroller.scrollTop = top;
  });
  // New maps (another layer, version or analysis) start fitted to the canvas's width.
  createEffect(on(() => `${props.maps.versionId}:${props.maps.layer}:${props.maps.seconds}`, () => (setAnalysis('cursor', null), fitGrid(props.maps, box().width)), { defer: true }));
  const onScroll = () => setAnalysis({ panX: MARGIN.left - scroller.scrollLeft, panY: MARGIN.top - scroller.scrollTop });

  onMount(() => {
    const measure = () => {
      const width = Math.max(200, Math.floor(scroller.clientWidth));
      const changed = width !== box().width;
      setBox({ width, maxHeight: Math.max(240, Math.round(window.innerHeight * 0.6)) });
      setAnalysis('canvasWidth', width);
      if (changed && analysis.fitted) refit(props.maps, width);
    };
    measure();
    setAnalysis('cursor', null); // a cursor left from other maps may point past these rows
    fitGrid(props.maps, box().width);
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    window.addEventListener('resize', measure);
    // Not through JSX: the listener must be non-passive to keep Ctrl + wheel from zooming the whole page.
    const onWheel = (e: WheelEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return; // a plain wheel scrolls, as everywhere else
      e.preventDefault();
      const [px, py] = point(e);
      zoomAt(Math.exp(-e.deltaY * 0.0015), px, py);
    };
    scroller.addEventListener('wheel', onWheel, { passive: false });
    onCleanup(() => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
      scroller.removeEventListener('wheel', onWheel);
    });
  });

  const point = (e: MouseEvent) => {
    const r = stage.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  const hit = (e: MouseEvent) => hitTest(props.maps, analysis.kind, shownOrder(), analysis, ...point(e));
  let drag: { x: number; y: number; left: number; top: number; moved: boolean } | null = null;
  const onMove = (e: MouseEvent) => {
    if (drag) {
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (drag.moved) [scroller.scrollLeft, scroller.scrollTop] = [drag.left - dx, drag.top - dy];
      return;
    }
    const h = hit(e);
    setAnalysis('hover', h && { kernel: h.kernel, classIndex: h.classIndex, x: h.x, y: h.y, value: h.value });
  };
  const onUp = (e: MouseEvent) => {
    const wasDrag = drag?.moved;
    drag = null;
    const h = !wasDrag && hit(e);
    if (h) toggleKernel(h.kernel);
  };
  return (
    <div class="map-view">
      <MapMinimap maps={props.maps} order={props.order} contentHeight={content().height} viewportHeight={size().height} onJump={(top) => (scroller.scrollTop = top)} />
      <div
        class="map-canvas"
        ref={scroller}
        style={{ height: `${size().height + 2 + (content().width > box().width ? 16 : 0)}px` /* + borders, + a horizontal scrollbar */ }}
        data-testid="map-canvas"
        data-frame={current() ? 'current' : 'pending'}
        tabindex="0"
        role="application"
        aria-label={`maps grid of ${props.maps.layer}: ${props.maps.kernels} kernels (rows) by ${props.maps.classes} classes (columns). Arrow keys move the cursor, Enter selects the kernel, Ctrl + wheel zooms.`}
        onScroll={onScroll}
        onKeyDown={(e) => onGridKey(e, props.maps, shownOrder(), scroller)}
        onMouseMove={onMove}
        onMouseLeave={() => ((drag = null), setAnalysis('hover', null))}
        onMouseDown={(e) => {
          drag = { x: e.clientX, y: e.clientY, left: scroller.scrollLeft, top: scroller.scrollTop, moved: false };
          setAnalysis('cursor', null); // the keyboard cursor is for keyboard use; the mouse has its hover box
        }}
        onMouseUp={onUp}
      >
        <div class="map-content">
          <div class="map-stage" ref={stage} style={{ width: `${size().width}px`, height: `${size().height}px` }}>
            {frames.canvas()}
            <MapLabels maps={props.maps} order={shownOrder()} width={size().width} height={size().height} />
          </div>
        </div>
      </div>
    </div>
  );
}
