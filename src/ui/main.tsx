/**
 * Page entry. Without WebGPU the page says so and how to enable it (never a blank screen); otherwise it starts
 * the engine worker and renders the studio. URL options: `?render=readback` forces the read-back map path,
 * `?render=present` tries presenting even on a software adapter (which falls back to read-back in a fresh worker),
 * `?fresh` discards the saved session, `?eval-limit=N` evaluates versions on N test images (0: all), `?kernels=lavapipe|tiled`
 * forces the conv/dense kernel variant (default: from the adapter; src/gpu/kernels/gemm-variant.ts).
 */
import { render } from 'solid-js/web';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './components/app.tsx';
import { NoWebGpu } from './components/no-webgpu.tsx';
import { start } from './actions.ts';
import { setSession } from './stores/session-store.ts';
import { engine } from './engine-client.ts';

const root = document.getElementById('root')!;
root.textContent = '';
const params = new URLSearchParams(location.search);

if (!('gpu' in navigator) || !navigator.gpu) {
  render(() => <NoWebGpu reason="This browser does not expose navigator.gpu." />, root);
} else {
  // For the end-to-end tests and the console: the engine's API (e.g. simulateDeviceLoss to exercise recovery).
  (globalThis as { aomStudioEngine?: typeof engine }).aomStudioEngine = engine;
  render(() => <App />, root);
  const evaluationLimit = params.has('eval-limit') ? Math.max(0, Number(params.get('eval-limit')) || 0) : undefined;
  const asked = params.get('render');
  const renderRequest = asked === 'readback' || asked === 'present' ? asked : 'auto';
  start({ render: renderRequest, fresh: params.has('fresh'), evaluationLimit, kernels: params.get('kernels') ?? undefined }).catch((error: Error) =>
    setSession({ status: 'failed', error: error.message }),
  );
}
