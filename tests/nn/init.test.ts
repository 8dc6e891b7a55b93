import { describe, expect, it } from 'vitest';
import { cifarRef, mnistRef } from '../../src/nn/architectures.ts';
import { heUniformLimit, initModel, initWeights } from '../../src/nn/init.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { unitScalePreprocessing } from '../../src/nn/preprocessing.ts';
import { createRng } from '../../src/nn/random.ts';

describe('seeded PRNG', () => {
  it('repeats for a seed, differs across seeds and streams, and is uniform on [0, 1)', () => {
    const draw = (seed: number, stream = '') => {
      const r = createRng(seed, stream);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7, 'conv1')).not.toEqual(draw(7, 'conv2'));
    const r = createRng(1);
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    // Mean 1/2 and variance 1/12; the standard error of the mean at n = 1e5 is ~9e-4, so 5e-3 is > 5 sigma.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5e-3);
    expect(Math.abs(sumSq / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(5e-3);
  });
});

describe('weight initialisation', () => {
  it('is reproducible from the seed', () => {
    const a = initWeights(mnistRef(), 42);
    const b = initWeights(mnistRef(), 42);
    const c = initWeights(mnistRef(), 43);
    expect(a.conv2.kernel.data).toEqual(b.conv2.kernel.data);
    expect(a.conv2.kernel.data).not.toEqual(c.conv2.kernel.data);
  });

  it('draws kernels He-uniform, with the He variance 2 / fanIn, and zero biases', () => {
    const w = initWeights(cifarRef(), 3);
    expect(Object.keys(w)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'dense1', 'dense2']);
    const dense1 = w.dense1.kernel;
    expect(dense1.shape).toEqual([4096, 256]);
    const limit = heUniformLimit(4096);
    let sumSq = 0;
    let maxAbs = 0;
    for (const v of dense1.data) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
      sumSq += v * v;
    }
    expect(maxAbs).toBeLessThanOrEqual(limit);
    // 1M samples of U(-l, l): the mean of v^2 estimates l^2/3 = 2/fanIn with a relative standard error of
    // sqrt(4/45) * 3 / sqrt(1e6) ~ 0.09%, so a 0.5% tolerance is > 5 sigma.
    expect(Math.abs(sumSq / dense1.data.length / (2 / 4096) - 1)).toBeLessThan(5e-3);
    expect(w.conv3.kernel.shape).toEqual([3, 3, 32, 64]);
    expect(Math.max(...w.conv3.kernel.data.map(Math.abs))).toBeLessThanOrEqual(heUniformLimit(3 * 3 * 32));
    expect(w.conv3.bias.data.every((v) => v === 0)).toBe(true);
  });

  it('sets batchnorm to the identity and gives each layer its own stream', () => {
    const spec: ModelSpec = {
      name: 'bn',
      inputShape: [6, 6, 2],
      preprocessing: unitScalePreprocessing(2),
      layers: [
        { kind: 'conv2d', name: 'c1', filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: false, activation: 'linear' },
        { kind: 'batchnorm', name: 'bn', epsilon: 1e-3, momentum: 0.99, center: true, scale: false },
        { kind: 'flatten', name: 'f' },
        { kind: 'dense', name: 'out', units: 2, useBias: true, activation: 'linear' },
      ],
    };
    const m = initModel(spec, 5);
    expect(m.spec).toBe(spec);
    expect(m.weights.c1.bias).toBeUndefined();
    expect(Object.keys(m.weights.bn)).toEqual(['beta', 'moving_mean', 'moving_variance']);
    expect([...m.weights.bn.beta.data, ...m.weights.bn.moving_mean.data]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...m.weights.bn.moving_variance.data]).toEqual([1, 1, 1]);
    // Widening the conv changes the consumers' shapes, not their random streams: 'out' draws the same uniforms,
    // scaled to its new He limit (fanIn 6*6*4 instead of 6*6*3).
    const wider = { ...spec, layers: spec.layers.map((l) => (l.kind === 'conv2d' ? { ...l, filters: 4 } : l)) };
    const m2 = initModel(wider, 5);
    const limitRatio = heUniformLimit(6 * 6 * 4) / heUniformLimit(6 * 6 * 3);
    expect(m2.weights.out.kernel.data[0]).toBeCloseTo(m.weights.out.kernel.data[0] * limitRatio, 6);
  });
});
