/**
 * A KernelCall is one prepared dispatch: pipeline, bind group and workgroup counts, made once for a fixed shape
 * and encoded many times (or a run of dispatches of one pipeline, one per bind group: moreBindGroups). Engines plan a whole step (forward, backward, update) as a list of calls and submit it
 * in one command buffer, so a training step costs no JavaScript allocation beyond the encoder.
 */
import type { GpuContext } from './context.ts';
import type { OverrideConstants } from './pipeline-cache.ts';

export interface KernelCall {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /**
   * Further bind groups dispatched after the first with the same pipeline and workgroups, one dispatch each: a
   * stack of GEMMs whose operands are bound at each GEMM's offset (gemm-stack-const-b.ts). Absent for one dispatch.
   */
  moreBindGroups?: GPUBindGroup[];
  /** The work's shape in the kernel's own terms (a GEMM's M x N x K), for profiles; absent where none is given. */
  shape?: string;
  /** GPU objects owned by this call (uniform buffers), destroyed with it. */
  owned: GPUBuffer[];
}

export interface KernelSpec {
  label: string;
  file: string;
  entryPoint?: string;
  constants?: OverrideConstants;
  /** Uniform struct bytes, bound at binding 0 when present. */
  uniforms?: ArrayBuffer;
  /** Storage buffers in binding order (after the uniform, if any). */
  buffers: GPUBuffer[];
  workgroups: [number, number, number];
  /** See KernelCall.shape. */
  shape?: string;
}

/**
 * What to bind for a kernel's bias when the call has none: a layout binds every entry a shader declares, so a
 * 4-byte stand-in takes the bias's place, which the shader never reads (its HAS_BIAS is false). `adopt` hands the
 * stand-in, if one was made, to the call that binds it, to be destroyed with it.
 */
export function biasOrStandIn(ctx: GpuContext, label: string, bias: GPUBuffer | null | undefined): { buffer: GPUBuffer; adopt(call: KernelCall): void } {
  const standIn = bias ? null : ctx.createBuffer(`${label} no-bias`, 4);
  return {
    buffer: bias ?? standIn!,
    adopt(call) {
      if (standIn) call.owned.push(standIn);
    },
  };
}

/** Compiles (or reuses) the pipeline and builds the bind group for one dispatch. */
export async function makeKernelCall(ctx: GpuContext, spec: KernelSpec): Promise<KernelCall> {
  ctx.checkWorkgroups(spec.label, spec.workgroups);
  const pipeline = await ctx.pipelines.get({ file: spec.file, entryPoint: spec.entryPoint, constants: spec.constants });
  const owned: GPUBuffer[] = [];
  const entries: GPUBindGroupEntry[] = [];
  if (spec.uniforms) {
    const uniform = ctx.uniform(`${spec.label} uniforms`, spec.uniforms);
    owned.push(uniform);
    entries.push({ binding: 0, resource: { buffer: uniform } });
  }
  const first = spec.uniforms ? 1 : 0;
  spec.buffers.forEach((buffer, i) => entries.push({ binding: first + i, resource: { buffer } }));
  const bindGroup = ctx.device.createBindGroup({ label: spec.label, layout: pipeline.getBindGroupLayout(0), entries });
  return { label: spec.label, pipeline, bindGroup, workgroups: spec.workgroups, shape: spec.shape, owned };
}

/** Encodes calls into one compute pass (WebGPU orders storage writes between dispatches within a pass). */
export function encodeCalls(
  encoder: GPUCommandEncoder,
  calls: readonly KernelCall[],
  label = 'aom-studio pass',
  timestampWrites?: GPUComputePassTimestampWrites,
): void {
  if (calls.length === 0 && !timestampWrites) return;
  const pass = encoder.beginComputePass({ label, timestampWrites });
  for (const call of calls) {
    pass.setPipeline(call.pipeline);
    pass.setBindGroup(0, call.bindGroup);
    pass.dispatchWorkgroups(...call.workgroups);
    for (const more of call.moreBindGroups ?? []) {
      pass.setBindGroup(0, more);
      pass.dispatchWorkgroups(...call.workgroups);
    }
  }
  pass.end();
}

/** Encodes and submits calls in one command buffer. */
export function submitCalls(ctx: GpuContext, calls: readonly KernelCall[], label?: string): void {
  ctx.assertAlive();
  const encoder = ctx.device.createCommandEncoder({ label });
  encodeCalls(encoder, calls, label);
  ctx.device.queue.submit([encoder.finish()]);
}

export function destroyCalls(calls: readonly KernelCall[]): void {
  for (const call of calls) for (const buffer of call.owned) buffer.destroy();
}

/**
 * Workgroup counts for one thread per element: ceil(threads / workgroupSize) workgroups, spread over x and y
 * beyond the adapter's per-dimension limit (shaders recover the flat index as in spreadWorkgroups).
 */
export function threadWorkgroups(ctx: GpuContext, threads: number, workgroupSize: number): [number, number, number] {
  return spreadWorkgroups(ceilDiv(threads, workgroupSize), ctx.limits.maxComputeWorkgroupsPerDimension);
}

/** ceil(a / b) for positive integers: workgroup counts. */
export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * Spreads a 1-D workgroup count over x and y when it exceeds the per-dimension limit (65535 on most adapters).
 * Shaders that use it recover the flat index as `wg.x + wg.y * num_workgroups.x`.
 */
export function spreadWorkgroups(count: number, maxPerDim = 65535): [number, number, number] {
  if (count <= maxPerDim) return [count, 1, 1];
  const y = Math.ceil(count / maxPerDim);
  return [Math.ceil(count / y), y, 1];
}
