import { describe, expect, it } from 'vitest';
import { architectureByName, architectureForClasses, cifarRef, cifarSmall, mnistRef } from '../../src/nn/architectures.ts';
import type { LayerSpec, ModelSpec } from '../../src/nn/layers.ts';
import { unitScalePreprocessing } from '../../src/nn/preprocessing.ts';
import { ModelSpecError, describeModel, summarizeModel } from '../../src/nn/shapes.ts';

function model(inputShape: [number, number, number], layers: LayerSpec[]): ModelSpec {
  return { name: 'test', inputShape, layers, preprocessing: unitScalePreprocessing(inputShape[2]) };
}

/** The error thrown by fn, which must be a ModelSpecError. */
function specError(fn: () => unknown): ModelSpecError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelSpecError);
    return err as ModelSpecError;
  }
  throw new Error('expected a ModelSpecError');
}

describe('reference architectures', () => {
  it('mnist-ref has the shapes and the 215,370 parameters of METHOD.md', () => {
    const s = summarizeModel(mnistRef());
    expect(s.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'dense1', 'dense2']);
    expect(s.layers.map((l) => l.outputShape)).toEqual([[28, 28, 16], [14, 14, 16], [14, 14, 32], [7, 7, 32], [1568], [128], [10]]);
    expect(s.layers.map((l) => l.params)).toEqual([416, 0, 12832, 0, 0, 200832, 1290]);
    expect(s.totalParams).toBe(215_370);
    expect(s.trainableParams).toBe(215_370);
    // conv1: 28*28*16 outputs, each 2*5*5*1 multiply-add FLOPs + 1 for the fused ReLU.
    expect(s.layers[0].flops).toBe(28 * 28 * 16 * (2 * 25 + 1));
    expect(mnistRef().preprocessing).toEqual({ scale: 1 / 255, mean: [0], std: [1] });
  });

  it('cifar-ref has the shapes and the 1,116,970 parameters of METHOD.md', () => {
    const spec = cifarRef();
    const s = summarizeModel(spec);
    expect(s.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'pool1', 'conv3', 'conv4', 'pool2', 'flatten', 'dense1', 'dense2']);
    expect(s.outputShape).toEqual([10]);
    expect(s.layers[6].outputShape).toEqual([8 * 8 * 64]);
    expect(s.totalParams).toBe(1_116_970);
    expect(spec.layers.filter((l) => l.kind === 'conv2d').every((l) => l.kind === 'conv2d' && l.activation === 'relu' && l.padding === 'same')).toBe(true);
    expect(spec.preprocessing).toEqual({ scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
  });

  it('cifar-small: one conv per resolution, 620,362 parameters, 40% of cifar-ref\'s forward FLOPs', () => {
    const s = summarizeModel(cifarSmall());
    expect(s.layers.filter((l) => l.kind === 'conv2d').map((l) => l.outputShape)).toEqual([[32, 32, 32], [16, 16, 64], [8, 8, 128]]);
    expect(s.layers.map((l) => l.params)).toEqual([896, 0, 18_496, 0, 73_856, 0, 0, 0, 524_544, 2_570]);
    expect(s.totalParams).toBe(620_362);
    expect(s.totalFlops / summarizeModel(cifarRef()).totalFlops).toBeCloseTo(0.4, 1);
  });

  it('are found by name, and unknown names list the known ones', () => {
    expect(architectureByName('cifar-ref').name).toBe('cifar-ref');
    expect(() => architectureByName('toString')).toThrow(/mnist-ref, fashion-ref, cifar-ref/);
  });

  it('a built-in architecture for 100 classes has 100 outputs (cifar-ref for CIFAR-100)', () => {
    const spec = architectureForClasses('cifar-ref', 100);
    expect(summarizeModel(spec).outputShape).toEqual([100]);
    // The last dense layer's 256 inputs + 1 bias per extra output: 1,116,970 + 90 * 257.
    expect(summarizeModel(spec).totalParams).toBe(1_116_970 + 90 * 257);
  });

  it('fashion-ref is mnist-ref with dropout before the first dense layer (same parameters)', () => {
    const spec = architectureByName('fashion-ref');
    expect(spec.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxpool', 'conv2d', 'maxpool', 'flatten', 'dropout', 'dense', 'dense']);
    expect(summarizeModel(spec).totalParams).toBe(215_370);
  });
});

describe('shape inference and counts', () => {
  it('counts params and FLOPs of every layer kind by the documented rules', () => {
    const s = summarizeModel(
      model([5, 5, 2], [
        { kind: 'conv2d', name: 'c', filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu' },
        { kind: 'batchnorm', name: 'bn', epsilon: 1e-3, momentum: 0.99, center: true, scale: true },
        { kind: 'relu', name: 'r' },
        { kind: 'maxpool', name: 'mp', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
        { kind: 'avgpool', name: 'ap', poolSize: [2, 2], strides: [2, 2], padding: 'same' },
        { kind: 'dropout', name: 'd', rate: 0.5 },
        { kind: 'flatten', name: 'f' },
        { kind: 'dense', name: 'fc', units: 5, useBias: false, activation: 'linear' },
        { kind: 'softmax', name: 'sm' },
      ]),
    );
    const byName = Object.fromEntries(s.layers.map((l) => [l.name, l]));
    // 'same', stride 2 on 5x5: ceil(5/2) = 3.
    expect(byName.c.outputShape).toEqual([3, 3, 4]);
    expect(byName.c.params).toBe(3 * 3 * 2 * 4 + 4);
    expect(byName.c.flops).toBe(36 * (2 * 18 + 1));
    expect(byName.bn).toMatchObject({ outputShape: [3, 3, 4], params: 16, trainableParams: 8, flops: 72 });
    expect(byName.bn.weightShapes).toEqual({ gamma: [4], beta: [4], moving_mean: [4], moving_variance: [4] });
    expect(byName.r.flops).toBe(36);
    // 'valid', 2x2 stride 1 on 3x3 -> 2x2; 3 comparisons per output.
    expect(byName.mp).toMatchObject({ outputShape: [2, 2, 4], flops: 16 * 3 });
    // 'same', 2x2 stride 2 on 2x2 -> 1x1; 3 adds and a multiply per output.
    expect(byName.ap).toMatchObject({ outputShape: [1, 1, 4], flops: 4 * 4 });
    expect(byName.d).toMatchObject({ outputShape: [1, 1, 4], flops: 0 });
    expect(byName.f).toMatchObject({ outputShape: [4], flops: 0, params: 0 });
    expect(byName.fc).toMatchObject({ outputShape: [5], params: 20, flops: 5 * 2 * 4, weightShapes: { kernel: [4, 5] } });
    expect(byName.sm).toMatchObject({ outputShape: [5], flops: 15 });
    expect(s.totalParams).toBe(76 + 16 + 20);
    expect(s.trainableParams).toBe(76 + 8 + 20);
    expect(s.totalFlops).toBe(s.layers.reduce((a, l) => a + l.flops, 0));
  });

  it('lists output shapes in order', () => {
    expect(summarizeModel(mnistRef()).layers.map((l) => l.outputShape).slice(0, 2)).toEqual([[28, 28, 16], [14, 14, 16]]);
  });

  it('names the layer when a window does not fit', () => {
    const err = specError(() =>
      summarizeModel(model([3, 3, 1], [{ kind: 'conv2d', name: 'big', filters: 2, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', useBias: true, activation: 'linear' }])),
    );
    expect(err.layer).toBe('big');
    expect(err.message).toMatch(/layer 'big' \(conv2d\).*5x5.*3x3/);
  });

  it('names the layer when dense follows a feature map without flatten', () => {
    const spec = mnistRef();
    spec.layers = spec.layers.filter((l) => l.kind !== 'flatten');
    const err = specError(() => summarizeModel(spec));
    expect(err.layer).toBe('dense1');
    expect(err.message).toMatch(/\[7, 7, 32\].*flatten/);
  });

  it('names the layer when a conv or pool follows a flat tensor', () => {
    const err = specError(() =>
      summarizeModel(model([4, 4, 1], [{ kind: 'flatten', name: 'f' }, { kind: 'maxpool', name: 'p', poolSize: [2, 2], strides: [2, 2], padding: 'valid' }])),
    );
    expect(err.message).toMatch(/layer 'p' \(maxpool\): needs a feature map.*\[16\]/);
  });

  it('rejects duplicate and invalid layer names, bad sizes and a bad input shape', () => {
    expect(specError(() => summarizeModel(model([4, 4, 1], [{ kind: 'relu', name: 'a' }, { kind: 'relu', name: 'a' }]))).message).toMatch(/two layers are named 'a'/);
    expect(specError(() => summarizeModel(model([4, 4, 1], [{ kind: 'relu', name: 'a/b' }]))).layer).toBe('a/b');
    const zero = specError(() => summarizeModel(model([4, 4, 1], [{ kind: 'dense', name: 'fc', units: 0, useBias: true, activation: 'linear' }])));
    expect(zero.message).toMatch(/layer 'fc'/);
    expect(specError(() => summarizeModel(model([4, 0, 1], []))).message).toMatch(/inputShape/);
    expect(specError(() => summarizeModel(model([4, 4, 1], [{ kind: 'dropout', name: 'd', rate: 1 }]))).message).toMatch(/layer 'd'.*rate/);
  });
});

describe('describeModel', () => {
  it('tabulates name, kind, output shape, params and FLOPs with totals', () => {
    const text = describeModel(mnistRef());
    const lines = text.split('\n');
    expect(lines[0]).toBe("Model 'mnist-ref'");
    expect(lines[1]).toMatch(/^Layer\s+Kind\s+Output shape\s+Params\s+FLOPs$/);
    const conv1 = lines.find((l) => l.startsWith('conv1'))!;
    expect(conv1.split(/\s{2,}/)).toEqual(['conv1', 'conv2d', '[28, 28, 16]', '416', (28 * 28 * 16 * 51).toLocaleString('en-US')]);
    expect(lines.find((l) => l.startsWith('total'))).toMatch(/215,370/);
    expect(lines.at(-1)).toBe('Trainable params: 215,370');
  });
});

describe('global average pooling', () => {
  it('maps [H, W, C] to [C] with no weights and H*W*C FLOPs (H*W - 1 adds and one multiply per channel)', () => {
    const s = summarizeModel(model([7, 5, 3], [
      { kind: 'conv2d', name: 'conv', filters: 37, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'globalavgpool', name: 'gap' },
      { kind: 'dense', name: 'fc', units: 4, useBias: true, activation: 'linear' },
    ]));
    expect(s.layers.map((l) => l.outputShape)).toEqual([[7, 5, 37], [37], [4]]);
    expect(s.layers[1]).toMatchObject({ kind: 'globalavgpool', inputShape: [7, 5, 37], weightShapes: {}, params: 0, trainableParams: 0, flops: 7 * 5 * 37 });
    expect(s.layers[2].weightShapes).toEqual({ kernel: [37, 4], bias: [4] });
  });

  it('refuses a flat input, naming the layer', () => {
    const err = specError(() => summarizeModel(model([4, 4, 1], [{ kind: 'flatten', name: 'flat' }, { kind: 'globalavgpool', name: 'gap' }])));
    expect(err.layer).toBe('gap');
    expect(err.message).toMatch(/layer 'gap' \(globalavgpool\): needs a feature map \[height, width, channels\] but gets \[16\]/);
  });
});
