/**
 * gather_batch: one training batch from the dataset's bytes on the GPU, normalised and optionally augmented.
 * shaders/gather_batch.wgsl; CPU reference src/reference/gather-batch.ts. Planned once per batch size; each step
 * only rewrites the request buffer ([seed, m_0 .. m_{B-1}, r_0 .. r_{B-1}]: pool indices, then the uploaded rows
 * holding them) with queue.writeBuffer. The images may lie in any number of shards; a plan is one dispatch per
 * GATHER_SLOTS shards (see the shader's header), encoded together.
 */
import type { GpuContext } from '../context.ts';
import { destroyCalls, threadWorkgroups, makeKernelCall, type KernelCall } from '../kernel-call.ts';
import { packUniforms } from '../uniforms.ts';
import type { GatherAugmentation, Preprocessing } from './gather-batch-contract.ts';

const WG = 256;

/** Shard buffers one dispatch binds (the shader's shard0..shard3). */
export const GATHER_SLOTS = 4;

export interface GatherBatchShape {
  batch: number;
  height: number;
  width: number;
  /** 1..4 (the uniform holds mean and std as vec4). */
  channels: number;
  /** Rows per shard (every shard but the last holds exactly this many); rows * H * W * C is a multiple of 4. */
  imagesPerShard: number;
}

export interface GatherBatchBuffers {
  /** The uploaded rows, NHWC u8 packed little-endian into u32 words, imagesPerShard rows per shard. */
  shards: readonly GPUBuffer[];
  /** One u32 label per uploaded row. */
  rowLabels: GPUBuffer;
  /** u32 [seed, m_0, ..., m_{batch-1}, r_0, ..., r_{batch-1}]: 1 + 2 * batch words. */
  request: GPUBuffer;
  /** f32 NHWC output, batch * height * width * channels. */
  x: GPUBuffer;
  /** u32 output labels, batch. */
  labels: GPUBuffer;
}

/** Request buffer words for a batch: the seed, the pool indices, the rows. */
export const gatherRequestWords = (batch: number): number => 1 + 2 * batch;

/** Plans the gather: ceil(shards / GATHER_SLOTS) dispatches, to be encoded together, in any order. */
export async function planGatherBatch(
  ctx: GpuContext,
  shape: GatherBatchShape,
  buffers: GatherBatchBuffers,
  preprocessing: Preprocessing,
  augmentation: GatherAugmentation,
  label = 'gather_batch',
): Promise<KernelCall[]> {
  const { batch, height, width, channels, imagesPerShard } = shape;
  if (channels < 1 || channels > 4) throw new RangeError(`${label}: ${channels} channels; gather_batch handles 1 to 4`);
  if (preprocessing.mean.length !== channels || preprocessing.std.length !== channels) {
    throw new RangeError(`${label}: preprocessing has ${preprocessing.mean.length} means and ${preprocessing.std.length} stds for ${channels} channels`);
  }
  if (!Number.isInteger(augmentation.padding) || augmentation.padding < 0 || augmentation.padding > Math.min(height, width)) {
    throw new RangeError(`${label}: crop padding ${augmentation.padding} must be an integer in 0..${Math.min(height, width)}`);
  }
  if (buffers.shards.length === 0) throw new RangeError(`${label}: no image shards to gather from`);
  // Shard s starts at row s * imagesPerShard, so with more than one shard that many images must fill whole words.
  if (!Number.isInteger(imagesPerShard) || imagesPerShard < 1 || (buffers.shards.length > 1 && (imagesPerShard * height * width * channels) % 4 !== 0)) {
    throw new RangeError(`${label}: shards of ${imagesPerShard} images of ${height}x${width}x${channels} bytes do not start on whole u32 words`);
  }
  const count = batch * height * width * channels;
  const vec4 = (values: number[], fill: number) => [0, 1, 2, 3].map((c) => ({ f32: values[c] ?? fill }));
  const passes = Math.ceil(buffers.shards.length / GATHER_SLOTS);
  const calls: KernelCall[] = [];
  try {
    for (let p = 0; p < passes; p++) {
      const first = p * GATHER_SLOTS;
      // Slots past the last shard repeat this pass's first shard: bound (a binding must be) but never read.
      const slots = Array.from({ length: GATHER_SLOTS }, (_, k) => buffers.shards[first + k] ?? buffers.shards[first]);
      calls.push(
        await makeKernelCall(ctx, {
          label: passes === 1 ? label : `${label} shards ${first}..${Math.min(first + GATHER_SLOTS, buffers.shards.length) - 1}`,
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
            { u32: batch },
            { u32: imagesPerShard },
            { u32: first },
            { u32: 0 },
            { u32: 0 },
            ...vec4(preprocessing.mean, 0),
            ...vec4(preprocessing.std, 1),
          ]),
          buffers: [...slots, buffers.rowLabels, buffers.request, buffers.x, buffers.labels],
          workgroups: threadWorkgroups(ctx, count, WG),
        }),
      );
    }
  } catch (error) {
    destroyCalls(calls); // the passes planned before the one that failed
    throw error;
  }
  return calls;
}
