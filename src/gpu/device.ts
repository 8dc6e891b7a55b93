/**
 * Acquires a WebGPU device in the browser (`navigator.gpu`) or in Node (the `webgpu` package, Dawn), with the
 * largest buffer limits the adapter offers (datasets live on the GPU) and timestamp queries when available.
 * Device loss is never swallowed: it is reported to every listener registered on the context.
 */
import { GpuContext } from './context.ts';
import { GpuUnavailableError, noAdapterMessage } from './errors.ts';
import { chooseGemmVariant, type GemmVariant } from './kernels/gemm-variant.ts';
import type { WinogradChoice, WinogradProducts } from './kernels/conv-choices.ts';

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Ask for 'timestamp-query' when the adapter has it (benchmarks); default true. */
  timestamps?: boolean;
  /**
   * Force the conv/dense kernel variant (the page's ?kernels=, passed to the worker); in Node AOM_KERNELS does
   * the same. Default: from the adapter (kernels/gemm-variant.ts).
   */
  kernels?: GemmVariant | string;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' &&
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === 'undefined';

async function gpuEntryPoint(): Promise<{ gpu: GPU; where: 'node' | 'browser' }> {
  if (!isNode) {
    if (typeof navigator === 'undefined' || !navigator.gpu) throw new GpuUnavailableError(noAdapterMessage('browser'));
    return { gpu: navigator.gpu, where: 'browser' };
  }
  const { configureHeadlessVulkan } = await import('./vulkan-env-node.ts');
  configureHeadlessVulkan();
  const { useNodeShaderLoader } = await import('./shader-source-node.ts');
  useNodeShaderLoader();
  // The module name is computed so that browser bundlers never try to resolve the Node-only package.
  const moduleName = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ moduleName)) as { create(flags: string[]): GPU; globals: object };
  Object.assign(globalThis, dawn.globals); // GPUBufferUsage, GPUMapMode, GPUShaderStage, ...
  // One Dawn instance per process, referenced for the process's life: dawn.node frees the instance when its
  // JS object is garbage-collected, even while a device made from it is in use, and the next event poll then
  // locks a freed mutex (seen as random aborts: "futex facility returned an unexpected error code").
  // No flags: none of dawn.node's (nor Dawn's toggles) silences the two "maxDynamic...BuffersPerPipelineLayout
  // artificially reduced" warnings that requestAdapter() prints natively on lavapipe and RADV; the CLI filters
  // them out of its stderr instead (src/cli/dawn-noise.js).
  nodeInstance ??= dawn.create([]);
  return { gpu: nodeInstance, where: 'node' };
}

let nodeInstance: GPU | undefined;

/**
 * The WebGPU entry point this process uses (navigator.gpu in the browser, the one Dawn instance in Node), for
 * code that must request its own adapter on the same implementation: the benchmarks give TF.js's WebGPU
 * backend its own device on the adapter we use (src/bench/tfjs-peers.ts).
 */
export async function webgpuEntryPoint(): Promise<GPU> {
  return (await gpuEntryPoint()).gpu;
}

/**
 * The limits asked of the adapter, at its own supported values rather than WebGPU's defaults (which a device
 * gets when it asks for nothing, in the browser as in Dawn): the size of one storage buffer binding and of one
 * buffer. They bound a dataset shard (src/data/gpu-dataset.ts: fewer, larger shards) and the largest activation
 * a batch may have. Nothing else is asked for because no kernel needs more than the defaults: every workgroup
 * has at most 256 invocations and 8 KiB of workgroup memory (gemm_tiled.wgsl's two 4 KiB tiles), and a dispatch binds at most 8 storage buffers.
 */
export function requestedLimits(supported: GPUSupportedLimits): Record<string, number> {
  return {
    maxStorageBufferBindingSize: supported.maxStorageBufferBindingSize,
    maxBufferSize: supported.maxBufferSize,
  };
}

/** Request the best adapter and a device on it. Throws GpuUnavailableError with an actionable message. */
export async function acquireGpu(options: AcquireOptions = {}): Promise<GpuContext> {
  const { gpu, where } = await gpuEntryPoint();
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuUnavailableError(noAdapterMessage(where));
  const wantTimestamps = (options.timestamps ?? true) && adapter.features.has('timestamp-query');
  const device = await adapter.requestDevice({
    label: 'aom-studio',
    requiredFeatures: wantTimestamps ? ['timestamp-query'] : [],
    requiredLimits: requestedLimits(adapter.limits),
  });
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ') || 'unknown adapter';
  const ctx = new GpuContext(device, name, wantTimestamps, where === 'node', adapter);
  const override = options.kernels !== undefined
    ? { text: options.kernels, where: 'the kernels option (?kernels= in the page)' }
    : where === 'node' && process.env.AOM_KERNELS !== undefined ? { text: process.env.AOM_KERNELS, where: 'AOM_KERNELS' } : null;
  try {
    ctx.gemmVariant = chooseGemmVariant(info, override);
    if (where === 'node') {
      ctx.convChoices = {
        winograd: winogradSetting(process.env.AOM_WINOGRAD),
        directFewChannels: directConvSetting(process.env.AOM_DIRECT_CONV),
        winogradProducts: winogradProductsSetting(process.env.AOM_WINOGRAD_PRODUCTS),
      };
    }
  } catch (error) {
    ctx.destroy();
    throw error;
  }
  return ctx;
}

/**
 * AOM_WINOGRAD: unset, 'on' or '1' keeps Winograd where it pays, with the largest tiles; '6x6' keeps it with
 * transform domains up to 6 x 6 and 'small' with F(2x2, 3x3) only (the earlier rules, for a before/after); 'off'
 * or '0' turns it off; anything else is refused.
 */
export function winogradSetting(text: string | undefined): WinogradChoice {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'on' || value === '1') return 'on';
  if (value === 'off' || value === '0') return 'off';
  if (value === 'small' || value === '6x6') return value;
  throw new RangeError(`AOM_WINOGRAD: unknown value '${text}'; use on, 6x6, small or off`);
}

/** AOM_DIRECT_CONV: unset, 'on' or '1' takes the direct kernel for few input channels where it pays; 'off' or '0' never. */
export function directConvSetting(text: string | undefined): boolean {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'on' || value === '1') return true;
  if (value === 'off' || value === '0') return false;
  throw new RangeError(`AOM_DIRECT_CONV: unknown value '${text}'; use on or off`);
}

/**
 * AOM_WINOGRAD_PRODUCTS: unset or 'const-b' runs Winograd's products on the 'lavapipe' variant with B at constant
 * addresses where they fit; 'gemm' always with gemm.wgsl's stacked GEMM.
 */
export function winogradProductsSetting(text: string | undefined): WinogradProducts {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'const-b') return 'const-b';
  if (value === 'gemm') return 'gemm';
  throw new RangeError(`AOM_WINOGRAD_PRODUCTS: unknown value '${text}'; use const-b or gemm`);
}
