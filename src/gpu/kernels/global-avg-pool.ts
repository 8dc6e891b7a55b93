/**
 * global average pooling (NHWC [batch, h, w, c] -> [batch, c]), forward and backward. shaders/global_avg_pool.wgsl;
 * reference: src/reference/global-avg-pool.ts. One thread per output element (forward, summing its channel over the
 * h * w positions in order) or per input element (backward); deterministic, no atomics.
 */
import type { GpuContext } from '../context.ts';
import { makeKernelCall, threadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;

/** [batch, height, width, channels] of the pooled input. */
export type GlobalPoolShape = [number, number, number, number];

export interface GlobalAvgPoolForwardArgs {
  x: GPUBuffer;
  /** [batch, channels]. */
  y: GPUBuffer;
  xShape: GlobalPoolShape;
}

export interface GlobalAvgPoolBackwardArgs {
  /** [batch, channels]. */
  dy: GPUBuffer;
  dx: GPUBuffer;
  xShape: GlobalPoolShape;
}

/** Checks the shape; the element counts of x and y. */
function counts(label: string, xShape: GlobalPoolShape): { inputs: number; outputs: number } {
  const [batch, h, w, c] = xShape;
  for (const [name, value] of [['batch', batch], ['height', h], ['width', w], ['channels', c]] as const) requirePositive(label, name, value);
  return { inputs: batch * h * w * c, outputs: batch * c };
}

function call(ctx: GpuContext, label: string, entryPoint: string, xShape: GlobalPoolShape, buffers: GPUBuffer[], threads: number) {
  return makeKernelCall(ctx, {
    label,
    file: 'global_avg_pool.wgsl',
    entryPoint,
    constants: { WG },
    uniforms: u32s(...xShape),
    buffers,
    workgroups: threadWorkgroups(ctx, threads, WG),
  });
}

export function planGlobalAvgPoolForward(ctx: GpuContext, { x, y, xShape }: GlobalAvgPoolForwardArgs): Promise<KernelCall> {
  const label = `global avgpool forward(${x.label} -> ${y.label}, ${xShape.join('x')})`;
  const { inputs, outputs } = counts(label, xShape);
  requireElements(label, 'x', x, inputs);
  requireElements(label, 'y', y, outputs);
  requireDistinct(label, { x, y });
  return call(ctx, label, 'forward', xShape, [x, y], outputs);
}

export function planGlobalAvgPoolBackward(ctx: GpuContext, { dy, dx, xShape }: GlobalAvgPoolBackwardArgs): Promise<KernelCall> {
  const label = `global avgpool backward(${dy.label} -> ${dx.label}, ${xShape.join('x')})`;
  const { inputs, outputs } = counts(label, xShape);
  requireElements(label, 'dy', dy, outputs);
  requireElements(label, 'dx', dx, inputs);
  requireDistinct(label, { dy, dx });
  return call(ctx, label, 'backward', xShape, [dy, dx], inputs);
}
