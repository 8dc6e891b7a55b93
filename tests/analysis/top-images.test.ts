import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { randomModel } from '../helpers/models.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { poolImage, poolLabel } from '../../src/data/dataset.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { CancelledError } from '../../src/nn/cancellation.ts';
import { mapSource } from '../../src/analysis/map-source.ts';
import { topActivatingImages } from '../../src/analysis/top-images.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';

const gpu = useGpu();

const spec: ModelSpec = {
  name: 'top-images',
  inputShape: [10, 10, 1],
  preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
  layers: [
    { kind: 'conv2d', name: 'c1', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'linear' },
    { kind: 'relu', name: 'r1' },
    { kind: 'maxpool', name: 'p1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { kind: 'flatten', name: 'flat' },
    { kind: 'dense', name: 'out', units: 3, useBias: true, activation: 'linear' },
  ],
};

describe('topActivatingImages', () => {
  it("ranks images by the mean of the kernel's post-ReLU map as the CPU reference does, over a partial last batch", async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 3, size: 10, train: 150, test: 0, seed: 8 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(spec, 9);
    // 150 images: batches of 128 and 22.
    const indices = Uint32Array.from({ length: 150 }, (_, i) => (i * 7) % 150);
    const kernel = 2;
    const top = await topActivatingImages(ctx, model, data, indices, 'c1', kernel, 5);

    const pixels = new Uint8Array(indices.length * 100);
    indices.forEach((index, n) => pixels.set(poolImage(dataset, index), n * 100));
    const forward = referenceForward(model, preprocessImages(pixels, spec.preprocessing), indices.length);
    const map = forward.layers[mapSource(spec, 'c1').sourceIndex].data; // r1's output, NHWC [150, 10, 10, 4]
    const scores = Array.from(indices, (index, n) => {
      let sum = 0;
      for (let p = 0; p < 100; p++) sum += map[(n * 100 + p) * 4 + kernel];
      return { index, score: sum / 100 };
    }).sort((a, b) => b.score - a.score || a.index - b.index);
    // The five best are separated by more than the float32 error of a 100-term mean (~1e-6 relative), so the
    // order is exact; the scores agree to that error.
    for (let i = 0; i < 5; i++) expect(scores[i].score - scores[i + 1].score, `gap after rank ${i}`).toBeGreaterThan(1e-4);
    expect(top.map((t) => t.index)).toEqual(scores.slice(0, 5).map((s) => s.index));
    top.forEach((t, i) => expect(Math.abs(t.score - scores[i].score)).toBeLessThan(1e-4 * Math.abs(scores[0].score)));
    expect(top.map((t) => t.label)).toEqual(top.map((t) => poolLabel(dataset, t.index)));
    expect(Array.from(top[0].image)).toEqual(Array.from(poolImage(dataset, top[0].index)));

    const controller = new AbortController();
    controller.abort();
    await expect(topActivatingImages(ctx, model, data, indices, 'c1', kernel, 5, { signal: controller.signal })).rejects.toThrow(CancelledError);
    data.destroy();
  });
});
