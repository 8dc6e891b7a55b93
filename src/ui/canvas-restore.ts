/**
 * Redraws for the page's 2D canvases. When the browser's GPU process resets (as it can when presenting a WebGPU
 * canvas fails on a software driver, before the engine restarts in read-back mode), GPU-backed 2D canvases come
 * back blank: the browser fires `contextrestored` and the page must paint them again. `restorations(canvas)` is a
 * signal to read in a canvas's drawing effect, bumped on that event and when the engine worker is replaced.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { session } from './stores/session-store.ts';

export function restorations(canvas: () => HTMLCanvasElement | undefined): Accessor<number> {
  const [count, setCount] = createSignal(0);
  const bump = () => setCount((n) => n + 1);
  queueMicrotask(() => canvas()?.addEventListener('contextrestored', bump));
  onCleanup(() => canvas()?.removeEventListener('contextrestored', bump));
  return () => count() + session.engineGeneration;
}
