/**
 * Models and checks for the surgery tests: small specs whose channels reach their consumer through every route
 * the edits handle (batch norm, pooling, dropout, flatten + dense, batch norm after a flatten), and a logits
 * comparison through the CPU reference forward.
 */
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { referenceForward } from '../../src/reference/model-forward.ts';
import { randomInput } from './models.ts';

/** mnist-ref in miniature: 8x8x1, conv 3x3x4 'same' + ReLU, maxpool 2, conv 3x3x5 stride 2 'valid' + ReLU, flatten, dense 6 + ReLU, dense 3. */
export function smallConvSpec(): ModelSpec {
  return {
    name: 'small-conv',
    inputShape: [8, 8, 1],
    preprocessing: { scale: 1 / 255, mean: [0], std: [1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'conv2d', name: 'conv2', filters: 5, kernelSize: [2, 2], strides: [2, 2], padding: 'valid', useBias: true, activation: 'relu' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense1', units: 6, useBias: true, activation: 'relu' },
      { kind: 'dense', name: 'dense2', units: 3, useBias: true, activation: 'linear' },
    ],
  };
}

/** A batch norm after the flatten (per-feature vectors of H*W*C entries) and a 1x3 conv, 5x7x2 input. */
export function flatBatchNormSpec(): ModelSpec {
  return {
    name: 'flat-batchnorm',
    inputShape: [5, 7, 2],
    preprocessing: { scale: 1 / 255, mean: [0, 0], std: [1, 1] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 3, kernelSize: [1, 3], strides: [1, 2], padding: 'same', useBias: true, activation: 'linear' },
      { kind: 'batchnorm', name: 'bn1', epsilon: 1e-3, momentum: 0.99, center: true, scale: false },
      { kind: 'relu', name: 'relu1' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'batchnorm', name: 'bn2', epsilon: 1e-3, momentum: 0.99, center: true, scale: true },
      { kind: 'dropout', name: 'drop', rate: 0.5 },
      { kind: 'dense', name: 'dense', units: 4, useBias: true, activation: 'softmax' },
    ],
  };
}

/** Logits of `model` on `batch` random inputs in [-1, 1) (seeded). */
export function logitsOf(model: Model, batch: number, seed: number): Float32Array {
  const [h, w, c] = model.spec.inputShape;
  return referenceForward(model, randomInput(batch * h * w * c, seed, -1, 1), batch).logits;
}

/** The largest |a[i] - b[i]|; throws when the lengths differ. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** The largest |v|. */
export function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
