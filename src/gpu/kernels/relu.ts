/**
 * relu: forward y = max(x, 0) and backward dx = dy * (y > 0), one thread per element. shaders/relu.wgsl;
 * reference: src/reference/relu.ts. Not in place: x and y (dy, y and dx) must be different buffers.
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

export interface ReluForwardArgs {
  x: GPUBuffer;
  y: GPUBuffer;
  /** Number of elements. */
  count: number;
}

export interface ReluBackwardArgs {
  dy: GPUBuffer;
  /** The forward output. */
  y: GPUBuffer;
  dx: GPUBuffer;
  count: number;
}

export function planReluForward(ctx: GpuContext, { x, y, count }: ReluForwardArgs): Promise<KernelCall> {
  const label = `relu forward(${x.label} -> ${y.label})`;
  requirePositive(label, 'count', count);
  requireElements(label, 'x', x, count);
  requireElements(label, 'y', y, count);
  requireDistinct(label, { x, y });
  return makeKernelCall(ctx, {
    label,
    file: 'relu.wgsl',
    entryPoint: 'forward',
    constants: { WG },
    uniforms: u32s(count),
    buffers: [x, y],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}

export function planReluBackward(ctx: GpuContext, { dy, y, dx, count }: ReluBackwardArgs): Promise<KernelCall> {
  const label = `relu backward(${dy.label} -> ${dx.label})`;
  requirePositive(label, 'count', count);
  for (const [name, buffer] of Object.entries({ dy, y, dx })) requireElements(label, name, buffer, count);
  requireDistinct(label, { dy, y, dx });
  return makeKernelCall(ctx, {
    label,
    file: 'relu.wgsl',
    entryPoint: 'backward',
    constants: { WG },
    uniforms: u32s(count),
    buffers: [dy, y, dx],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}
