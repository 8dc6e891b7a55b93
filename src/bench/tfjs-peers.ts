/**
 * TF.js 4.22 as the benchmarks' peer, in the same process: its WebGPU backend on its own device on the adapter we
 * use (the same Dawn instance), and its wasm backend (XNNPACK) on the CPU. Each peer reproduces a case's
 * PeerWork with TF.js's own kernels:
 *   conv forward / input grad / weight grad: the Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter kernels;
 *   dense forward / input grad / weight grad: matMul(x, w), matMul(dy, w^T), matMul(x^T, dy);
 *   train step: `trainOnBatch` of the same model loaded with tfjs-layers from our own saved files (same layers,
 *   same weights), compiled with Adam and softmax cross-entropy on the logits, as our step is.
 * A repetition ends when the peer's device has finished (WebGPU: its queued commands flushed, then
 * onSubmittedWorkDone; wasm: the kernel returns), never with a read-back ours does not do; a training step
 * reads back its loss, as ours does. TF.js is a dev dependency: without it the peers say so and the rows are
 * measured alone.
 */
import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { webgpuEntryPoint } from '../gpu/device.ts';
import { modelToArtifacts } from '../io/tfjs-layers.ts';
import type { BenchPeer, PeerRun, PeerWork } from './harness.ts';
import type { StepMemoryPeer } from './memory-cases.ts';
import { BENCH_OPTIMIZER } from './train-cases.ts';

type Tf = typeof TfCore;

interface Loaded {
  tf: Tf;
  tfl: typeof TfLayers;
}

let loaded: Promise<Loaded> | null = null;

async function loadTf(): Promise<Loaded> {
  loaded ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const tfl = await import('@tensorflow/tfjs-layers');
    return { tf, tfl };
  })();
  return loaded;
}

/** Random tensor of `shape` (values in [-1, 1)); the kernels do the same work whatever the values. */
const random = (tf: Tf, shape: number[]) => tf.randomUniform(shape, -1, 1, 'float32', 1);

/**
 * The TF.js operation that does `work` on the current backend, and the input tensors it made (the caller's to
 * dispose); null for a training step, which is not one op.
 */
function opFor(tf: Tf, work: PeerWork): { op: () => TfCore.Tensor; inputs: TfCore.Tensor[] } | null {
  if (work.kind === 'train step') return null;
  if (work.kind.startsWith('conv')) {
    const s = (work as Extract<PeerWork, { shape: { kH: number } }>).shape;
    const strides: [number, number] = [s.strideH, s.strideW];
    const x = random(tf, [s.batch, s.inH, s.inW, s.inC]);
    const w = random(tf, [s.kH, s.kW, s.inC, s.outC]);
    const y = tf.conv2d(x as TfCore.Tensor4D, w as TfCore.Tensor4D, strides, s.padding);
    const dy = random(tf, y.shape);
    y.dispose();
    const attrs = { strides, pad: s.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
    const inputs = [x, w, dy];
    if (work.kind === 'conv forward') return { op: () => tf.conv2d(x as TfCore.Tensor4D, w as TfCore.Tensor4D, strides, s.padding), inputs };
    if (work.kind === 'conv input grad') {
      return { op: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape } as never) as TfCore.Tensor, inputs };
    }
    return { op: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape } as never) as TfCore.Tensor, inputs };
  }
  const { batch, inF, outF } = (work as Extract<PeerWork, { shape: { inF: number } }>).shape;
  const x = random(tf, [batch, inF]) as TfCore.Tensor2D;
  const w = random(tf, [inF, outF]) as TfCore.Tensor2D;
  const dy = random(tf, [batch, outF]) as TfCore.Tensor2D;
  const inputs = [x, w, dy];
  if (work.kind === 'dense forward') return { op: () => tf.matMul(x, w), inputs };
  if (work.kind === 'dense input grad') return { op: () => tf.matMul(dy, w, false, true), inputs };
  return { op: () => tf.matMul(x, dy, true, false), inputs };
}

/** The same model (architecture and weights) as a tfjs-layers model, compiled as our training step is. */
async function trainingModel(loadedTf: Loaded, work: Extract<PeerWork, { kind: 'train step' }>): Promise<TfLayers.LayersModel> {
  const { tf, tfl } = loadedTf;
  const { modelJson, weightData } = modelToArtifacts(work.model);
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology as object,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as TfCore.io.WeightsManifestEntry[],
      weightData,
    }),
  );
  if (work.optimizer.optimizer !== 'adam' || work.optimizer.weightDecay !== 0) {
    throw new Error('tfjs-peers: the training-step peer compares Adam without weight decay (what tf.train.adam is)');
  }
  model.compile({
    optimizer: tf.train.adam(work.optimizer.lr),
    // Our model's last dense layer gives logits; the loss applies the softmax, as our step's does.
    loss: (labels: TfCore.Tensor, logits: TfCore.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits),
  });
  return model;
}

/** Makes the tensors and the repetition of `work` on the backend `backend` (already set). */
async function preparePeerRun(loadedTf: Loaded, backend: string, work: PeerWork, finish: () => Promise<void>): Promise<PeerRun> {
  const { tf } = loadedTf;
  await tf.setBackend(backend);
  const ensureBackend = async () => {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  };
  if (work.kind === 'train step') {
    const model = await trainingModel(loadedTf, work);
    const [h, w, c] = work.model.spec.inputShape;
    const x = random(tf, [work.batch, h, w, c]);
    const classes = (model.outputs[0].shape[1] ?? 1) as number;
    const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([work.batch], 0, classes, 'int32', 2) as TfCore.Tensor1D, classes));
    return {
      async run() {
        await ensureBackend();
        await model.trainOnBatch(x, labels); // reads the loss back, as our timed step does
      },
      dispose() {
        model.dispose();
        tf.dispose([x, labels]);
      },
    };
  }
  const { op, inputs } = opFor(tf, work)!;
  return {
    async run() {
      await ensureBackend();
      const y = op();
      await finish();
      y.dispose();
    },
    dispose: () => tf.dispose(inputs),
  };
}

/** A WebGPU backend of TF.js on a new device of our adapter, with the limits and features TF.js's own factory asks for. */
async function newWebgpuBackend(Backend: typeof WebGPUBackend, gpu: GPU, wrapDevice: (device: GPUDevice) => void = () => {}): Promise<{ backend: WebGPUBackend; device: GPUDevice } | string> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'TF.js WebGPU peer unavailable: no adapter';
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'tfjs webgpu peer',
    requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  wrapDevice(device);
  // The backend checks navigator.gpu when made; Node has no navigator (20) or none with a gpu (22): give it ours.
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  return { backend: new Backend(device, adapter.info as never), device };
}

/** TF.js batches dispatches in an open pass; close it and submit (what its own read-backs do), then wait for the device. */
function finisher(backend: WebGPUBackend, device: GPUDevice): () => Promise<void> {
  return async () => {
    const b = backend as unknown as { commandEncoder: unknown; endComputePassEncoder(): void; submitQueue(): void };
    if (b.commandEncoder) {
      b.endComputePassEncoder();
      b.submitQueue();
    }
    await device.queue.onSubmittedWorkDone();
  };
}

async function loadWebgpu(): Promise<{ loadedTf: Loaded; Backend: typeof WebGPUBackend } | string> {
  try {
    const loadedTf = await loadTf();
    const { WebGPUBackend: Backend } = await import('@tensorflow/tfjs-backend-webgpu');
    return { loadedTf, Backend };
  } catch (error) {
    return `TF.js WebGPU peer unavailable (npm dev dependencies not installed?): ${(error as Error).message}`;
  }
}

/**
 * TF.js's WebGPU backend on its own device on our adapter (requested from the same entry point with the limits
 * and features TF.js's own factory asks for). A message instead when TF.js is not installed or finds no adapter.
 */
export async function tfjsWebgpuPeer(): Promise<BenchPeer | string> {
  const loaded = await loadWebgpu();
  if (typeof loaded === 'string') return loaded;
  const { loadedTf, Backend } = loaded;
  const { tf } = loadedTf;
  const made = await newWebgpuBackend(Backend, await webgpuEntryPoint());
  if (typeof made === 'string') return made;
  const { backend, device } = made;
  // The backend registers itself only where navigator.gpu exists at import (not Node 20): register ours.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 1);
  const finish = finisher(backend, device);
  return {
    name: 'TF.js 4.22 WebGPU',
    prepare: (work) => preparePeerRun(loadedTf, 'webgpu', work, finish),
  };
}

/**
 * TF.js WebGPU's peak GPU memory for a training step (memory-cases.ts says how it is measured): each measurement
 * makes a fresh backend on a fresh device whose createBuffer and destroy are counted, loads the model, runs two
 * trainOnBatch calls (the second timed), reads the highest total of live bytes, then removes the backend.
 */
export async function tfjsWebgpuStepMemoryPeer(): Promise<StepMemoryPeer | string> {
  const loaded = await loadWebgpu();
  if (typeof loaded === 'string') return loaded;
  const { loadedTf, Backend } = loaded;
  const { tf } = loadedTf;
  const gpu = await webgpuEntryPoint();
  // TF.js finds kernels by backend name; the fresh backends go by one name of their own, with WebGPU's kernels.
  const name = 'webgpu-memory';
  if (tf.getKernelsForBackend(name).length === 0) {
    for (const kernel of tf.getKernelsForBackend('webgpu')) tf.registerKernel({ ...kernel, backendName: name });
  }
  return {
    name: 'TF.js 4.22 WebGPU',
    async stepMemory(model, batch) {
      let live = 0;
      let peak = 0;
      const made = await newWebgpuBackend(Backend, gpu, (device) => {
        const create = device.createBuffer.bind(device);
        device.createBuffer = (descriptor: GPUBufferDescriptor) => {
          const buffer = create(descriptor);
          live += buffer.size;
          peak = Math.max(peak, live);
          const destroy = buffer.destroy.bind(buffer);
          let destroyed = false;
          buffer.destroy = () => {
            if (!destroyed) live -= buffer.size;
            destroyed = true;
            destroy();
          };
          return buffer;
        };
      });
      if (typeof made === 'string') throw new Error(made);
      const previous = tf.getBackend();
      tf.registerBackend(name, () => made.backend, 0);
      try {
        const run = await preparePeerRun(loadedTf, name, { kind: 'train step', model, batch, optimizer: BENCH_OPTIMIZER }, finisher(made.backend, made.device));
        try {
          await run.run();
          const t0 = performance.now();
          await run.run();
          return { bytes: peak, ms: performance.now() - t0 };
        } finally {
          run.dispose();
        }
      } finally {
        tf.removeBackend(name);
        made.device.destroy();
        if (previous && previous !== name && tf.findBackend(previous)) await tf.setBackend(previous);
      }
    },
  };
}

/**
 * TF.js's wasm backend (XNNPACK, SIMD; single-threaded in Node, where it finds no threads support, and in a page
 * that is not cross-origin isolated) for conv forward only: it has no Conv2DBackpropFilter, so it cannot train a
 * CNN. In Node it finds its .wasm files beside its own script; a bundled page passes their URLs as `wasmPaths`
 * (file name -> URL, all three binaries; setWasmPaths). A message instead when it cannot load.
 */
export async function tfjsWasmPeer(options: { wasmPaths?: Record<string, string> } = {}): Promise<BenchPeer | string> {
  let loadedTf: Loaded;
  try {
    loadedTf = await loadTf();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths);
  } catch (error) {
    return `TF.js wasm peer unavailable (npm dev dependencies not installed?): ${(error as Error).message}`;
  }
  const { tf } = loadedTf;
  if (!(await tf.setBackend('wasm'))) return 'TF.js wasm peer unavailable: the wasm backend did not initialise';
  return {
    name: 'TF.js 4.22 wasm',
    prepare: async (work) => (work.kind === 'conv forward' ? preparePeerRun(loadedTf, 'wasm', work, async () => {}) : null),
  };
}
