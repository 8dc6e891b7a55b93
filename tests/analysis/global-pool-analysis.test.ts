/**
 * Maps and ablation of a conv layer whose channels reach the classifier through global average pooling
 * (conv -> relu -> gap -> dense, the Keras-style head): the counts equal the CPU count of the reference forward,
 * and zeroing a kernel's map equals zeroing that kernel on the CPU.
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { randomModel } from '../helpers/models.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { poolImage, poolLabel, type ImageDataset } from '../../src/data/dataset.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';
import { aomCountBatch } from '../../src/reference/aom-count.ts';
import { analyzeModel } from '../../src/analysis/analyze-model.ts';

const gpu = useGpu();

function gapSpec(): ModelSpec {
  return {
    name: 'gap-head',
    inputShape: [9, 9, 2],
    preprocessing: { scale: 1 / 255, mean: [0.4, 0.5], std: [0.3, 0.2] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 5, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'linear' },
      { kind: 'relu', name: 'relu1' },
      { kind: 'globalavgpool', name: 'gap' },
      { kind: 'dense', name: 'out', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

function inputsOf(dataset: ImageDataset, model: Model, indices: ArrayLike<number>): Float32Array {
  const size = dataset.height * dataset.width * dataset.channels;
  const pixels = new Uint8Array(indices.length * size);
  for (let n = 0; n < indices.length; n++) pixels.set(poolImage(dataset, indices[n]), n * size);
  return preprocessImages(pixels, model.spec.preprocessing);
}

describe('analyzeModel with a global average pooling head', () => {
  it('maps the conv after its relu, counts like the CPU, and ablates like zeroing the kernel', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 4, size: 9, channels: 2, train: 17, test: 0, seed: 6 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(gapSpec(), 31);
    const indices = Uint32Array.from({ length: 17 }, (_, i) => i);
    const tau = 0.05;
    const analysis = await analyzeModel(ctx, model, data, indices, { tau, batchSize: 8 });
    data.destroy();

    const [layer] = analysis.layers;
    expect([layer.layer, layer.mapLayer]).toEqual(['conv1', 'relu1']);
    const labels = Array.from(indices, (i) => poolLabel(dataset, i));
    const reference = referenceForward(model, inputsOf(dataset, model, indices), indices.length);
    const act = reference.layers[1].data;
    const expected = new Uint32Array(layer.counts.length);
    aomCountBatch(act, labels, indices.length, { batch: indices.length, ...layer.shape }, tau, expected, new Uint32Array(4));
    // Activations within 1e-5 of tau may fall either side in the GPU's float32 order (none with these seeds).
    const nearTies = act.filter((a) => Math.abs(a - tau) < 1e-5).length;
    let differences = 0;
    for (let i = 0; i < expected.length; i++) differences += Math.abs(layer.counts[i] - expected[i]);
    expect(differences).toBeLessThanOrEqual(nearTies);
    expect(expected.some((v) => v > 0)).toBe(true);

    // Ablation of kernel k: the CPU model with conv1's kernel column k and bias k zeroed (relu(0) = 0). Accuracy is
    // compared exactly unless the top two logits are within 1e-4.
    const accuracy = (m: Model) => {
      const { logits } = referenceForward(m, inputsOf(dataset, m, indices), indices.length);
      let correct = 0;
      let nearTies = 0;
      for (let n = 0; n < indices.length; n++) {
        const row = Array.from(logits.subarray(n * 4, n * 4 + 4));
        const sorted = [...row].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] < 1e-4) nearTies++;
        if (row.indexOf(sorted[0]) === labels[n]) correct++;
      }
      return { correct, nearTies };
    };
    for (let k = 0; k < 5; k++) {
      const ablated: Model = { spec: model.spec, weights: structuredClone(model.weights) };
      for (const t of [ablated.weights.conv1.kernel, ablated.weights.conv1.bias]) for (let i = k; i < t.data.length; i += 5) t.data[i] = 0;
      const want = accuracy(ablated);
      expect(Math.abs(Math.round(layer.ablatedAccuracy![k] * 17) - want.correct), `kernel ${k}`).toBeLessThanOrEqual(want.nearTies);
    }
  });
});
