/**
 * gather_batch over a dataset in many shards, and over a subset of the pool: every batch of a pass over the data
 * equals the CPU reference (which knows nothing of shards or rows), batches straddling shard boundaries and
 * several dispatches (more than 4 shards) included, with and without augmentation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GpuDataset, type BatchGather } from '../../src/data/gpu-dataset.ts';
import { poolSize, type ImageDataset } from '../../src/data/dataset.ts';
import { normalisationFrom } from '../../src/data/normalisation.ts';
import { loadCifarPath } from '../../src/data/dataset-files-node.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import { GATHER_SLOTS } from '../../src/gpu/kernels/gather-batch.ts';
import type { GatherAugmentation, Preprocessing } from '../../src/gpu/kernels/gather-batch-contract.ts';
import { gatherBatchReference } from '../../src/reference/gather-batch.ts';
import { syntheticDataset } from '../helpers/dataset-files.ts';
import { expectClose, rng, useGpu } from '../helpers/gpu.ts';

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
 * Gathers `order` batch by batch (the last batch padded with its last index, as the inference runner does) and
 * compares each batch with the reference. Tolerance as in gather-batch.test.ts: 4 ulp (rtol 5e-7) for the f32
 * division, exact labels and padding zeros.
 */
async function checkPass(d: ImageDataset, gather: BatchGather, order: ArrayLike<number>, pre: Preprocessing, augmentation: GatherAugmentation, what: string) {
  const ctx = gpu();
  const pool = poolOf(d);
  const B = gather.batchSize;
  for (let start = 0; start < order.length; start += B) {
    const indices = Array.from({ length: B }, (_, n) => order[Math.min(start + n, order.length - 1)]);
    const seed = 1000 + start;
    gather.write(indices, seed);
    submitCalls(ctx, gather.calls, what);
    const expected = gatherBatchReference(pool, indices, seed, pre, augmentation);
    expect(Array.from(await ctx.readUint32(gather.labels)), `${what}: labels of the batch at ${start}`).toEqual(Array.from(expected.labels));
    expectClose(await ctx.readFloat32(gather.x), expected.x, { rtol: 5e-7 }, `${what}: batch at ${start}`);
  }
}

/** A seeded permutation of 0..n-1. */
function shuffled(n: number, seed: number): number[] {
  const next = rng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

describe('gather_batch across shards', () => {
  it('matches the reference on every batch, for odd image sizes and shards of a few images (several dispatches)', async () => {
    const ctx = gpu();
    for (const shape of [[5, 3, 1], [3, 5, 3], [2, 2, 1], [1, 1, 1]] as [number, number, number][]) {
      const d = syntheticDataset([9, 8], shape, 13); // 17 train + 13 test images; the test split starts mid-word
      const bytes = shape[0] * shape[1] * shape[2];
      const step = bytes % 4 === 0 ? 1 : bytes % 2 === 0 ? 2 : 4; // fewest images filling whole words
      const uploaded = GpuDataset.upload(ctx, d, { maxShardBytes: step * bytes }); // one word group per shard
      const pre = { scale: 1 / 255, mean: new Array(shape[2]).fill(0.4), std: new Array(shape[2]).fill(0.6) };
      const pad = Math.min(shape[0], shape[1]);
      try {
        expect(uploaded.imagesPerShard).toBe(step);
        expect(uploaded.shards.length).toBe(Math.ceil(30 / step));
        for (const [batch, augmentation] of [[7, { padding: 0, flip: false }], [5, { padding: pad, flip: true }]] as const) {
          const gather = await uploaded.planGather({ batchSize: batch, preprocessing: pre, augmentation });
          try {
            expect(gather.calls.length).toBe(Math.ceil(uploaded.shards.length / GATHER_SLOTS));
            const what = `${shape.join('x')} in ${uploaded.shards.length} shards, batch ${batch}, padding ${augmentation.padding}`;
            await checkPass(d, gather, Array.from({ length: 30 }, (_, i) => i), pre, augmentation, `${what}, in order`);
            await checkPass(d, gather, shuffled(30, batch), pre, augmentation, `${what}, shuffled`);
            await checkPass(d, gather, [29, 0, 29, 3, 3, 16, 17], pre, augmentation, `${what}, repeats`);
          } finally {
            gather.destroy();
          }
        }
      } finally {
        uploaded.destroy();
      }
    }
  });
});

describe('uploading part of the pool', () => {
  it('uploads only the images asked for, gathers them by pool index, and names an image that is not there', async () => {
    const ctx = gpu();
    const d = syntheticDataset([6, 5], [3, 3, 3], 9); // 11 train + 9 test images of 27 bytes
    const testSplit = Array.from({ length: 9 }, (_, i) => 19 - i); // the test split, in any order
    const uploaded = GpuDataset.upload(ctx, d, { indices: [...testSplit, 11, 11], maxShardBytes: 4 * 27 });
    const pre = { scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4] };
    try {
      expect(Array.from(uploaded.rows)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
      expect(uploaded.bytes).toBe(4 * 27 + 4 * 27 + 28 + 9 * 4); // shards of 4, 4 and 1 images, and 9 labels
      expect(uploaded.rowOf(15)).toBe(4);
      expect(uploaded.rowOf(3)).toBe(-1);
      const gather = await uploaded.planGather({ batchSize: 4, preprocessing: pre, augmentation: { padding: 2, flip: true } });
      try {
        await checkPass(d, gather, testSplit, pre, { padding: 2, flip: true }, 'test split only');
        expect(() => gather.write([11, 12, 3, 13])).toThrow(
          /image 3 at batch row 2 is not on the GPU \(9 of the 20 images of synthetic were uploaded\)/,
        );
        expect(() => gather.write([11, 12, 20, 13])).toThrow(/index 20 at batch row 2 is outside synthetic \(0\.\.19\)/);
      } finally {
        gather.destroy();
      }
    } finally {
      uploaded.destroy();
    }
    expect(() => GpuDataset.upload(ctx, d, { indices: [3, 20] })).toThrow(/^synthetic: cannot upload image 20 \(entry 1 of the indices\): the pool holds 0\.\.19/);
    expect(() => GpuDataset.upload(ctx, d, { indices: [] })).toThrow(/^synthetic: no images to upload/);
  });
});

describe('gather_batch across shards on real images', () => {
  let cifar: ImageDataset;
  beforeAll(() => {
    cifar = loadCifarPath('../shared/data/cifar-10-sample.tar.gz', 'cifar10'); // relative to the repo root, beside shared/
  });

  it('CIFAR-10 sample in 7 shards (two dispatches): crops and flips across shard boundaries match the reference', async () => {
    const ctx = gpu();
    const uploaded = GpuDataset.upload(ctx, cifar, { maxShardBytes: 3000 * 3072 });
    const pre = normalisationFrom(cifar, Uint32Array.from({ length: 1000 }, (_, i) => i * 10));
    const augmentation = { padding: 4, flip: true };
    try {
      expect(uploaded.shards.length).toBe(Math.ceil(poolSize(cifar) / 3000));
      const gather = await uploaded.planGather({ batchSize: 64, preprocessing: pre, augmentation });
      try {
        // Runs of 40 images around every shard boundary, so most batches hold images of two shards.
        const order = Array.from({ length: uploaded.shards.length - 1 }, (_, s) => Array.from({ length: 40 }, (_, k) => 3000 * (s + 1) - 20 + k)).flat();
        await checkPass(cifar, gather, order, pre, augmentation, 'CIFAR-10 sample');
      } finally {
        gather.destroy();
      }
    } finally {
      uploaded.destroy();
    }
  });
});

describe('beyond the GPU-memory budget', () => {
  it('streams batches through two slots, gathered and augmented on the GPU like the resident data', async () => {
    const ctx = gpu();
    const d = syntheticDataset([7, 6], [5, 3, 3], 8); // 13 train + 8 test images of 45 bytes
    const testSplit = Array.from({ length: 8 }, (_, i) => 13 + i);
    const live = ctx.liveBuffers;
    const streamed = GpuDataset.upload(ctx, d, { indices: [...testSplit, 2, 5], budgetBytes: 400 }); // 450 B + 40 B do not fit
    const pre = { scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.3, 0.4] };
    try {
      expect([streamed.streamed, streamed.bytes, streamed.shards.length, streamed.rowCount]).toEqual([true, 0, 0, 10]);
      expect(ctx.liveBuffers).toBe(live); // nothing resident
      for (const augmentation of [{ padding: 0, flip: false }, { padding: 3, flip: true }]) {
        const gather = await streamed.planGather({ batchSize: 3, preprocessing: pre, augmentation });
        try {
          const slots = new Set<unknown>();
          for (let k = 0; k < 2; k++) {
            gather.write([13, 14, 15]);
            slots.add(gather.calls);
          }
          expect(slots.size).toBe(2); // consecutive batches alternate between the two slots
          await checkPass(d, gather, [2, 5, ...testSplit], pre, augmentation, `streamed, padding ${augmentation.padding}`);
          await checkPass(d, gather, shuffled(8, 3).map((i) => testSplit[i]), pre, augmentation, `streamed, shuffled, padding ${augmentation.padding}`);
          expect(() => gather.write([13, 14, 0])).toThrow(/image 0 at batch row 2 is not on the GPU \(10 of the 21 images of synthetic were uploaded\)/);
        } finally {
          gather.destroy();
        }
      }
      // Two batches in flight, read after both: the second slot's batch, while the first slot still holds the first.
      const gather = await streamed.planGather({ batchSize: 2, preprocessing: pre });
      try {
        gather.write([13, 20], 1);
        submitCalls(ctx, gather.calls);
        gather.write([2, 5], 2);
        submitCalls(ctx, gather.calls);
        const expected = gatherBatchReference(poolOf(d), [2, 5], 2, pre);
        expectClose(await ctx.readFloat32(gather.x), expected.x, { rtol: 5e-7 }, 'second of two batches in flight');
      } finally {
        gather.destroy();
      }
    } finally {
      streamed.destroy();
    }
    expect(ctx.liveBuffers).toBe(live);
    // Within the budget (the default, 1 GiB, here): resident, as before.
    const resident = GpuDataset.upload(ctx, d, { indices: testSplit });
    expect([resident.streamed, resident.shards.length]).toEqual([false, 1]);
    resident.destroy();
  });
});
