/**
 * Entry of the bench page (bench.html): the cases of `npm run bench`, run in a worker on this browser's GPU
 * beside TF.js's WebGPU (and wasm) backend. URL options: `?kernels=lavapipe|tiled` forces the conv/dense kernel
 * variant, as in the studio.
 */
import { render } from 'solid-js/web';
import './styles.css';
import { NoWebGpu } from './components/no-webgpu.tsx';
import { BenchPage } from './bench/bench-page.tsx';
import { setBench } from './bench/bench-store.ts';

const root = document.getElementById('root')!;
root.textContent = '';
const params = new URLSearchParams(location.search);

if (!('gpu' in navigator) || !navigator.gpu) {
  render(() => <NoWebGpu reason="This browser does not expose navigator.gpu." />, root);
} else {
  setBench('kernels', params.get('kernels') ?? undefined);
  render(() => <BenchPage />, root);
}
