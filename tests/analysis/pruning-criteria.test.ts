// The baselines' pruning criteria (L1 norm, APoZ, random) and drop plans on hand-computed cases: which kernels each
// picks on a constructed model, ties, and the errors that name the layer. One GPU case: APoZ from the maps' own
// occurrence counts on a conv layer whose kernels are built to fire always, never, or sometimes.
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../../src/analysis/analyze-model.ts';
import { dropPlan, fractionPlan, sequencePlan } from '../../src/analysis/drop-plan.ts';
import { checkDropCount, pickByScore } from '../../src/analysis/kernel-ranking.ts';
import { kernelStats } from '../../src/analysis/kernel-stats.ts';
import { apozFromCounts, pickByApoz } from '../../src/analysis/prune-apoz.ts';
import { filterL1Norms, pickByL1Norm } from '../../src/analysis/prune-l1-norm.ts';
import { pickAtRandom } from '../../src/analysis/prune-random.ts';
import { PruningError } from '../../src/analysis/pruning-error.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { initModel } from '../../src/nn/init.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { useGpu } from '../helpers/gpu.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

const gpu = useGpu();

/** conv c1 (1x2 kernel, 2 input channels, `filters`), conv c2 of 6, flatten, dense d. */
function twoConvSpec(filters = 4): ModelSpec {
  return {
    name: 'two-conv',
    inputShape: [4, 4, 2],
    preprocessing: { scale: 1 / 255, mean: [0, 0], std: [1, 1] },
    layers: [
      { kind: 'conv2d', name: 'c1', filters, kernelSize: [1, 2], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'conv2d', name: 'c2', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'flatten', name: 'flat' },
      { kind: 'dense', name: 'd', units: 2, useBias: true, activation: 'linear' },
    ],
  };
}

/** c1's filters set tap by tap: filters[k] lists w[0,0,0,k], w[0,0,1,k], w[0,1,0,k], w[0,1,1,k] (HWIO). */
function withFilters(filters: number[][], biases: number[]): Model {
  const model = initModel(twoConvSpec(filters.length), 3);
  const { kernel, bias } = model.weights.c1;
  const K = filters.length;
  // HWIO index of (dy = 0, dx, c, k) = ((0 * 2 + dx) * 2 + c) * K + k, i.e. tap t = dx * 2 + c at t * K + k.
  filters.forEach((taps, k) => taps.forEach((w, t) => (kernel.data[t * K + k] = w)));
  bias.data.set(biases);
  return model;
}

describe('L1 norm of filters (Li et al. 2017)', () => {
  it('sums |w| over each filter\'s kh*kw*cin weights, without the bias, and drops the smallest', () => {
    const model = withFilters(
      [
        [1, -1, 0.5, 0.5], // 3
        [0.1, -0.2, 0, 0.1], // 0.4, and a large bias that must not count
        [-2, 0, 0, 0], // 2
        [0, 0.3, -0.1, 0], // 0.4: ties with filter 1
      ],
      [0, 100, 0, 0],
    );
    const norms = filterL1Norms(model, 'c1');
    [3, 0.4, 2, 0.4].forEach((v, k) => expect(norms[k]).toBeCloseTo(v, 6));
    expect(pickByL1Norm(model, 'c1', 1)).toEqual([1]); // the tie goes to the lower index
    expect(pickByL1Norm(model, 'c1', 2)).toEqual([1, 3]);
    expect(pickByL1Norm(model, 'c1', 3)).toEqual([1, 2, 3]);
    expect(pickByL1Norm(model, 'c1', 0)).toEqual([]);
  });

  it('names the layer when it is missing, not a conv, or would lose every kernel', () => {
    const model = withFilters([[1, 1, 1, 1], [2, 2, 2, 2]], [0, 0]);
    expect(() => filterL1Norms(model, 'c9')).toThrow(/no layer 'c9' \(conv layers: c1, c2\)/);
    expect(() => filterL1Norms(model, 'd')).toThrow(/layer 'd' .* is a dense, not a conv2d/);
    expect(() => pickByL1Norm(model, 'c1', 2)).toThrow(PruningError);
    expect(() => pickByL1Norm(model, 'c1', 2)).toThrow(/layer 'c1' has 2 kernels: cannot drop 2 \(at most 1, one must stay\)/);
  });
});

describe('APoZ (Hu et al. 2016)', () => {
  // K = 3 kernels, C = 2 classes of 2 and 1 images, H x W = 1 x 2: N * P = 3 * 2 = 6 outputs per kernel.
  const shape = { kernels: 3, classes: 2, height: 1, width: 2 };
  const classCounts = Uint32Array.from([2, 1]);
  // counts[(k * C + c) * P + p]: kernel 0 fires on every output, kernel 1 on 2 of 6, kernel 2 never.
  const counts = Uint32Array.from([2, 2, 1, 1, /* k1 */ 1, 0, 0, 1, /* k2 */ 0, 0, 0, 0]);

  it('is 1 - fired outputs / (N * H * W), i.e. 1 minus the class-frequency-weighted occurrence, and drops the highest', () => {
    const apoz = apozFromCounts(counts, classCounts, shape);
    [0, 2 / 3, 1].forEach((v, k) => expect(apoz[k]).toBeCloseTo(v, 12));
    const stats = kernelStats(counts, classCounts, new Float32Array(counts.length), new Float32Array(9), shape, null);
    stats.forEach((s, k) => expect(apoz[k]).toBeCloseTo(1 - s.occurrence, 12));
    expect(pickByApoz('c1', apoz, 1)).toEqual([2]);
    expect(pickByApoz('c1', apoz, 2)).toEqual([1, 2]);
    expect(pickByApoz('c1', [0.5, 0.9, 0.9], 1)).toEqual([1]); // the tie goes to the lower index
  });

  it('refuses counts of the wrong size and an empty analysis set', () => {
    expect(() => apozFromCounts(counts.subarray(1), classCounts, shape, 'c1')).toThrow(/APoZ of 'c1': 11 counts, expected K\*C\*H\*W = 12/);
    expect(() => apozFromCounts(new Uint32Array(12), new Uint32Array(2), shape, 'c1')).toThrow(/no images/);
  });

  it('from the GPU occurrence counts: a kernel that never fires has APoZ 1, one that always fires 0', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ classes: 2, size: 4, channels: 2, train: 10, test: 0, seed: 2 });
    // Kernel 0: zero weights, bias +1 (always 1 > 0); kernels 1 and 3: zero weights, bias -1 (never > 0);
    // kernel 2: weight 1 on channel 0 of its own pixel (tap dx = 0; 'same' pads a 1x2 window on the right only)
    // and bias -0.5, so it fires where pixel / 255 > 0.5: inside the class's 2x2 square (200 +- 40), never on
    // the background (60 +- 40). That is 4 of the 16 positions of every image: APoZ 12/16 = 0.75.
    const model = withFilters([[0, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], [1, -1, -0.5, -1]);
    const data = GpuDataset.upload(ctx, dataset);
    try {
      const indices = Uint32Array.from({ length: 10 }, (_, i) => i);
      const analysis = await analyzeModel(ctx, model, data, indices, { layers: ['c1'], ablation: false, batchSize: 4 });
      const { counts: gpuCounts, shape: gpuShape, kernels } = analysis.layers[0];
      const apoz = apozFromCounts(gpuCounts, analysis.classCounts, gpuShape, 'c1');
      expect(apoz[0]).toBe(0);
      expect(apoz[1]).toBe(1);
      expect(apoz[3]).toBe(1);
      expect(apoz[2]).toBeCloseTo(0.75, 12);
      kernels.forEach((s, k) => expect(apoz[k]).toBeCloseTo(1 - s.occurrence, 12));
      expect(pickByApoz('c1', apoz, 1)).toEqual([1]);
      expect(pickByApoz('c1', apoz, 2)).toEqual([1, 3]);
      expect(pickByApoz('c1', apoz, 3)).toEqual([1, 2, 3]);
    } finally {
      data.destroy();
    }
  });
});

describe('random pruning', () => {
  it('is seeded: the same seed and layer give the same kernels; they are distinct, in range and ascending', () => {
    const a = pickAtRandom('conv1', 16, 5, 1);
    expect(pickAtRandom('conv1', 16, 5, 1)).toEqual(a);
    expect(new Set(a).size).toBe(5);
    expect(a.every((k) => Number.isInteger(k) && k >= 0 && k < 16)).toBe(true);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(pickAtRandom('conv1', 16, 0, 1)).toEqual([]);
    expect(pickAtRandom('conv1', 16, 15, 9)).toHaveLength(15);
    // Other seeds and another layer's stream give other choices.
    const choices = new Set(Array.from({ length: 20 }, (_, s) => pickAtRandom('conv1', 16, 5, s).join(',')));
    expect(choices.size).toBeGreaterThan(15);
    expect(pickAtRandom('conv2', 16, 5, 1)).not.toEqual(a);
  });

  it('picks every kernel about equally often over many seeds', () => {
    const hits = new Array<number>(8).fill(0);
    const runs = 4000;
    for (let s = 0; s < runs; s++) for (const k of pickAtRandom('c', 8, 2, s)) hits[k]++;
    // Expected runs * 2 / 8 = 1000 each; the binomial standard deviation is sqrt(4000 * 0.25 * 0.75) ~ 27, so
    // +-10% (100) is more than 3.5 sigma.
    for (const h of hits) expect(Math.abs(h - 1000)).toBeLessThan(100);
  });

  it('refuses to drop every kernel, naming the layer', () => {
    expect(() => pickAtRandom('conv2', 4, 4, 1)).toThrow(/layer 'conv2' has 4 kernels: cannot drop 4/);
    expect(() => checkDropCount('conv2', 1.5, 4)).toThrow(/whole number/);
    expect(() => pickByScore('conv2', [1, Number.NaN], 1, 'lowest')).toThrow(/kernel 1 has no score/);
  });
});

describe('drop plans', () => {
  const spec = twoConvSpec(4); // c1: 4 kernels, c2: 6

  it('runs in model order (tune\'s order), whatever the order given, and leaves out layers that lose nothing', () => {
    expect(dropPlan(spec, new Map([['c2', 2], ['c1', 1]]))).toEqual([{ layer: 'c1', count: 1 }, { layer: 'c2', count: 2 }]);
    expect(dropPlan(spec, new Map([['c2', 5], ['c1', 0]]))).toEqual([{ layer: 'c2', count: 5 }]);
  });

  it('names a layer that does not exist, is not a conv, or has too few kernels', () => {
    expect(() => dropPlan(spec, new Map([['c9', 1]]))).toThrow(/model 'two-conv' has no layer 'c9' \(conv layers: c1, c2\)/);
    expect(() => dropPlan(spec, new Map([['d', 1]]))).toThrow(/layer 'd' .*is a dense, not a conv2d/);
    expect(() => dropPlan(spec, new Map([['c1', 1], ['c2', 6]]))).toThrow(/layer 'c2' has 6 kernels: cannot drop 6/);
  });

  it('sequences (a tune of several passes): the order given, a layer again on a later pass, checked on the kernels left', () => {
    const steps = [{ layer: 'c1', count: 1 }, { layer: 'c2', count: 3 }, { layer: 'c1', count: 2 }, { layer: 'c2', count: 0 }];
    expect(sequencePlan(spec, steps)).toEqual(steps.slice(0, 3));
    // c1 has 4 kernels: 2 then 2 more would leave none.
    expect(() => sequencePlan(spec, [{ layer: 'c1', count: 2 }, { layer: 'c1', count: 2 }])).toThrow(/layer 'c1' has 2 kernels: cannot drop 2/);
    expect(() => sequencePlan(spec, [{ layer: 'd', count: 1 }])).toThrow(/layer 'd' .*is a dense, not a conv2d/);
  });

  it('fractions: round(f * K) per layer, at most K - 1, layers that round to 0 left out', () => {
    expect(fractionPlan(spec, 0.5)).toEqual([{ layer: 'c1', count: 2 }, { layer: 'c2', count: 3 }]);
    expect(fractionPlan(spec, 0.1)).toEqual([{ layer: 'c2', count: 1 }]); // c1: round(0.4) = 0
    expect(fractionPlan(spec, 0.95)).toEqual([{ layer: 'c1', count: 3 }, { layer: 'c2', count: 5 }]); // round(3.8) = 4 > 3, round(5.7) = 6 > 5
    expect(() => fractionPlan(spec, 1)).toThrow(/in \(0, 1\)/);
  });
});
