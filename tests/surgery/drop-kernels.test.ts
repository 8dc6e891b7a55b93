import { describe, expect, it } from 'vitest';
import { modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { dropKernels } from '../../src/surgery/drop-kernels.ts';
import { copyModel } from '../../src/surgery/model-copy.ts';
import { SurgeryError } from '../../src/surgery/surgery-error.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';
import { flatBatchNormSpec, logitsOf, maxAbs, maxAbsDiff, smallConvSpec } from '../helpers/surgery-models.ts';

// Tolerance: a dropped channel that contributes nothing leaves the same products in every sum, only without some
// exact zeros; the references accumulate in float64 and round once, so the logits agree to a float32 ulp or
// two of values below ~30 (a few 1e-6). 1e-4 is the method's bound for function-preserving edits.
const TOLERANCE = 1e-4;

/**
 * The original model with every consumer weight that reads channel k of `layer` set to zero, written here
 * independently of the surgery code: a conv consumer's kernel [kh, kw, C, out] at [.., .., k, ..]; a dense
 * consumer after a flatten of an H x W x C map at rows (h * W + w) * C + k. Dropping channel k must compute
 * exactly this function, whatever sits between the layer and its consumer.
 */
function maskConsumer(model: Model, consumer: string, channels: number, dropped: number[]): Model {
  const out = copyModel(model);
  const kernel = out.weights[consumer].kernel;
  const outputs = kernel.shape[kernel.shape.length - 1];
  const rows = kernel.data.length / outputs; // kh*kw*C for a conv, H*W*C (or C) for a dense
  for (let row = 0; row < rows; row++) {
    if (dropped.includes(row % channels)) kernel.data.fill(0, row * outputs, (row + 1) * outputs);
  }
  return out;
}

const cases: { model: () => Model; layer: string; consumer: string; channels: number; drops: number[][] }[] = [
  { model: () => randomModel(everyKindSpec(), 3), layer: 'conv1', consumer: 'conv2', channels: 5, drops: [[0], [4, 1], [1, 2, 3, 4]] },
  { model: () => randomModel(everyKindSpec(), 3), layer: 'conv2', consumer: 'dense1', channels: 6, drops: [[5], [0, 2, 3]] },
  { model: () => randomModel(everyKindSpec(), 3), layer: 'dense1', consumer: 'dense2', channels: 7, drops: [[6, 0]] },
  { model: () => randomModel(smallConvSpec(), 5), layer: 'conv1', consumer: 'conv2', channels: 4, drops: [[3], [0, 1, 2]] },
  { model: () => randomModel(smallConvSpec(), 5), layer: 'conv2', consumer: 'dense1', channels: 5, drops: [[2], [0, 4]] },
  { model: () => randomModel(flatBatchNormSpec(), 7), layer: 'conv1', consumer: 'dense', channels: 3, drops: [[1], [0, 2]] },
];

describe('dropKernels', () => {
  for (const { model: make, layer, consumer, channels, drops } of cases) {
    it(`${make().spec.name}: dropping kernels of ${layer} shrinks every shape and equals zeroing ${consumer}'s inputs`, () => {
      const model = make();
      const before = copyModel(model);
      const summary = summarizeModel(model.spec);
      for (const dropped of drops) {
        const small = dropKernels(model, layer, dropped);
        const kept = channels - dropped.length;
        expect(() => modelToArtifacts(small)).not.toThrow(); // every weight has the shape its spec implies
        const smallSummary = summarizeModel(small.spec);
        expect(smallSummary.totalParams).toBeLessThan(summary.totalParams);
        expect(smallSummary.totalFlops).toBeLessThan(summary.totalFlops);
        expect(small.weights[layer].kernel.shape.at(-1)).toBe(kept);
        expect(smallSummary.outputShape).toEqual(summary.outputShape);
        const expected = logitsOf(maskConsumer(model, consumer, channels, dropped), 3, 2);
        expect(maxAbs(expected)).toBeGreaterThan(0.1);
        expect(maxAbsDiff(logitsOf(small, 3, 2), expected)).toBeLessThan(TOLERANCE);
      }
      expect(model).toEqual(before);
    });
  }

  it('gathers batch norm vectors and dense rows after a flatten (positions x channels)', () => {
    const model = randomModel(flatBatchNormSpec(), 1);
    // conv1 1x3 stride 1x2 'same' on 5x7: 5x4x3 -> flatten 60 -> bn2 [60] -> dense [60, 4]. Drop channel 1 of 3.
    const small = dropKernels(model, 'conv1', [1]);
    expect(small.weights.bn1.beta.data).toEqual(Float32Array.from([0, 2].map((k) => model.weights.bn1.beta.data[k])));
    expect(small.weights.bn1.gamma).toBeUndefined(); // scale: false, as in Keras
    expect(small.weights.bn2.gamma.shape).toEqual([40]);
    expect(small.weights.dense.kernel.shape).toEqual([40, 4]);
    for (let p = 0; p < 20; p++) {
      for (const [j, k] of [[0, 0], [1, 2]]) {
        expect(small.weights.bn2.moving_mean.data[p * 2 + j]).toBe(model.weights.bn2.moving_mean.data[p * 3 + k]);
        expect(small.weights.dense.kernel.data[(p * 2 + j) * 4 + 3]).toBe(model.weights.dense.kernel.data[(p * 3 + k) * 4 + 3]);
      }
    }
  });

  it('leaves the logits unchanged when the dropped kernel is dead (zero weights and bias before a ReLU)', () => {
    const dead = (model: Model, layer: string, k: number): Model => {
      const out = copyModel(model);
      const kernel = out.weights[layer].kernel;
      const C = kernel.shape.at(-1)!;
      for (let i = k; i < kernel.data.length; i += C) kernel.data[i] = 0;
      if (out.weights[layer].bias) out.weights[layer].bias.data[k] = 0;
      return out;
    };
    const checks: [Model, string, number][] = [
      [dead(randomModel(smallConvSpec(), 4), 'conv1', 2), 'conv1', 2],
      [dead(randomModel(smallConvSpec(), 4), 'conv2', 0), 'conv2', 0],
      // everyKind's conv2 has no bias and a separate relu layer, then maxpool, dropout, flatten, dense.
      [dead(randomModel(everyKindSpec(), 4), 'conv2', 3), 'conv2', 3],
      [dead(randomModel(everyKindSpec(), 4), 'dense1', 6), 'dense1', 6],
    ];
    for (const [model, layer, k] of checks) {
      const logits = logitsOf(model, 4, 8);
      expect(maxAbs(logits)).toBeGreaterThan(0.1);
      expect(maxAbsDiff(logitsOf(dropKernels(model, layer, [k]), 4, 8), logits)).toBeLessThan(TOLERANCE);
    }
  });

  it('names the layer and the problem when it cannot drop', () => {
    const model = randomModel(smallConvSpec(), 1);
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeryError);
        return (e as Error).message;
      }
      throw new Error('expected a SurgeryError');
    };
    expect(message(() => dropKernels(model, 'conv9', [1]))).toMatch(/no layer 'conv9'.*conv1, pool1/);
    expect(message(() => dropKernels(model, 'conv1', [4]))).toMatch(/layer 'conv1': kernel 4 is out of range; the layer has kernels 0\.\.3/);
    expect(message(() => dropKernels(model, 'conv1', [1.5]))).toMatch(/kernel 1\.5 is out of range/);
    expect(message(() => dropKernels(model, 'conv1', [0, 1, 2, 3]))).toMatch(/'conv1': cannot drop all 4 kernels/);
    expect(message(() => dropKernels(model, 'conv1', []))).toMatch(/'conv1': no kernels given/);
    expect(message(() => dropKernels(model, 'pool1', [0]))).toMatch(/'pool1' is a maxpool/);
  });
});
