/**
 * A stack of GEMMs C[z] = A[z] . B[z] (gemm.wgsl's MODE 7, Winograd's products) as shaders/gemm_stack_const_b.wgsl
 * runs it on lavapipe: one dispatch per GEMM with B[z] bound at its own offset, so that with K and N as pipeline
 * constants every load of B is from a constant address (one load and a broadcast on lavapipe, where any other
 * address is loaded lane by lane). One KernelCall holds the stack's dispatches (its moreBindGroups).
 *
 * Where it fits: K <= 32 and N <= 32 (the shader's unrolled walk; it also bounds the pipeline's compile time), and
 * each B[z] starting on the adapter's storage-offset alignment (K * N * 4 bytes a multiple of it: 256 bytes, so
 * K * N a multiple of 64, on every adapter we know). Elsewhere the planner takes gemm.wgsl's MODE 7.
 */
import type { GpuContext } from '../context.ts';
import type { KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const LANES = 8;
/** Rows each lane keeps in registers: each broadcast of B feeds this many multiply-adds (4 measured best of 1-8). */
const ROWS = 4;
export const CONST_B_MAX_K = 32;
export const CONST_B_MAX_N = 32;
/** Bytes between two GEMMs' uniform records: the uniform-offset alignment every adapter allows. */
const RECORD_BYTES = 256;

export interface StackConstBArgs {
  label: string;
  M: number;
  N: number;
  K: number;
  stack: number;
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
}

/**
 * Whether the adapter is lavapipe (llvmpipe), the one whose loads this kernel is shaped for: measured there
 * against gemm.wgsl, 1.3-1.9x on mnist-ref's and cifar-ref's products. Other software adapters (SwiftShader in
 * the browser tests) keep gemm.wgsl: unmeasured there, and the unrolled pipeline is costly to compile.
 */
export function isLavapipe(ctx: GpuContext): boolean {
  return /llvmpipe|lavapipe/i.test(ctx.adapterName);
}

/** Why the stack cannot run as gemm_stack_const_b, or null where it can. */
export function stackConstBMisfit(ctx: GpuContext, shape: { M: number; N: number; K: number }): string | null {
  const { M, N, K } = shape;
  if (K > CONST_B_MAX_K || N > CONST_B_MAX_N) return `K = ${K} and N = ${N} must be at most ${CONST_B_MAX_K} and ${CONST_B_MAX_N}`;
  const align = ctx.limits.minStorageBufferOffsetAlignment;
  if ((K * N * 4) % align !== 0) return `each B of K x N = ${K} x ${N} floats must start on ${align} bytes`;
  if (Math.ceil(M / (LANES * ROWS)) > ctx.limits.maxComputeWorkgroupsPerDimension) return `M = ${M} rows are too many for one dispatch`;
  if (RECORD_BYTES % ctx.limits.minUniformBufferOffsetAlignment !== 0) return 'the uniform records cannot be aligned';
  return null;
}

/** Plans the stack as one call of `stack` dispatches; throws where stackConstBMisfit says why not. */
export async function planStackConstB(ctx: GpuContext, args: StackConstBArgs): Promise<KernelCall> {
  const { M, N, K, stack } = args;
  const misfit = stackConstBMisfit(ctx, args);
  if (misfit) throw new RangeError(`${args.label}: not a stack for gemm_stack_const_b.wgsl: ${misfit}`);
  requireElements(args.label, 'A', args.a, stack * M * K);
  requireElements(args.label, 'B', args.b, stack * K * N);
  requireElements(args.label, 'C', args.c, stack * M * N);
  requireDistinct(args.label, { A: args.a, B: args.b, C: args.c });
  for (const [name, value] of Object.entries({ M, N, K, stack })) requirePositive(args.label, name, value);
  const workgroups: [number, number, number] = [Math.ceil(M / (LANES * ROWS)), 1, 1];
  ctx.checkWorkgroups(args.label, workgroups);
  const pipeline = await ctx.pipelines.get({ file: 'gemm_stack_const_b.wgsl', constants: { K, N, LANES, ROWS } });
  // One record per GEMM, RECORD_BYTES apart: { M, aBase = z*M*K, cBase = z*M*N }.
  const records = new Uint8Array(stack * RECORD_BYTES);
  for (let z = 0; z < stack; z++) records.set(new Uint8Array(u32s(M, z * M * K, z * M * N)), z * RECORD_BYTES);
  const uniform = ctx.uniform(`${args.label} records`, records.buffer);
  const layout = pipeline.getBindGroupLayout(0);
  const bBytes = K * N * 4;
  const bindGroups = Array.from({ length: stack }, (_, z) => ctx.device.createBindGroup({
    label: `${args.label} GEMM ${z}`,
    layout,
    entries: [
      { binding: 0, resource: { buffer: uniform, offset: z * RECORD_BYTES, size: 16 } },
      { binding: 1, resource: { buffer: args.a } },
      { binding: 2, resource: { buffer: args.b, offset: z * bBytes, size: bBytes } },
      { binding: 3, resource: { buffer: args.c } },
    ],
  }));
  return {
    label: args.label,
    pipeline,
    bindGroup: bindGroups[0],
    moreBindGroups: bindGroups.slice(1),
    workgroups,
    shape: `gemm ${stack} x ${M}x${N}x${K}, B at constant addresses, ${stack} dispatches`,
    owned: [uniform],
  };
}
