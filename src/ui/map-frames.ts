/**
 * The frames of the maps canvas. A fresh <canvas> is made for each engine worker (an element's control can be
 * transferred once), handed to the worker, and drawn into there: presenting straight to it where that works,
 * else by read-back (the worker tries presenting first and says when it fails; the page then restarts the
 * worker in read-back mode, see restartInReadback). The page sends the view at most once per animation frame and
 * never while a frame is in flight; `shown` is the view of the frame now on screen, which the labels and the
 * CSS transform of the old frame are computed from until the next one arrives.
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import { engine, transfer } from './engine-client.ts';
import type { MapView } from '../session/engine-api.ts';
import { session, setSession } from './stores/session-store.ts';
import { restartInReadback } from './actions.ts';

export function createMapFrames(view: Accessor<MapView>, onError: (message: string) => void) {
  const [canvas, setCanvas] = createSignal<HTMLCanvasElement>();
  const [shown, setShown] = createSignal<MapView | null>(null);
  let generation = -1;
  let attached = false;
  let inFlight = false;
  let dirty = false;
  let raf = 0;

  const draw = async () => {
    if (!attached) return;
    if (inFlight) {
      dirty = true;
      return;
    }
    const mine = generation;
    const requested = view();
    inFlight = true;
    try {
      const layout = await engine.drawMaps(requested);
      if (mine === generation && layout) setShown(requested);
    } catch (error) {
      if (mine === generation) onError(`Drawing the maps failed: ${(error as Error).message}`);
    } finally {
      // A call to a replaced worker never answers; one that does after a restart must not touch the new state.
      if (mine === generation) {
        inFlight = false;
        if (dirty) {
          dirty = false;
          schedule();
        }
      }
    }
  };
  const schedule = () => {
    cancelAnimationFrame(raf);
    raf = requestAnimationFrame(() => void draw());
  };

  createEffect(
    on(
      () => session.engineGeneration,
      (g) => {
        generation = g;
        attached = inFlight = dirty = false;
        setShown(null);
        const element = document.createElement('canvas');
        element.className = 'pixelated layer map-frame';
        element.dataset.testid = 'map-gpu-canvas';
        element.setAttribute('aria-hidden', 'true');
        setCanvas(element);
        const offscreen = element.transferControlToOffscreen();
        engine.attachMapCanvas(transfer(offscreen, [offscreen]), session.renderRequest).then(
          (result) => {
            if (g !== generation) return;
            if (!result.ok) return void restartInReadback(result.error);
            setSession('renderMode', result.mode);
            attached = true;
            schedule();
          },
          (error: Error) => onError(`The maps canvas could not be set up: ${error.message}`),
        );
      },
    ),
  );
  // Anything the view depends on schedules one frame.
  createEffect(() => {
    void view();
    schedule();
  });
  onCleanup(() => cancelAnimationFrame(raf));
  return { canvas, shown };
}
