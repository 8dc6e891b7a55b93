/**
 * Test models: a small spec that uses every layer kind with awkward geometry, and weights made random
 * everywhere (also biases and batchnorm statistics, which init.ts sets to constants), so that a test comparing
 * two implementations cannot pass by accident of zeros and ones.
 */
import { initModel } from '../../src/nn/init.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { createRng } from '../../src/nn/random.ts';

/** 7x9x3 input; conv stride 2 'same', batchnorm, every pooling and activation kind, dense + softmax. */
export function everyKindSpec(): ModelSpec {
  return {
    name: 'every-kind',
    inputShape: [7, 9, 3],
    preprocessing: { scale: 1 / 255, mean: [0.5, 0.25, 0.125], std: [0.5, 1, 2] },
    classNames: ['cat', 'dog', 'bird', 'fish'],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 5, kernelSize: [3, 3], strides: [2, 2], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'batchnorm', name: 'bn1', epsilon: 1e-3, momentum: 0.99, center: true, scale: true },
      { kind: 'avgpool', name: 'pool1', poolSize: [3, 3], strides: [1, 2], padding: 'same' },
      { kind: 'conv2d', name: 'conv2', filters: 6, kernelSize: [2, 1], strides: [1, 1], padding: 'valid', useBias: false, activation: 'linear' },
      { kind: 'relu', name: 'relu2' },
      { kind: 'maxpool', name: 'pool2', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
      { kind: 'dropout', name: 'drop', rate: 0.25 },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense1', units: 7, useBias: true, activation: 'relu' },
      { kind: 'dense', name: 'dense2', units: 4, useBias: true, activation: 'linear' },
      { kind: 'softmax', name: 'probs' },
    ],
  };
}

/**
 * 7x5x3 input; conv 3x3 'same' (linear, 37 filters: an odd count), relu, global average pooling, batchnorm on the
 * pooled [37] vector, dense 4: the Keras-style head without a flatten.
 */
export function globalPoolSpec(): ModelSpec {
  return {
    name: 'global-pool',
    inputShape: [7, 5, 3],
    preprocessing: { scale: 1 / 255, mean: [0.5, 0.25, 0.125], std: [0.5, 1, 2] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 37, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'linear' },
      { kind: 'relu', name: 'relu1' },
      { kind: 'globalavgpool', name: 'gap' },
      { kind: 'batchnorm', name: 'bn', epsilon: 1e-3, momentum: 0.99, center: true, scale: true },
      { kind: 'dense', name: 'logits', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

/**
 * 9x7x3 input; conv1 3x3 (16 filters, direct: 3 input channels), conv2 3x3 'same' of 17 filters reading 16
 * channels (Winograd F(2x2, 3x3) in the network: odd 9x7 map, so half-outside tiles), maxpool, dense 4.
 */
export function winogradSpec(kernel: 3 | 5 = 3): ModelSpec {
  return {
    name: `winograd ${kernel}x${kernel}`,
    inputShape: [9, 7, 3],
    preprocessing: { scale: 1 / 255, mean: [0.5, 0.25, 0.125], std: [0.5, 1, 2] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 16, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'conv2d', name: 'conv2', filters: 17, kernelSize: [kernel, kernel], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'logits', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

/**
 * winogradSpec(3) with conv2 writing 16 channels and a second 3x3 Winograd conv after it (16 -> 17): conv3's input
 * tiles are the size of conv2's, so its forward writes the same shared tile buffer.
 */
export function twoWinogradConvsSpec(): ModelSpec {
  const spec = winogradSpec(3);
  const conv = (name: string, filters: number): ModelSpec['layers'][number] => ({ kind: 'conv2d', name, filters, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' });
  return { ...spec, name: 'two Winograd convs', layers: [spec.layers[0], conv('conv2', 16), conv('conv3', 17), ...spec.layers.slice(2)] };
}

/**
 * 8x6x2 input; conv 3x3 'same' ReLU (5 filters) -> max-pool 2x2/2 (tiles the 8x6 map: the pool folds conv1's ReLU
 * backward in) -> conv 3x3 'same' ReLU (4) -> max-pool 2x2 stride 1 (overlapping windows: conv2 keeps its own ReLU
 * backward) -> flatten -> dense 4.
 */
export function foldedReluSpec(): ModelSpec {
  return {
    name: 'folded relu',
    inputShape: [8, 6, 2],
    preprocessing: { scale: 1 / 255, mean: [0.5, 0.25], std: [0.5, 1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 5, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'conv2d', name: 'conv2', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool2', poolSize: [2, 2], strides: [1, 1], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'logits', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

/**
 * A first conv of 3 input channels (the direct kernel for few channels) whose ReLU feeds another conv, not a pool:
 * its ReLU backward is folded into its weight gradient instead (it has no input gradient to share it with).
 */
export function directFirstConvSpec(): ModelSpec {
  return {
    name: 'direct first conv',
    inputShape: [7, 9, 3],
    preprocessing: { scale: 1 / 255, mean: [0.5, 0.25, 0], std: [0.5, 1, 1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'conv2d', name: 'conv2', filters: 5, kernelSize: [2, 3], strides: [2, 1], padding: 'valid', useBias: true, activation: 'relu' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'logits', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

/** `spec` with every weight drawn at random: kernels/biases/beta/mean in [-1, 1), gamma/variance in [0.5, 1.5). */
export function randomModel(spec: ModelSpec, seed: number): Model {
  const model = initModel(spec, seed);
  const rng = createRng(seed, 'test-weights');
  for (const layer of Object.values(model.weights)) {
    for (const [name, t] of Object.entries(layer)) {
      const positive = name === 'gamma' || name === 'moving_variance';
      for (let i = 0; i < t.data.length; i++) t.data[i] = positive ? rng.uniform(0.5, 1.5) : rng.uniform(-1, 1);
    }
  }
  return model;
}

/** Random float32 values in [lo, hi). */
export function randomInput(size: number, seed: number, lo = 0, hi = 1): Float32Array {
  const rng = createRng(seed, 'test-input');
  return Float32Array.from({ length: size }, () => rng.uniform(lo, hi));
}
