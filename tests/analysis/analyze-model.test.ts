import { describe, expect, it } from 'vitest';
import { rng, useGpu } from '../helpers/gpu.ts';
import { randomModel } from '../helpers/models.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { poolImage, poolLabel, type ImageDataset } from '../../src/data/dataset.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';
import { aomCountBatch } from '../../src/reference/aom-count.ts';
import { analyzeModel } from '../../src/analysis/analyze-model.ts';
import { mapSource } from '../../src/analysis/map-source.ts';
import { selectAnalysisSet } from '../../src/analysis/analysis-set.ts';
import { CancelledError } from '../../src/nn/cancellation.ts';

const gpu = useGpu();

/** The model's float32 input for pool images `indices`. */
function inputsOf(dataset: ImageDataset, model: Model, indices: ArrayLike<number>): Float32Array {
  const size = dataset.height * dataset.width * dataset.channels;
  const pixels = new Uint8Array(indices.length * size);
  for (let n = 0; n < indices.length; n++) pixels.set(poolImage(dataset, indices[n]), n * size);
  return preprocessImages(pixels, model.spec.preprocessing);
}

/** Three conv layers whose maps come from the three places map-source.ts knows (fused ReLU, a later ReLU, none). */
function threeConvSpec(): ModelSpec {
  return {
    name: 'three-conv',
    inputShape: [9, 9, 2],
    preprocessing: { scale: 1 / 255, mean: [0.4, 0.5], std: [0.3, 0.2] },
    layers: [
      { kind: 'conv2d', name: 'c1', filters: 5, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'conv2d', name: 'c2', filters: 7, kernelSize: [2, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'linear' },
      { kind: 'batchnorm', name: 'bn2', epsilon: 1e-3, momentum: 0.99, center: true, scale: true },
      { kind: 'relu', name: 'r2' },
      { kind: 'conv2d', name: 'c3', filters: 3, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', useBias: true, activation: 'linear' },
      { kind: 'maxpool', name: 'p3', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flat' },
      { kind: 'dense', name: 'out', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

describe('analyzeModel on random networks', () => {
  it('counts equal the CPU reference (referenceForward + aomCountBatch) and ablation equals zeroed weights on the CPU', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 4, size: 9, channels: 2, train: 23, test: 0, seed: 4 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(threeConvSpec(), 21);
    const indices = Uint32Array.from({ length: 23 }, (_, i) => i);
    const tau = 0.05;
    // batch 8: the last batch has 7 real rows and one repeated image that must not count.
    const analysis = await analyzeModel(ctx, model, data, indices, { tau, batchSize: 8 });
    data.destroy();

    expect(analysis.layers.map((l) => [l.layer, l.mapLayer])).toEqual([['c1', 'c1'], ['c2', 'r2'], ['c3', 'c3']]);
    const reference = referenceForward(model, inputsOf(dataset, model, indices), indices.length);
    const labels = Array.from(indices, (i) => poolLabel(dataset, i));
    expect(Array.from(analysis.classCounts)).toEqual([6, 6, 6, 5]);
    for (const layer of analysis.layers) {
      const source = mapSource(model.spec, layer.layer);
      const act = reference.layers[source.sourceIndex].data;
      const expected = new Uint32Array(layer.counts.length);
      aomCountBatch(act, labels, indices.length, { batch: indices.length, ...layer.shape }, tau, expected, new Uint32Array(4));
      // The GPU computes the maps in float32 with another summation order than the reference, so an activation
      // within ~1e-5 of tau could land on the other side. Such near-ties are counted: the counts must agree
      // exactly everywhere else (there are none with these seeds, so in practice the test is exact).
      const nearTies = act.filter((a) => Math.abs(a - tau) < 1e-5).length;
      let differences = 0;
      for (let i = 0; i < expected.length; i++) differences += Math.abs(layer.counts[i] - expected[i]);
      expect(differences, `${layer.layer}: count differences (near-ties: ${nearTies})`).toBeLessThanOrEqual(nearTies);
      expect(expected.some((v) => v > 0) && expected.some((v) => v < 6)).toBe(true);
    }

    // Ablation: zeroing kernel k's map equals a model whose conv kernel k (c1: fused ReLU) or batch-norm channel
    // k (c2: conv -> bn -> relu) outputs zero. Predictions are argmaxes, compared exactly unless the top two
    // logits are within 1e-4 (a near-tie the two float orders may break differently).
    const predictOk = (m: Model): { correct: number; nearTies: number } => {
      const { logits } = referenceForward(m, inputsOf(dataset, m, indices), indices.length);
      let correct = 0;
      let nearTies = 0;
      for (let n = 0; n < indices.length; n++) {
        const row = Array.from(logits.subarray(n * 4, n * 4 + 4));
        const best = row.indexOf(Math.max(...row));
        const sorted = [...row].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] < 1e-4) nearTies++;
        if (best === labels[n]) correct++;
      }
      return { correct, nearTies };
    };
    const base = predictOk(model);
    expect(Math.abs(analysis.accuracy * 23 - base.correct)).toBeLessThanOrEqual(base.nearTies);
    for (const [layerName, zero] of [['c1', ['c1', ['kernel', 'bias']]], ['c2', ['bn2', ['gamma', 'beta']]]] as const) {
      const layer = analysis.layers.find((l) => l.layer === layerName)!;
      for (let k = 0; k < layer.shape.kernels; k++) {
        const ablated: Model = { spec: model.spec, weights: structuredClone(model.weights) };
        const [target, names] = zero;
        for (const name of names) {
          const t = ablated.weights[target][name];
          for (let i = k; i < t.data.length; i += layer.shape.kernels) t.data[i] = 0; // the last axis is the kernel
        }
        const expected = predictOk(ablated);
        const got = Math.round(layer.ablatedAccuracy![k] * 23);
        expect(Math.abs(got - expected.correct), `${layerName} kernel ${k}`).toBeLessThanOrEqual(expected.nearTies);
        expect(layer.kernels[k].ablationImpact).toBeCloseTo(analysis.accuracy - layer.ablatedAccuracy![k], 12);
      }
    }
  });
});

/**
 * Constructed: 3 classes of flat grey images (class 0 bright, class 1 mid, class 2 dark, +-10 noise) and a 1x1
 * conv whose six kernels are made to be: 0 fires only for class 0; 1 a duplicate of 0; 2 dead; 3 always on;
 * 4 fires for classes 0 and 1; 5 fires only for class 2 but nothing reads it (zero dense weights).
 * Dense logits (summed over positions): l0 = 5 (k0 + k1), l1 = k4, l2 = 0.1 k3. Accuracy is 1; zeroing k3 or k4
 * breaks a class (impact 1/3), zeroing 0, 1, 2 or 5 costs nothing.
 */
function constructedCase(): { dataset: ImageDataset; model: Model } {
  const [H, W, K] = [6, 5, 6];
  const next = rng(9);
  const perClass = 4;
  const count = 3 * perClass;
  const images = new Uint8Array(count * H * W);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % 3;
    const level = [200, 100, 0][labels[n]];
    for (let i = 0; i < H * W; i++) images[n * H * W + i] = Math.max(0, Math.round(level + (next() - 0.5) * 20));
  }
  const dataset: ImageDataset = {
    name: 'grey-levels', height: H, width: W, channels: 1, classNames: ['bright', 'mid', 'dark'],
    train: { images, labels, count }, test: null, notes: [],
  };
  const spec: ModelSpec = {
    name: 'constructed',
    inputShape: [H, W, 1],
    preprocessing: { scale: 1 / 255, mean: [0], std: [1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: K, kernelSize: [1, 1], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'flatten', name: 'flat' },
      { kind: 'dense', name: 'out', units: 3, useBias: true, activation: 'linear' },
    ],
  };
  const kernel = Float32Array.from([1, 1, 0, 0, 1, -1]);
  const bias = Float32Array.from([-0.6, -0.6, -1, 1, -0.2, 0.2]);
  const dense = new Float32Array(H * W * K * 3);
  for (let p = 0; p < H * W; p++) {
    const row = (k: number) => (p * K + k) * 3; // flatten is (y, x, k) row-major; dense kernel [in, out]
    dense[row(0) + 0] = 5;
    dense[row(1) + 0] = 5;
    dense[row(4) + 1] = 1;
    dense[row(3) + 2] = 0.1;
  }
  const model: Model = {
    spec,
    weights: {
      conv1: { kernel: { shape: [1, 1, 1, K], data: kernel }, bias: { shape: [K], data: bias } },
      out: { kernel: { shape: [H * W * K, 3], data: dense }, bias: { shape: [3], data: new Float32Array(3) } },
    },
  };
  return { dataset, model };
}

describe('analyzeModel on constructed kernels', () => {
  it('finds the dead, always-on, duplicate and class-specific kernels and labels them', async () => {
    const ctx = gpu();
    const { dataset, model } = constructedCase();
    const data = GpuDataset.upload(ctx, dataset);
    const set = selectAnalysisSet(dataset, Uint32Array.from({ length: 12 }, (_, i) => i), { perClass: 3, seed: 1 });
    expect(set.perClassCounts).toEqual([3, 3, 3]);
    const analysis = await analyzeModel(ctx, model, data, set.indices, { batchSize: 4 });
    data.destroy();

    expect(analysis.accuracy).toBe(1);
    const [layer] = analysis.layers;
    const s = layer.kernels;
    const rates = s.map((k) => k.classOccurrence);
    expect(rates).toEqual([[1, 0, 0], [1, 0, 0], [0, 0, 0], [1, 1, 1], [1, 1, 0], [0, 0, 1]]);
    expect(s.map((k) => k.occurrence)).toEqual([1 / 3, 1 / 3, 0, 1, 2 / 3, 1 / 3]);
    // Strongest class and selectivity (difference form: rate_c - mean of the other classes' rates).
    expect(s.map((k) => k.strongestClass)).toEqual([0, 0, 0, 0, 0, 2]);
    expect(s.map((k) => k.selectivity)).toEqual([1, 1, 0, 0, 0.5, 1]);
    expect([s[0].nearest, s[0].distance, s[1].nearest, s[1].distance]).toEqual([1, 0, 0, 0]);
    expect(layer.odm[0 * 6 + 5]).toBeCloseTo(2 / 3, 6);
    // Ablation: the useless kernels cost nothing; the needed ones a class each.
    expect(s.map((k) => k.ablationImpact)).toEqual([0, 0, 0, 1 / 3, 1 / 3, 0]);

    const drops = analysis.suggestions.filter((x) => x.kind === 'drop');
    expect(drops.map((d) => [d.rule, d.kernels])).toEqual([['dead', [2]], ['saturated', [3]], ['redundant', [1]], ['low-impact', [5]]]);
    const redundant = drops.find((d) => d.rule === 'redundant')!;
    expect(redundant.numbers.kernels).toEqual([{ kernel: 1, keep: 0, odm: 0, impact: 0, keptImpact: 0 }]);
    expect(analysis.suggestions.some((x) => x.kind === 'widen' || x.kind === 'deepen')).toBe(false);
    // Plain data: survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(analysis.suggestions))).toEqual(analysis.suggestions);

    // The ratio form of the CSM gives +1 where a kernel fires for its class only.
    const again = await (async () => {
      const d2 = GpuDataset.upload(ctx, dataset);
      try {
        return await analyzeModel(ctx, model, d2, set.indices, { csmForm: 'ratio', ablation: false, layers: ['conv1'] });
      } finally {
        d2.destroy();
      }
    })();
    expect(again.layers[0].kernels.map((k) => k.ablationImpact)).toEqual([null, null, null, null, null, null]);
    expect(again.layers[0].kernels[5].selectivity).toBeCloseTo(1, 5);
    expect(again.layers[0].csm[(5 * 3 + 0) * 30]).toBeCloseTo(-1, 5);
  });

  it('names the layer when it is missing or not a conv', async () => {
    const ctx = gpu();
    const { dataset, model } = constructedCase();
    const data = GpuDataset.upload(ctx, dataset);
    await expect(analyzeModel(ctx, model, data, [0, 1], { layers: ['nope'] })).rejects.toThrow(/no layer 'nope' \(conv layers: conv1\)/);
    await expect(analyzeModel(ctx, model, data, [0, 1], { layers: ['out'] })).rejects.toThrow(/'out' is a dense, not a conv2d/);
    data.destroy();
  });
});

describe('analyzeModel progress and cancellation', () => {
  it('reports progress per batch of every pass and stops when cancelled mid-ablation, freeing its buffers', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 4, size: 9, channels: 2, train: 23, test: 0, seed: 4 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = randomModel(threeConvSpec(), 21);
    const indices = Uint32Array.from({ length: 23 }, (_, i) => i);
    const before = ctx.liveBuffers;
    const seen: string[] = [];
    const controller = new AbortController();
    const analysis = analyzeModel(ctx, model, data, indices, {
      batchSize: 8,
      layers: ['c1', 'c2'],
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(`${p.phase}${p.layer ? ` ${p.layer}` : ''} ${p.done}/${p.total}`);
        if (p.phase === 'ablation' && p.layer === 'c2') controller.abort();
      },
    });
    await expect(analysis).rejects.toThrow(CancelledError);
    await expect(analysis).rejects.toThrow('c2 ablation cancelled after 8 of 23 images');
    expect(seen).toEqual(['counting 8/23', 'counting 16/23', 'counting 23/23', 'ablation c1 8/23', 'ablation c1 16/23', 'ablation c1 23/23', 'ablation c2 8/23']);
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });

  it('refuses a model that does not fit the dataset before any GPU work', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 4, size: 12, channels: 1, train: 8, test: 0 });
    const data = GpuDataset.upload(ctx, dataset);
    const before = ctx.liveBuffers;
    await expect(analyzeModel(ctx, randomModel(threeConvSpec(), 1), data, [0, 1])).rejects.toThrow(
      "model 'three-conv' takes 9x9x2 images but dataset 'squares' has 12x12x1 images",
    );
    expect(ctx.liveBuffers).toBe(before);
    data.destroy();
  });
});
