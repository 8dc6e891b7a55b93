import { beforeAll, describe, expect, it } from 'vitest';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { shardLayout } from '../../src/data/shard-layout.ts';
import type { ImageDataset } from '../../src/data/dataset.ts';
import { normalisationFrom } from '../../src/data/normalisation.ts';
import { loadBuiltInMnist, loadCifarPath } from '../../src/data/dataset-files-node.ts';
import { GpuLimitError } from '../../src/gpu/errors.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import type { GatherAugmentation, Preprocessing } from '../../src/gpu/kernels/gather-batch-contract.ts';
import { gatherBatchReference } from '../../src/reference/gather-batch.ts';
import { expectClose, useGpu } from '../helpers/gpu.ts';
import { syntheticDataset } from '../helpers/dataset-files.ts';

const gpu = useGpu();

/** The pool as the reference reads it: train then test bytes and labels, concatenated. */
function poolOf(d: ImageDataset) {
  const test = d.test ?? { images: new Uint8Array(0), labels: new Uint8Array(0) };
  const images = new Uint8Array(d.train.images.length + test.images.length);
  images.set(d.train.images);
  images.set(test.images, d.train.images.length);
  return { images, labels: [...d.train.labels, ...test.labels], height: d.height, width: d.width, channels: d.channels };
}

/**
 * Gathers `indices` on the GPU and on the CPU and compares. Tolerance: the products and differences are
 * correctly rounded f32 operations on both sides; only the division by std may differ (WGSL allows 2.5 ulp for
 * f32 division), so 4 ulp of the largest magnitude (rtol 5e-7) bounds the error. Labels and the positions of
 * padding (exact zeros) must match exactly.
 */
async function check(d: ImageDataset, uploaded: GpuDataset, indices: number[], seed: number, pre: Preprocessing, augmentation?: GatherAugmentation) {
  const ctx = gpu();
  const gather = await uploaded.planGather({ batchSize: indices.length, preprocessing: pre, augmentation });
  try {
    gather.write(indices, seed);
    submitCalls(ctx, gather.calls, 'gather test');
    const x = await ctx.readFloat32(gather.x);
    const labels = await ctx.readUint32(gather.labels);
    const expected = gatherBatchReference(poolOf(d), indices, seed, pre, augmentation);
    expect(Array.from(labels)).toEqual(Array.from(expected.labels));
    expectClose(x, expected.x, { rtol: 5e-7 }, `${d.name} gather of ${indices.length}`);
    return { gather, x };
  } finally {
    gather.destroy();
  }
}

describe('gather_batch on real images', () => {
  let mnist: ImageDataset;
  let cifar: ImageDataset;
  beforeAll(() => {
    mnist = loadBuiltInMnist();
    cifar = loadCifarPath('../shared/data/cifar-10-sample.tar.gz', 'cifar10'); // relative to the repo root, beside shared/
  });

  it('MNIST: batches spanning the train/test boundary, reusing one planned call for two steps', async () => {
    const ctx = gpu();
    const uploaded = GpuDataset.upload(ctx, mnist);
    try {
      expect(uploaded.bytes).toBe(70000 * 784 + 70000 * 4);
      const pre = normalisationFrom(mnist, Uint32Array.from({ length: 500 }, (_, i) => i * 97));
      await check(mnist, uploaded, [0, 59999, 60000, 69999, 12345, 7], 0, pre);
      // One plan, two steps: only the request buffer changes between them.
      const gather = await uploaded.planGather({ batchSize: 37, preprocessing: pre });
      try {
        for (const [seed, first] of [[1, 100], [2, 61000]]) {
          const indices = Array.from({ length: 37 }, (_, i) => first + i * 13);
          gather.write(indices, seed);
          submitCalls(ctx, gather.calls);
          const expected = gatherBatchReference(poolOf(mnist), indices, seed, pre);
          expectClose(await ctx.readFloat32(gather.x), expected.x, { rtol: 5e-7 }, `step with seed ${seed}`);
          expect(Array.from(await ctx.readUint32(gather.labels))).toEqual(Array.from(expected.labels));
        }
        expect(() => gather.write([70000, ...new Array(36).fill(0)])).toThrow(/index 70000 at batch row 0 is outside mnist \(0\.\.69999\)/);
        expect(() => gather.write([1, 2])).toThrow(/got 2 indices for a batch of 37/);
        const small = { x: ctx.createBuffer('model input', 37 * 784 * 4 - 4), labels: ctx.createBuffer('labels', 37 * 4) };
        await expect(uploaded.planGather({ batchSize: 37, preprocessing: pre, output: small })).rejects.toThrow(
          /mnist batch of 37: output buffers model input \(116028 B\) and labels \(148 B\) are smaller than the batch \(116032 B/,
        );
        small.x.destroy();
        small.labels.destroy();
      } finally {
        gather.destroy();
      }
    } finally {
      uploaded.destroy();
    }
  });

  it('CIFAR-10: random crops (padding 4) and flips drawn as the CPU reference draws them', async () => {
    const uploaded = GpuDataset.upload(gpu(), cifar);
    try {
      const pre = normalisationFrom(cifar, Uint32Array.from({ length: 1000 }, (_, i) => i * 10));
      const augmentation = { padding: 4, flip: true };
      const indices = Array.from({ length: 64 }, (_, i) => (i * 311) % 20000);
      const { x } = await check(cifar, uploaded, indices, 0xdeadbeef, pre, augmentation);
      expect(x.some((v) => v === 0)).toBe(true); // some padding was cropped in
      await check(cifar, uploaded, [19999], 5, pre, augmentation); // batch of 1, last test image
      await check(cifar, uploaded, [3, 4, 5], 5, pre, { padding: 0, flip: true }); // flips only
    } finally {
      uploaded.destroy();
    }
  });
});

describe('gather_batch on awkward shapes', () => {
  it('packs odd image sizes and an unaligned train/test boundary into u32 words correctly', async () => {
    for (const shape of [[5, 3, 1], [3, 5, 3], [1, 1, 1]] as [number, number, number][]) {
      const d = syntheticDataset([4, 3], shape, 5); // 7 train images of 15, 45 or 1 bytes: the test split starts mid-word
      const uploaded = GpuDataset.upload(gpu(), d);
      try {
        const pre = { scale: 1 / 255, mean: new Array(shape[2]).fill(0.3), std: new Array(shape[2]).fill(0.7) };
        const all = Array.from({ length: 12 }, (_, i) => 11 - i);
        await check(d, uploaded, all, 9, pre);
        const pad = Math.min(shape[0], shape[1]);
        await check(d, uploaded, [6, 7, 0], 3, pre, { padding: pad, flip: true });
      } finally {
        uploaded.destroy();
      }
    }
  });

  it('cuts a dataset beyond one storage buffer binding into shards of whole images, each within the limits', () => {
    const ctx = gpu();
    const max = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const count = Math.floor(max / 3072) + 1; // one image more than one binding holds
    const layout = shardLayout('cifar-huge', count, 3072, max);
    expect(layout.shardBytes).toEqual([layout.imagesPerShard * 3072, (count - layout.imagesPerShard) * 3072]);
    expect(layout.shardBytes.every((b) => b <= max && b % 4 === 0)).toBe(true);
    // Odd image sizes: shards hold a multiple of 4 / gcd(size, 4) images, so that each starts on a u32 word.
    expect(shardLayout('odd', 10, 15, 100)).toEqual({ imagesPerShard: 4, shardBytes: [60, 60, 32], totalBytes: 152 });
    expect(shardLayout('even', 5, 6, 25)).toEqual({ imagesPerShard: 4, shardBytes: [24, 8], totalBytes: 32 });
    expect(() => shardLayout('odd', 10, 15, 59)).toThrow(GpuLimitError);
    expect(() => shardLayout('odd', 10, 15, 59)).toThrow(/^odd: 4 image\(s\) of 15 B \(the fewest that fill whole 4-byte words\) need 60 B, more than one GPU buffer may hold here \(59 B, 59 B\)/);
  });
});
