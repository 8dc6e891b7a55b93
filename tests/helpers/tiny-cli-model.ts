/**
 * What the tune and baselines command tests start from: the squares dataset (4 classes, 12x12 grey) written as
 * IDX files, and a tiny CNN whose conv1 kernel 5 is dead, so the dead rule has something certain to find.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initModel } from '../../src/nn/init.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { idxFile } from './dataset-files.ts';
import { squaresDataset } from './synthetic-data.ts';

/** The squares dataset (96 training, 32 test images) as four IDX files in `dir`; returns the dataset spec. */
export async function squaresIdxSpec(dir: string): Promise<string> {
  const d = squaresDataset({ classes: 4, size: 12, train: 96, test: 32, seed: 3 });
  const file = async (name: string, bytes: Uint8Array) => {
    await writeFile(join(dir, name), bytes);
    return join(dir, name);
  };
  const train = await file('train-images', idxFile([96, 12, 12], d.train.images));
  const trainLabels = await file('train-labels', idxFile([96], d.train.labels));
  const test = await file('test-images', idxFile([32, 12, 12], d.test!.images));
  const testLabels = await file('test-labels', idxFile([32], d.test!.labels));
  return `idx:${train},${trainLabels};${test},${testLabels}`;
}

/** conv1 3x3x6 + ReLU, maxpool 2, conv2 3x3x4 + ReLU, flatten, dense 4; conv1's kernel 5 is dead (zero weights, bias -1). */
export function tinyModelWithDeadKernel(): Model {
  const spec: ModelSpec = {
    name: 'tiny',
    inputShape: [12, 12, 1],
    preprocessing: { scale: 1 / 255, mean: [0], std: [1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'conv2d', name: 'conv2', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense', units: 4, useBias: true, activation: 'linear' },
    ],
  };
  const model = initModel(spec, 5);
  // Kernel layout [kh, kw, cin, cout]: every 6th value is output channel 5.
  const kernel = model.weights.conv1.kernel.data;
  for (let i = 5; i < kernel.length; i += 6) kernel[i] = 0;
  model.weights.conv1.bias.data[5] = -1;
  return model;
}
