/**
 * Which shape of the implicit-GEMM kernels (conv and dense) a device runs:
 *   'lavapipe': shaders/gemm.wgsl, 8-lane workgroups with register-blocked tiles and no workgroup memory, measured
 *               fastest on software adapters (lavapipe runs a workgroup as the lanes of one CPU vector);
 *   'tiled':    shaders/gemm_tiled.wgsl, 256-thread workgroups staging 64 x 64 tiles in workgroup memory, 4 x 4
 *               outputs per thread and vec4 loads of B where aligned, the shape real GPUs need.
 * Chosen from the adapter's info (software adapters get 'lavapipe', every other one 'tiled'), overridable by
 * AOM_KERNELS in Node and ?kernels= in the page. Both compute the same thing and are tested against the same
 * references (tests/kernels/conv2d.test.ts and dense.test.ts run with each forced).
 */
export const GEMM_VARIANTS = ['lavapipe', 'tiled'] as const;
export type GemmVariant = (typeof GEMM_VARIANTS)[number];

/** What the choice reads of GPUAdapterInfo. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/** A CPU implementation of WebGPU/Vulkan: lavapipe (llvmpipe), SwiftShader, WARP. */
export function isSoftwareAdapter(info: AdapterInfoLike): boolean {
  if (info.isFallbackAdapter) return true;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  return /llvmpipe|lavapipe|swiftshader|software|microsoft basic render/i.test(text);
}

/** The variant named by `text` (an override); the error says where it came from and what is allowed. */
export function parseGemmVariant(text: string, where: string): GemmVariant {
  const variant = GEMM_VARIANTS.find((v) => v === text.trim().toLowerCase());
  if (!variant) throw new RangeError(`${where}: unknown kernel variant '${text}'; use ${GEMM_VARIANTS.join(' or ')}`);
  return variant;
}

/** The adapter's variant, unless `override` (AOM_KERNELS, ?kernels=) names one. */
export function chooseGemmVariant(info: AdapterInfoLike, override?: { text: string; where: string } | null): GemmVariant {
  if (override && override.text.trim() !== '') return parseGemmVariant(override.text, override.where);
  return isSoftwareAdapter(info) ? 'lavapipe' : 'tiled';
}
