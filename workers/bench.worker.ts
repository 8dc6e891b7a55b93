/**
 * The bench page's worker: owns the GPU device for one run of the bench (src/bench/bench-suite.ts, the same
 * suite as `aom-studio bench`) and exposes it through Comlink, typed by src/session/bench-api.ts. Off the main
 * thread, so the page stays responsive while a case waits on the GPU; the page stops a run by ending the worker.
 * What the browser supplies in place of Node: shaders bundled by Vite's `?raw` glob, MNIST fetched from the
 * bundled IDX files, and the URLs of TF.js's wasm binaries (bundled as assets) for its wasm peer.
 */
import * as Comlink from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { globShaderLoader, setShaderLoader } from '../src/gpu/shader-source.ts';
import { acquireGpu } from '../src/gpu/device.ts';
import { fetchBuiltInMnist } from '../src/data/builtin-mnist.ts';
import { runBenchSuite } from '../src/bench/bench-suite.ts';
import type { BenchApi } from '../src/session/bench-api.ts';

setShaderLoader(globShaderLoader(import.meta.glob('../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>));

// setWasmPaths wants all three; without cross-origin isolation (no SharedArrayBuffer) TF.js picks the SIMD one.
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

const api: BenchApi = {
  async run(request, onEvent) {
    const ctx = await acquireGpu({ kernels: request.kernels });
    try {
      return await runBenchSuite(ctx, { ...request, loadMnist: () => fetchBuiltInMnist(), wasmPaths: WASM_PATHS, onEvent });
    } finally {
      ctx.destroy();
    }
  },
};
Comlink.expose(api);
