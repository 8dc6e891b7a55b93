/**
 * The full CIFAR-10 (60,000 images, 175.8 MiB: more than lavapipe's and a default browser device's 128 MiB storage
 * binding) on the GPU, from ../shared/data/cifar-10-binary.tar.gz beside the repository (never shipped with it).
 * The one test here that needs the full-size file; it fails, naming the file, when the file is absent.
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../src/data/dataset.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { normalisationFrom } from '../../src/data/normalisation.ts';
import { loadCifarPath } from '../../src/data/dataset-files-node.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import { gatherBatchReference } from '../../src/reference/gather-batch.ts';
import { expectClose, useGpu } from '../helpers/gpu.ts';

const FULL_CIFAR10 = '../shared/data/cifar-10-binary.tar.gz'; // relative to the repository root, beside shared/
const BINDING_128_MIB = 2 ** 27;

const gpu = useGpu();

describe('the full CIFAR-10 on the GPU', () => {
  let cifar: ImageDataset;
  beforeAll(() => {
    if (!existsSync(FULL_CIFAR10)) {
      throw new Error(
        `${FULL_CIFAR10} is missing: this test needs the full CIFAR-10 in the official binary layout (cifar-10-binary.tar.gz, ` +
          '50,000 + 10,000 images) in ../shared/data beside the repository',
      );
    }
    cifar = loadCifarPath(FULL_CIFAR10, 'cifar10');
  }, 120_000);

  it('uploads in shards of at most 128 MiB and gathers batches across the shard boundary as the CPU reference does', async () => {
    const ctx = gpu();
    expect([cifar.train.count, cifar.test!.count]).toEqual([50000, 10000]);
    // At most 128 MiB per shard, whatever the adapter allows, so that this checks a boundary everywhere.
    const maxShardBytes = Math.min(BINDING_128_MIB, ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const uploaded = GpuDataset.upload(ctx, cifar, { maxShardBytes });
    try {
      const perShard = Math.floor(maxShardBytes / 3072); // 3072 = 4 * 768: any count fills whole words
      expect(uploaded.imagesPerShard).toBe(perShard);
      expect(uploaded.shards.map((s) => s.size)).toEqual([perShard * 3072, (60000 - perShard) * 3072]);
      expect(uploaded.bytes).toBe(60000 * 3072 + 60000 * 4);
      const pre = normalisationFrom(cifar, Uint32Array.from({ length: 1000 }, (_, i) => i * 45));
      const augmentation = { padding: 4, flip: true };
      const gather = await uploaded.planGather({ batchSize: 32, preprocessing: pre, augmentation });
      try {
        // Two batches: the 16 images either side of the shard boundary, and the pool's two ends with the train/test
        // boundary (whose images lie in the second shard).
        const batches = [
          Array.from({ length: 32 }, (_, k) => perShard - 16 + k),
          [0, 1, 59999, 59998, ...Array.from({ length: 28 }, (_, k) => 49986 + k)],
        ];
        const { train, test } = cifar;
        const pool = { images: new Uint8Array(60000 * 3072), labels: [...train.labels, ...test!.labels], height: 32, width: 32, channels: 3 };
        pool.images.set(train.images);
        pool.images.set(test!.images, train.images.length);
        for (const [b, indices] of batches.entries()) {
          gather.write(indices, 77 + b);
          submitCalls(ctx, gather.calls, 'full CIFAR-10 gather');
          const expected = gatherBatchReference(pool, indices, 77 + b, pre, augmentation);
          expect(Array.from(await ctx.readUint32(gather.labels))).toEqual(Array.from(expected.labels));
          expectClose(await ctx.readFloat32(gather.x), expected.x, { rtol: 5e-7 }, `full CIFAR-10, batch ${b}`); // as in gather-batch.test.ts
        }
      } finally {
        gather.destroy();
      }
    } finally {
      uploaded.destroy();
    }
  }, 120_000);

  it('uploads the test split alone when only it is read: 10,000 images, one shard', () => {
    const test = Uint32Array.from({ length: 10000 }, (_, i) => 50000 + i);
    const uploaded = GpuDataset.upload(gpu(), cifar, { indices: test });
    try {
      expect(uploaded.shards).toHaveLength(1);
      expect(uploaded.bytes).toBe(10000 * 3072 + 10000 * 4);
      expect(uploaded.rowOf(50000)).toBe(0);
      expect(uploaded.rowOf(49999)).toBe(-1);
    } finally {
      uploaded.destroy();
    }
  });
});
