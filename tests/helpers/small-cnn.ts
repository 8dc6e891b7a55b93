/**
 * The small CNN several engine tests train on the squares dataset (12x12 grey, 4 classes): conv 3x3x6, pool,
 * conv 3x3x8, pool, flatten, dense 4; with `dropout` a dropout layer of that rate before the dense layer.
 */
import type { LayerSpec, ModelSpec } from '../../src/nn/layers.ts';

export function smallCnn(options: { dropout?: number } = {}): ModelSpec {
  const layers: LayerSpec[] = [
    { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
    { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { kind: 'conv2d', name: 'conv2', filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
    { kind: 'maxpool', name: 'pool2', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
    { kind: 'flatten', name: 'flatten' },
  ];
  if (options.dropout !== undefined) layers.push({ kind: 'dropout', name: 'drop', rate: options.dropout });
  layers.push({ kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' });
  return { name: 'small-cnn', inputShape: [12, 12, 1], preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] }, layers };
}
