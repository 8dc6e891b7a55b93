/** fill: sets a whole f32 buffer (or its first `count` elements) to a constant. shaders/fill.wgsl. */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';

const WG = 256;

export function planFill(ctx: GpuContext, out: GPUBuffer, value: number, count = out.size / 4): Promise<KernelCall> {
  return makeKernelCall(ctx, {
    label: `fill(${out.label})`,
    file: 'fill.wgsl',
    constants: { WG },
    uniforms: packUniforms([{ u32: count }, { f32: value }]),
    buffers: [out],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}
