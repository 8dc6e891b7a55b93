/**
 * batchnorm: batch normalisation over the channel (last) axis, training forward (batch statistics, moving
 * statistics updated in place, Keras-style), inference forward (moving statistics) and backward.
 * shaders/batchnorm.wgsl; reference: src/reference/batchnorm.ts.
 *
 * x is viewed as [rows, channels]: rows = N*H*W for NHWC activations, N for [N, features]. Per-channel vectors
 * (gamma, beta, mean, invStd, moving*) hold `channels` floats. A layer without scale/center passes gamma = 1 /
 * beta = 0 buffers. dgamma and dbeta are overwritten, not accumulated.
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, ceilDiv, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import { BATCHNORM_EPSILON, BATCHNORM_MOMENTUM } from './batchnorm-contract.ts';
import { requireDistinct, requireElements, requirePositive } from './plan-checks.ts';

const WG = 256;
/** Threads of a reduction workgroup: WG_C channel lanes x WG_R row lanes. */
const REDUCE_THREADS = 256;

export interface BatchNormShape {
  rows: number;
  channels: number;
}

export interface BatchNormTrainingArgs extends BatchNormShape {
  x: GPUBuffer;
  y: GPUBuffer;
  gamma: GPUBuffer;
  beta: GPUBuffer;
  /** Written: batch mean per channel, saved for the backward. */
  mean: GPUBuffer;
  /** Written: 1 / sqrt(batch variance + epsilon) per channel, saved for the backward. */
  invStd: GPUBuffer;
  /** Updated in place: moving = moving * momentum + batch * (1 - momentum). */
  movingMean: GPUBuffer;
  movingVariance: GPUBuffer;
  epsilon?: number;
  momentum?: number;
}

export interface BatchNormInferenceArgs extends BatchNormShape {
  x: GPUBuffer;
  y: GPUBuffer;
  gamma: GPUBuffer;
  beta: GPUBuffer;
  movingMean: GPUBuffer;
  movingVariance: GPUBuffer;
  epsilon?: number;
}

export interface BatchNormBackwardArgs extends BatchNormShape {
  x: GPUBuffer;
  dy: GPUBuffer;
  gamma: GPUBuffer;
  /** As saved by the training forward. */
  mean: GPUBuffer;
  invStd: GPUBuffer;
  dx: GPUBuffer;
  dgamma: GPUBuffer;
  dbeta: GPUBuffer;
}

/**
 * Channel lanes per reduction workgroup: up to 8 (adjacent lanes read adjacent floats), fewer for narrow layers
 * so that a 1- or 3-channel input does not leave most threads idle; the rest of the 256 threads are row lanes.
 */
function reductionShape(channels: number): { WG_C: number; WG_R: number } {
  let lanes = 1;
  while (lanes < channels && lanes < 8) lanes *= 2;
  return { WG_C: lanes, WG_R: REDUCE_THREADS / lanes };
}

function uniforms(shape: BatchNormShape, epsilon: number, momentum: number): ArrayBuffer {
  return packUniforms([{ u32: shape.rows }, { u32: shape.channels }, { f32: epsilon }, { f32: momentum }, { f32: 1 - momentum }]);
}

function checkShape(label: string, shape: BatchNormShape, elementwise: Record<string, GPUBuffer>, perChannel: Record<string, GPUBuffer>): void {
  requirePositive(label, 'rows', shape.rows);
  requirePositive(label, 'channels', shape.channels);
  for (const [name, buffer] of Object.entries(elementwise)) requireElements(label, name, buffer, shape.rows * shape.channels);
  for (const [name, buffer] of Object.entries(perChannel)) requireElements(label, name, buffer, shape.channels);
  requireDistinct(label, { ...elementwise, ...perChannel });
}

function reduction(ctx: GpuContext, label: string, entryPoint: string, shape: BatchNormShape, bytes: ArrayBuffer, buffers: GPUBuffer[]) {
  const constants = reductionShape(shape.channels);
  return makeKernelCall(ctx, {
    label,
    file: 'batchnorm.wgsl',
    entryPoint,
    constants,
    uniforms: bytes,
    buffers,
    workgroups: [ceilDiv(shape.channels, constants.WG_C), 1, 1],
  });
}

function elementwise(ctx: GpuContext, label: string, entryPoint: string, shape: BatchNormShape, bytes: ArrayBuffer, buffers: GPUBuffer[]) {
  return makeKernelCall(ctx, {
    label,
    file: 'batchnorm.wgsl',
    entryPoint,
    constants: { WG },
    uniforms: bytes,
    buffers,
    workgroups: threadWorkgroups(ctx, shape.rows * shape.channels, WG),
  });
}

/** Training forward: [statistics (and moving update), normalisation]. Encode both, in this order. */
export async function planBatchNormTraining(ctx: GpuContext, args: BatchNormTrainingArgs): Promise<KernelCall[]> {
  const { x, y, gamma, beta, mean, invStd, movingMean, movingVariance } = args;
  const label = `batchnorm training(${x.label} -> ${y.label}, ${args.rows}x${args.channels})`;
  checkShape(label, args, { x, y }, { gamma, beta, mean, invStd, movingMean, movingVariance });
  const bytes = uniforms(args, args.epsilon ?? BATCHNORM_EPSILON, args.momentum ?? BATCHNORM_MOMENTUM);
  return [
    await reduction(ctx, `${label} statistics`, 'stats', args, bytes, [x, mean, invStd, movingMean, movingVariance]),
    await elementwise(ctx, `${label} normalise`, 'normalize_train', args, bytes, [x, mean, invStd, gamma, beta, y]),
  ];
}

/** Inference forward with the moving statistics. */
export function planBatchNormInference(ctx: GpuContext, args: BatchNormInferenceArgs): Promise<KernelCall> {
  const { x, y, gamma, beta, movingMean, movingVariance } = args;
  const label = `batchnorm inference(${x.label} -> ${y.label}, ${args.rows}x${args.channels})`;
  checkShape(label, args, { x, y }, { gamma, beta, movingMean, movingVariance });
  const bytes = uniforms(args, args.epsilon ?? BATCHNORM_EPSILON, 0);
  return elementwise(ctx, label, 'normalize_infer', args, bytes, [x, movingMean, movingVariance, gamma, beta, y]);
}

/** Backward: [dgamma and dbeta (per-channel reduction), dx (needs them)]. Encode both, in this order. */
export async function planBatchNormBackward(ctx: GpuContext, args: BatchNormBackwardArgs): Promise<KernelCall[]> {
  const { x, dy, gamma, mean, invStd, dx, dgamma, dbeta } = args;
  const label = `batchnorm backward(${dy.label} -> ${dx.label}, ${args.rows}x${args.channels})`;
  checkShape(label, args, { x, dy, dx }, { gamma, mean, invStd, dgamma, dbeta });
  const bytes = uniforms(args, 0, 0);
  return [
    await reduction(ctx, `${label} dgamma, dbeta`, 'backward_reduce', args, bytes, [x, dy, mean, invStd, dgamma, dbeta]),
    await elementwise(ctx, `${label} dx`, 'backward_dx', args, bytes, [x, dy, mean, invStd, gamma, dgamma, dbeta, dx]),
  ];
}
