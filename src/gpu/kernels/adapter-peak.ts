/**
 * adapter_peak: two kernels that measure what the adapter can do at best, not what a layer needs: an FMA loop
 * (attainable fp32 multiply-add throughput) and a vec4 copy (attainable memory bandwidth). The benchmarks divide
 * every kernel's figure by them (src/bench/peak-cases.ts). shaders/adapter_peak.wgsl; reference:
 * src/reference/adapter-peak.ts.
 */
import type { GpuContext } from '../context.ts';
import { makeKernelCall, threadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 64;

/** The FMA loop's settings: `threads` threads of `iterations` rounds of 16 FMAs (see the shader's header). */
export interface FmaLoopArgs {
  out: GPUBuffer;
  threads: number;
  iterations: number;
  multiplier: number;
  addend: number;
}

/** FLOPs of one FMA loop dispatch: 16 multiply-adds of 2 FLOPs per thread and iteration. */
export const fmaLoopFlops = (threads: number, iterations: number) => threads * iterations * 32;

export function planFmaLoop(ctx: GpuContext, args: FmaLoopArgs): Promise<KernelCall> {
  const label = `fma loop (${args.threads} threads x ${args.iterations})`;
  requirePositive(label, 'threads', args.threads);
  requireElements(label, 'out', args.out, args.threads);
  return makeKernelCall(ctx, {
    label,
    file: 'adapter_peak.wgsl',
    entryPoint: 'fma_loop',
    constants: { WG },
    uniforms: packUniforms([{ u32: args.threads }, { u32: args.iterations }, { f32: args.multiplier }, { f32: args.addend }]),
    buffers: [args.out],
    workgroups: threadWorkgroups(ctx, args.threads, WG),
  });
}

/** dst = src for the first `vec4s` vec4s (16 bytes each) of two buffers. */
export function planCopyLoop(ctx: GpuContext, args: { src: GPUBuffer; dst: GPUBuffer; vec4s: number }): Promise<KernelCall> {
  const label = `copy (${args.vec4s} vec4)`;
  requirePositive(label, 'vec4s', args.vec4s);
  requireElements(label, 'src', args.src, args.vec4s * 4);
  requireElements(label, 'dst', args.dst, args.vec4s * 4);
  requireDistinct(label, { src: args.src, dst: args.dst });
  return makeKernelCall(ctx, {
    label,
    file: 'adapter_peak.wgsl',
    entryPoint: 'copy',
    constants: { WG },
    uniforms: packUniforms([{ u32: args.vec4s }]),
    buffers: [args.src, args.dst],
    workgroups: threadWorkgroups(ctx, args.vec4s, WG),
  });
}
