/**
 * pool: 2-D max and average pooling (NHWC), forward and backward. shaders/pool.wgsl; reference:
 * src/reference/pool.ts (both take PoolParams and the TF geometry from pool-contract.ts).
 *
 * Max pooling for training records, per output element, the tap index (ky * poolW + kx) of the window's first
 * maximum in a u32 `argmax` buffer the size of y; the backward reads it, so it needs neither x nor atomics
 * (one thread per input element gathers from the windows that cover it). Inference may skip the argmax.
 * Where the windows tile the input exactly (stride = window, no padding, out * stride = in: every 2x2/2 pool of
 * an even map), the backward scatters instead: one thread per output element writes its whole window, a quarter
 * of the threads and none of the covering-window index math (measured in the README's profile). There, on
 * software adapters (`ctx.gemmVariant === 'lavapipe'`), the max pool's kernels also put a workgroup's lanes along
 * channels and walk a run of pixels (the `_lanes` entry points of pool.wgsl), so no lane divides to find its pixel;
 * GPUs keep the thread-per-element kernels (256-thread workgroups; the lanes kernels are not measured there).
 */
import type { GpuContext } from '../context.ts';
import { ceilDiv, makeKernelCall, spreadWorkgroups, threadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';
import { poolGeometry, type Nhwc, type PoolParams } from './pool-contract.ts';
import { requireDistinct, requireElements } from './plan-checks.ts';

const WG = 256;
/** pool.wgsl's lanes-along-channels kernels: CHANNEL_LANES threads per workgroup, each walking RUN output pixels. */
const CHANNEL_LANES = 8;
const RUN = 64;

export interface PoolForwardArgs {
  x: GPUBuffer;
  y: GPUBuffer;
  /** [batch, height, width, channels] of x. */
  xShape: Nhwc;
  params: PoolParams;
}

export interface MaxPoolForwardArgs extends PoolForwardArgs {
  /** u32 per output element; omit at inference, where no backward follows. */
  argmax?: GPUBuffer;
}

export interface MaxPoolBackwardArgs {
  dy: GPUBuffer;
  /** Written by the training forward (planMaxPoolForward with `argmax`). */
  argmax: GPUBuffer;
  dx: GPUBuffer;
  xShape: Nhwc;
  params: PoolParams;
  /** Force the gathering or the scattering kernel (tests); by default scatter wherever the windows tile. */
  variant?: MaxPoolBackwardVariant;
  /**
   * The pool's output y, when x is a ReLU's output whose backward this pass takes over: dx is also zero where the
   * pooled value is 0 (shaders/pool.wgsl, max_backward_scatter_relu). Only where the windows tile the input
   * (maxPoolFoldsRelu).
   */
  reluPooled?: GPUBuffer;
}

/** Whether planMaxPoolBackward can fold the backward of a ReLU before the pool in (`reluPooled`): scattering windows. */
export function maxPoolFoldsRelu(xShape: Nhwc, params: PoolParams): boolean {
  return poolWindowsTile(xShape, params);
}

export type MaxPoolBackwardVariant = 'gather' | 'scatter';

/** Whether the windows of `params` cover `xShape`'s every pixel exactly once (the scattering backward's domain). */
export function poolWindowsTile(xShape: Nhwc, params: PoolParams): boolean {
  const g = poolGeometry(xShape, params);
  return g.strideH === g.kH && g.strideW === g.kW && g.padTop === 0 && g.padLeft === 0
    && g.outH * g.strideH === xShape[1] && g.outW * g.strideW === xShape[2];
}

export interface AvgPoolBackwardArgs {
  dy: GPUBuffer;
  dx: GPUBuffer;
  xShape: Nhwc;
  params: PoolParams;
}

/** The uniform struct of pool.wgsl and the element counts of x and y. */
function layout(xShape: Nhwc, params: PoolParams) {
  const g = poolGeometry(xShape, params);
  const [batch, h, w, c] = xShape;
  return {
    uniforms: u32s(batch, h, w, c, g.outH, g.outW, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft),
    inputs: batch * h * w * c,
    outputs: batch * g.outH * g.outW * c,
  };
}

function describe(xShape: Nhwc, p: PoolParams): string {
  return `${xShape.join('x')}, ${p.poolH}x${p.poolW}/${p.strideH}x${p.strideW} ${p.padding}`;
}

function call(ctx: GpuContext, label: string, entryPoint: string, uniforms: ArrayBuffer, buffers: GPUBuffer[], threads: number) {
  return makeKernelCall(ctx, {
    label,
    file: 'pool.wgsl',
    entryPoint,
    constants: { WG },
    uniforms,
    buffers,
    workgroups: threadWorkgroups(ctx, threads, WG),
  });
}

/** Whether the max pool takes pool.wgsl's `_lanes` kernels where the windows tile the input: on software adapters. */
const lanesPay = (ctx: GpuContext): boolean => ctx.gemmVariant === 'lavapipe';

/**
 * A `_lanes` entry point of pool.wgsl (windows that tile the input): one workgroup per run of RUN output pixels
 * and block of CHANNEL_LANES channels, for `outputs` output elements of `channels` channels each pixel.
 */
function lanesCall(ctx: GpuContext, label: string, entryPoint: string, uniforms: ArrayBuffer, buffers: GPUBuffer[], outputs: number, channels: number) {
  const pixels = outputs / channels;
  return makeKernelCall(ctx, {
    label,
    file: 'pool.wgsl',
    entryPoint,
    constants: { CHANNEL_LANES, RUN },
    uniforms,
    buffers,
    workgroups: spreadWorkgroups(ceilDiv(pixels, RUN) * ceilDiv(channels, CHANNEL_LANES), ctx.limits.maxComputeWorkgroupsPerDimension),
  });
}

export function planMaxPoolForward(ctx: GpuContext, { x, y, argmax, xShape, params }: MaxPoolForwardArgs): Promise<KernelCall> {
  const label = `maxpool forward(${x.label} -> ${y.label}, ${describe(xShape, params)})`;
  const { uniforms, inputs, outputs } = layout(xShape, params);
  requireElements(label, 'x', x, inputs);
  requireElements(label, 'y', y, outputs);
  const lanes = lanesPay(ctx) && poolWindowsTile(xShape, params);
  if (argmax) {
    requireElements(label, 'argmax', argmax, outputs);
    requireDistinct(label, { x, y, argmax });
    if (lanes) return lanesCall(ctx, label, 'max_forward_argmax_lanes', uniforms, [x, y, argmax], outputs, xShape[3]);
    return call(ctx, label, 'max_forward_argmax', uniforms, [x, y, argmax], outputs);
  }
  requireDistinct(label, { x, y });
  if (lanes) return lanesCall(ctx, label, 'max_forward_lanes', uniforms, [x, y], outputs, xShape[3]);
  return call(ctx, label, 'max_forward', uniforms, [x, y], outputs);
}

export function planMaxPoolBackward(ctx: GpuContext, { dy, argmax, dx, xShape, params, variant, reluPooled }: MaxPoolBackwardArgs): Promise<KernelCall> {
  const label = `maxpool backward(${dy.label} -> ${dx.label}, ${describe(xShape, params)}${reluPooled ? ', ReLU backward folded in' : ''})`;
  const { uniforms, inputs, outputs } = layout(xShape, params);
  requireElements(label, 'dy', dy, outputs);
  requireElements(label, 'argmax', argmax, outputs);
  requireElements(label, 'dx', dx, inputs);
  const tiles = poolWindowsTile(xShape, params);
  if (reluPooled) {
    requireElements(label, 'pooled output', reluPooled, outputs);
    requireDistinct(label, { dy, argmax, dx, pooled: reluPooled });
    if (!tiles || variant === 'gather') throw new RangeError(`${label}: folding the ReLU's backward in needs the scattering backward (windows that tile the input)`);
    if (lanesPay(ctx)) return lanesCall(ctx, label, 'max_backward_scatter_relu_lanes', uniforms, [dy, argmax, dx, reluPooled], outputs, xShape[3]);
    return call(ctx, label, 'max_backward_scatter_relu', uniforms, [dy, argmax, dx, reluPooled], outputs);
  }
  requireDistinct(label, { dy, argmax, dx });
  if (variant === 'scatter' && !tiles) throw new RangeError(`${label}: the scattering backward needs windows that tile the input (stride = window, no padding)`);
  if (variant !== 'gather' && tiles) {
    if (lanesPay(ctx)) return lanesCall(ctx, label, 'max_backward_scatter_lanes', uniforms, [dy, argmax, dx], outputs, xShape[3]);
    return call(ctx, label, 'max_backward_scatter', uniforms, [dy, argmax, dx], outputs);
  }
  return call(ctx, label, 'max_backward', uniforms, [dy, argmax, dx], inputs);
}

export function planAvgPoolForward(ctx: GpuContext, { x, y, xShape, params }: PoolForwardArgs): Promise<KernelCall> {
  const label = `avgpool forward(${x.label} -> ${y.label}, ${describe(xShape, params)})`;
  const { uniforms, inputs, outputs } = layout(xShape, params);
  requireElements(label, 'x', x, inputs);
  requireElements(label, 'y', y, outputs);
  requireDistinct(label, { x, y });
  return call(ctx, label, 'avg_forward', uniforms, [x, y], outputs);
}

export function planAvgPoolBackward(ctx: GpuContext, { dy, dx, xShape, params }: AvgPoolBackwardArgs): Promise<KernelCall> {
  const label = `avgpool backward(${dy.label} -> ${dx.label}, ${describe(xShape, params)})`;
  const { uniforms, inputs, outputs } = layout(xShape, params);
  requireElements(label, 'dy', dy, outputs);
  requireElements(label, 'dx', dx, inputs);
  requireDistinct(label, { dy, dx });
  return call(ctx, label, 'avg_backward', uniforms, [dy, dx], inputs);
}
