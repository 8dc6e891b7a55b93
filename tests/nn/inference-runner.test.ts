import { describe, expect, it, vi } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { randomModel } from '../helpers/models.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { poolImage, poolLabel, type ImageDataset } from '../../src/data/dataset.ts';
import { GpuLimitError } from '../../src/gpu/errors.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { CancelledError } from '../../src/nn/cancellation.ts';
import { InferenceRunner } from '../../src/nn/inference-runner.ts';
import { ModelDatasetMismatchError } from '../../src/nn/model-fit.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';
import { softmaxCrossEntropy } from '../../src/reference/softmax-cross-entropy.ts';

const gpu = useGpu();

/** 12x12x1 input, `outputs` logits; conv1 has `filters` kernels. */
function smallSpec(outputs = 4, filters = 6, inputShape: [number, number, number] = [12, 12, 1]): ModelSpec {
  return {
    name: 'small-cnn',
    inputShape,
    preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dropout', name: 'drop', rate: 0.1 },
      { kind: 'dense', name: 'out', units: outputs, useBias: true, activation: 'linear' },
    ],
  };
}

/** The model's float32 input for pool images `indices`. */
function inputsOf(dataset: ImageDataset, model: Model, indices: ArrayLike<number>): Float32Array {
  const size = dataset.height * dataset.width * dataset.channels;
  const pixels = new Uint8Array(indices.length * size);
  for (let n = 0; n < indices.length; n++) pixels.set(poolImage(dataset, indices[n]), n * size);
  return preprocessImages(pixels, model.spec.preprocessing);
}

// 23 images at batch 8: batches of 8, 8 and a partial 7 (whose last row repeats an image that must not count).
const dataset = squaresDataset({ classes: 4, size: 12, train: 23, test: 0, seed: 5 });
const indices = Uint32Array.from({ length: 23 }, (_, i) => 22 - i); // not in pool order, to see rows map to indices

describe('InferenceRunner', () => {
  it('evaluates like the CPU reference over a partial last batch, whatever the batch size', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(smallSpec(), 3);
    const { logits } = referenceForward(model, inputsOf(dataset, model, indices), indices.length);
    const labels = Array.from(indices, (i) => poolLabel(dataset, i));
    const ref = softmaxCrossEntropy(logits, labels, 4);
    // Predictions are argmaxes of float32 sums in another order than the reference's: compared exactly only
    // because no row's top two logits are within 1e-3 here (checked, so that the test cannot pass by luck).
    for (let r = 0; r < labels.length; r++) {
      const row = Array.from(logits.subarray(r * 4, r * 4 + 4)).sort((a, b) => b - a);
      expect(row[0] - row[1], `row ${r}: top-two gap`).toBeGreaterThan(1e-3);
    }
    const confusion = Array.from({ length: 4 }, () => new Array<number>(4).fill(0));
    labels.forEach((truth, r) => (confusion[truth][ref.predicted[r]] += 1));

    for (const batch of [8, 23, 1]) {
      const runner = await InferenceRunner.create(ctx, model, data, batch);
      const progress: Array<[number, number]> = [];
      const result = await runner.evaluate(indices, { onProgress: (done, total) => progress.push([done, total]) });
      runner.destroy();
      expect(result.count).toBe(23);
      expect(result.confusion, `batch ${batch}`).toEqual(confusion);
      expect(result.accuracy).toBe(ref.correctCount / 23);
      // Float32 logits of magnitude ~10 against float64: the mean loss agrees to ~1e-5.
      expect(Math.abs(result.loss - ref.meanLoss), `batch ${batch}: loss ${result.loss} vs ${ref.meanLoss}`).toBeLessThan(1e-4);
      confusion.forEach((row, c) => expect(result.perClassAccuracy[c]).toBe(row[c] / row.reduce((a, b) => a + b, 0)));
      // Progress once per batch, after it finished, in images.
      const expected = Array.from({ length: Math.ceil(23 / batch) }, (_, b) => [Math.min(23, (b + 1) * batch), 23]);
      expect(progress).toEqual(expected);
    }
    data.destroy();
  });

  it("lets a caller read each batch's buffers (the logits) before the next batch overwrites them", async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(smallSpec(), 4);
    const runner = await InferenceRunner.create(ctx, model, data, 8);
    const gpuLogits = new Float32Array(23 * 4);
    const seen: Array<[number, number]> = [];
    await runner.evaluate(indices, {
      onBatch: async (rows, start) => {
        seen.push([rows, start]);
        gpuLogits.set(await ctx.readFloat32(runner.network.logits, rows * 4), start * 4);
      },
    });
    runner.destroy();
    data.destroy();
    expect(seen).toEqual([[8, 0], [8, 8], [7, 16]]);
    const { logits } = referenceForward(model, inputsOf(dataset, model, indices), indices.length);
    // Sums of ~150 float32 products of magnitude ~1: agreement to ~1e-4 relative to the largest logit.
    const scale = Math.max(...Array.from(logits, Math.abs));
    for (let i = 0; i < logits.length; i++) expect(Math.abs(gpuLogits[i] - logits[i]), `logit ${i}`).toBeLessThan(1e-4 * scale);
  });

  it('stops between batches when cancelled, with a CancelledError saying how far it got, and stays usable', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(smallSpec(), 5);
    const before = ctx.liveBuffers;
    const runner = await InferenceRunner.create(ctx, model, data, 8);
    const full = await runner.evaluate(indices);

    const controller = new AbortController();
    const progress: number[] = [];
    const cancelled = runner.evaluate(indices, {
      signal: controller.signal,
      onProgress: (done) => {
        progress.push(done);
        controller.abort();
      },
    });
    await expect(cancelled).rejects.toThrow(CancelledError);
    await expect(cancelled).rejects.toThrow('evaluation cancelled after 8 of 23 images');
    // The first batch reported; the second was already in flight when the abort came, the third never ran.
    expect(progress).toEqual([8]);

    const aborted = new AbortController();
    aborted.abort();
    await expect(runner.run(indices, { signal: aborted.signal, label: 'maps of conv1' })).rejects.toThrow('maps of conv1 cancelled after 0 of 23 images');

    expect(await runner.evaluate(indices)).toEqual(full);
    runner.destroy();
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });

  it('allocates no gradient buffer and frees everything on destroy', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    const made = vi.spyOn(ctx, 'createBuffer');
    const runner = await InferenceRunner.create(ctx, randomModel(smallSpec(), 6), data, 8);
    const labels = made.mock.calls.map(([label]) => label);
    made.mockRestore();
    expect(labels.length).toBeGreaterThan(5);
    expect(labels.filter((label) => /grad|dlogits/i.test(label))).toEqual([]);
    expect(ctx.liveBuffers).toBeGreaterThan(before);
    runner.destroy();
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });
});

describe('InferenceRunner creation that fails', () => {
  it('refuses a model whose input is not the dataset image shape before any GPU work, naming both shapes', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    const compiled = vi.spyOn(ctx.pipelines, 'get');
    const model = randomModel(smallSpec(4, 6, [28, 28, 1]), 1);
    const attempt = InferenceRunner.create(ctx, model, data, 8);
    await expect(attempt).rejects.toThrow(ModelDatasetMismatchError);
    await expect(attempt).rejects.toThrow("model 'small-cnn' takes 28x28x1 images but dataset 'squares' has 12x12x1 images");
    expect(compiled).not.toHaveBeenCalled();
    compiled.mockRestore();
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });

  it('refuses a model with fewer outputs than the dataset has classes', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    await expect(InferenceRunner.create(ctx, randomModel(smallSpec(3), 1), data, 8)).rejects.toThrow(
      "model 'small-cnn' has 3 outputs but dataset 'squares' has 4 classes",
    );
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });

  it('frees what it made when a batch is too big for the limits midway through the network', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    // conv1 has 64 kernels, so its output is 64 times the input: a batch whose input buffer (and every buffer
    // made before the activations) fits while conv1's output is just over the limit.
    const max = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const batch = Math.floor(max / (12 * 12 * 64 * 4)) + 1;
    const attempt = InferenceRunner.create(ctx, randomModel(smallSpec(4, 64), 1), data, batch);
    await expect(attempt).rejects.toThrow(GpuLimitError);
    await expect(attempt).rejects.toThrow(/conv1 output needs a .* buffer/);
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });

  it('frees the network, the gather and its own buffers when its last kernel fails to compile', async () => {
    const ctx = gpu();
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    const get = ctx.pipelines.get.bind(ctx.pipelines);
    const broken = vi.spyOn(ctx.pipelines, 'get').mockImplementation((key) =>
      key.file === 'softmax_cross_entropy.wgsl' ? Promise.reject(new Error('simulated compile failure')) : get(key),
    );
    await expect(InferenceRunner.create(ctx, randomModel(smallSpec(), 1), data, 8)).rejects.toThrow('simulated compile failure');
    expect(broken).toHaveBeenCalled();
    broken.mockRestore();
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });
});
