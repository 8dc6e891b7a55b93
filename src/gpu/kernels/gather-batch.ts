/**
 * gather_batch: one training batch from the dataset's bytes on the GPU, normalised and optionally augmented.
 * shaders/gather_batch.wgsl; CPU reference src/reference/gather-batch.ts. Planned once per batch size; each step
 * only rewrites the request buffer ([seed, index_0, ..., index_{B-1}]) with queue.writeBuffer.
 */
import type { GpuContext } from '../context.ts';
import { threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import type { GatherAugmentation, Preprocessing } from './gather-batch-contract.ts';

const WG = 256;

export interface GatherBatchShape {
  batch: number;
  height: number;
  width: number;
  /** 1..4 (the uniform holds mean and std as vec4). */
  channels: number;
}

export interface GatherBatchBuffers {
  /** Pool images, NHWC u8 packed little-endian into u32 words. */
  images: GPUBuffer;
  /** Pool labels, one u32 per image. */
  poolLabels: GPUBuffer;
  /** u32 [seed, index_0, ..., index_{batch-1}]. */
  request: GPUBuffer;
  /** f32 NHWC output, batch * height * width * channels. */
  x: GPUBuffer;
  /** u32 output labels, batch. */
  labels: GPUBuffer;
}

export function planGatherBatch(
  ctx: GpuContext,
  shape: GatherBatchShape,
  buffers: GatherBatchBuffers,
  preprocessing: Preprocessing,
  augmentation: GatherAugmentation,
  label = 'gather_batch',
): Promise<KernelCall> {
  const { batch, height, width, channels } = shape;
  if (channels < 1 || channels > 4) throw new RangeError(`${label}: ${channels} channels; gather_batch handles 1 to 4`);
  if (preprocessing.mean.length !== channels || preprocessing.std.length !== channels) {
    throw new RangeError(`${label}: preprocessing has ${preprocessing.mean.length} means and ${preprocessing.std.length} stds for ${channels} channels`);
  }
  if (!Number.isInteger(augmentation.padding) || augmentation.padding < 0 || augmentation.padding > Math.min(height, width)) {
    throw new RangeError(`${label}: crop padding ${augmentation.padding} must be an integer in 0..${Math.min(height, width)}`);
  }
  const count = batch * height * width * channels;
  const vec4 = (values: number[], fill: number) => [0, 1, 2, 3].map((c) => ({ f32: values[c] ?? fill }));
  return makeKernelCall(ctx, {
    label,
    file: 'gather_batch.wgsl',
    constants: { WG },
    uniforms: packUniforms([
      { u32: count },
      { u32: height },
      { u32: width },
      { u32: channels },
      { u32: augmentation.padding },
      { u32: augmentation.flip ? 1 : 0 },
      { f32: preprocessing.scale },
      { u32: 0 },
      ...vec4(preprocessing.mean, 0),
      ...vec4(preprocessing.std, 1),
    ]),
    buffers: [buffers.images, buffers.poolLabels, buffers.request, buffers.x, buffers.labels],
    workgroups: threadWorkgroups(ctx, count, WG),
  });
}
