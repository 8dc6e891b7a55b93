/**
 * elementwise: scale (in place), axpy, gradient-accumulating add and copy on flat f32 buffers, `count` elements
 * from element 0. shaders/elementwise.wgsl; reference: src/reference/elementwise.ts.
 * x and y must be different buffers (WebGPU cannot bind one buffer as both read-only and writable storage).
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

export interface BinaryArgs {
  x: GPUBuffer;
  y: GPUBuffer;
  count: number;
}

function plan(ctx: GpuContext, label: string, entryPoint: string, count: number, a: number, buffers: Record<string, GPUBuffer>): Promise<KernelCall> {
  requirePositive(label, 'count', count);
  for (const [name, buffer] of Object.entries(buffers)) requireElements(label, name, buffer, count);
  requireDistinct(label, buffers);
  return makeKernelCall(ctx, {
    label,
    file: 'elementwise.wgsl',
    entryPoint,
    constants: { WG },
    uniforms: packUniforms([{ u32: count }, { f32: a }]),
    buffers: Object.values(buffers),
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}

/** x = a * x, in place. */
export function planScale(ctx: GpuContext, { x, count, a }: { x: GPUBuffer; count: number; a: number }): Promise<KernelCall> {
  return plan(ctx, `scale(${x.label} *= ${a})`, 'scale', count, a, { x });
}

/** y = y + a * x. */
export function planAxpy(ctx: GpuContext, { x, y, count, a }: BinaryArgs & { a: number }): Promise<KernelCall> {
  return plan(ctx, `axpy(${y.label} += ${a} * ${x.label})`, 'axpy', count, a, { x, y });
}

/** y = y + x: accumulates a gradient. */
export function planAdd(ctx: GpuContext, { x, y, count }: BinaryArgs): Promise<KernelCall> {
  return plan(ctx, `add(${y.label} += ${x.label})`, 'add', count, 0, { x, y });
}

/** y = x. */
export function planCopy(ctx: GpuContext, { x, y, count }: BinaryArgs): Promise<KernelCall> {
  return plan(ctx, `copy(${x.label} -> ${y.label})`, 'copy', count, 0, { x, y });
}
