import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/nn/layers.ts';
import { unitScalePreprocessing } from '../../src/nn/preprocessing.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';

const t = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });

describe('preprocessImages', () => {
  it('applies (p * scale - mean[c]) / std[c] per channel', () => {
    const x = preprocessImages(Uint8Array.from([0, 255, 128, 10]), { scale: 1 / 255, mean: [0.5, 0], std: [0.5, 2] });
    expect(Array.from(x)).toEqual(Array.from(Float32Array.from([-1, 0.5, (128 / 255 - 0.5) / 0.5, 10 / 255 / 2])));
    expect(() => preprocessImages(new Uint8Array(3), unitScalePreprocessing(2))).toThrow(/multiple of 2 channels/);
  });
});

describe('referenceForward', () => {
  // conv 1x1 (2 filters, ReLU) -> maxpool 2x2 -> flatten -> dense 2 -> softmax, small enough to do by hand.
  const model: Model = {
    spec: {
      name: 'by-hand',
      inputShape: [2, 2, 1],
      preprocessing: unitScalePreprocessing(1),
      layers: [
        { kind: 'conv2d', name: 'conv', filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', useBias: true, activation: 'relu' },
        { kind: 'maxpool', name: 'pool', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
        { kind: 'flatten', name: 'flat' },
        { kind: 'dense', name: 'fc', units: 2, useBias: true, activation: 'linear' },
        { kind: 'softmax', name: 'probs' },
      ],
    },
    weights: {
      conv: { kernel: t([1, 1, 1, 2], [1, -1]), bias: t([2], [0, 2.5]) },
      fc: { kernel: t([2, 2], [1, 0.5, -1, 2]), bias: t([2], [0.25, 0]) },
    },
  };

  it('computes every layer of a batch, logits before the softmax', () => {
    // Image 0: conv gives (x, relu(2.5 - x)) = (1,1.5) (2,0.5) (3,0) (4,0); max pool (4, 1.5);
    //   fc: 4*1 + 1.5*(-1) + 0.25 = 2.75, 4*0.5 + 1.5*2 = 5.
    // Image 1: x = -1, 0, 0.5, 0 -> (0,3.5) (0,2.5) (0.5,2) (0,2.5); pool (0.5, 3.5); fc: -2.75, 7.25.
    const r = referenceForward(model, Float32Array.from([1, 2, 3, 4, -1, 0, 0.5, 0]), 2);
    expect(r.layers.map((l) => [l.name, l.shape])).toEqual([['conv', [2, 2, 2, 2]], ['pool', [2, 1, 1, 2]], ['flat', [2, 2]], ['fc', [2, 2]], ['probs', [2, 2]]]);
    expect(Array.from(r.layers[0].data)).toEqual([1, 1.5, 2, 0.5, 3, 0, 4, 0, 0, 3.5, 0, 2.5, 0.5, 2, 0, 2.5]);
    expect(Array.from(r.layers[1].data)).toEqual([4, 1.5, 0.5, 3.5]);
    expect(Array.from(r.logits)).toEqual([2.75, 5, -2.75, 7.25]);
    const p0 = 1 / (1 + Math.exp(5 - 2.75));
    const p1 = 1 / (1 + Math.exp(7.25 + 2.75));
    // float32 rounding of values in (0, 1): relative error ~6e-8.
    [p0, 1 - p0, p1, 1 - p1].forEach((p, i) => expect(r.output[i]).toBeCloseTo(p, 6));
    expect(r.output).toBe(r.layers[4].data);
  });

  it('uses moving statistics for batchnorm (gamma 1 when scale is off) and the identity for dropout', () => {
    const bnModel: Model = {
      spec: {
        name: 'bn',
        inputShape: [1, 1, 2],
        preprocessing: unitScalePreprocessing(2),
        layers: [
          { kind: 'batchnorm', name: 'bn', epsilon: 1e-3, momentum: 0.99, center: true, scale: false },
          { kind: 'dropout', name: 'drop', rate: 0.5 },
        ],
      },
      weights: { bn: { beta: t([2], [1, -1]), moving_mean: t([2], [0.5, 1]), moving_variance: t([2], [4 - 1e-3, 1 - 1e-3]) } },
    };
    // y = (x - mean) / sqrt(var + eps) + beta = (x - 0.5)/2 + 1, (x - 1)/1 - 1.
    const r = referenceForward(bnModel, Float32Array.from([2.5, 3]), 1);
    expect(r.layers[0].data[0]).toBeCloseTo(2, 6);
    expect(r.layers[0].data[1]).toBeCloseTo(1, 6);
    expect(Array.from(r.layers[1].data)).toEqual(Array.from(r.layers[0].data));
    expect(r.logits).toBe(r.output);
  });

  it('rejects an input of the wrong size and names a missing weight', () => {
    expect(() => referenceForward(model, new Float32Array(7), 2)).toThrow(/model 'by-hand' expects batch \* 4 values/);
    const broken: Model = { spec: model.spec, weights: { conv: model.weights.conv } };
    expect(() => referenceForward(broken, new Float32Array(4), 1)).toThrow(/layer 'fc' has no weight 'kernel'/);
  });
});

describe('referenceForward with global average pooling', () => {
  it('averages each channel over the map before the dense layer (by hand)', () => {
    // conv 1x1 with 2 filters (x and -x), relu, global average pool over 2x2, dense 2 -> 1.
    const model: Model = {
      spec: {
        name: 'gap-by-hand',
        inputShape: [2, 2, 1],
        preprocessing: unitScalePreprocessing(1),
        layers: [
          { kind: 'conv2d', name: 'conv', filters: 2, kernelSize: [1, 1], strides: [1, 1], padding: 'valid', useBias: false, activation: 'relu' },
          { kind: 'globalavgpool', name: 'gap' },
          { kind: 'dense', name: 'fc', units: 1, useBias: true, activation: 'linear' },
        ],
      },
      weights: { conv: { kernel: t([1, 1, 1, 2], [1, -1]) }, fc: { kernel: t([2, 1], [1, 10]), bias: t([1], [0.5]) } },
    };
    // x = 1, -2, 3, -4: conv+relu (1,0) (0,2) (3,0) (0,4); means (1, 1.5); fc 1 + 15 + 0.5 = 16.5.
    const r = referenceForward(model, Float32Array.from([1, -2, 3, -4]), 1);
    expect(r.layers[1].shape).toEqual([1, 2]);
    expect(Array.from(r.layers[1].data)).toEqual([1, 1.5]);
    expect(Array.from(r.logits)).toEqual([16.5]);
  });
});
