import { describe, expect, it } from 'vitest';
import { modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import type { Conv2dLayer, Model } from '../../src/nn/layers.ts';
import { insertLayer } from '../../src/surgery/insert-layer.ts';
import { copyModel } from '../../src/surgery/model-copy.ts';
import { SurgeryError } from '../../src/surgery/surgery-error.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';
import { logitsOf, maxAbs, maxAbsDiff, smallConvSpec } from '../helpers/surgery-models.ts';

// Tolerance: the identity conv sums one product x * 1 and zeros per output (exact in float64, rounded to the
// same float32), so the logits should agree bit for bit; 1e-4 is the method's bound for function-preserving edits.
const TOLERANCE = 1e-4;

describe('insertLayer', () => {
  const cases: { model: () => Model; after: string; sizes: [number, number][] }[] = [
    // conv1 (fused ReLU) -> bn1: the inserted conv sits between conv1 and the batch norm, on a 4x5x5 map.
    { model: () => randomModel(everyKindSpec(), 2), after: 'conv1', sizes: [[3, 3], [2, 2], [1, 3], [5, 5]] },
    // pool2 is a maxpool after relu2, so non-negative too; its 2x3x6 output feeds dropout and flatten.
    { model: () => randomModel(everyKindSpec(), 2), after: 'pool2', sizes: [[3, 3], [4, 1]] },
    { model: () => randomModel(smallConvSpec(), 6), after: 'conv2', sizes: [[3, 3], [7, 7]] },
    { model: () => randomModel(smallConvSpec(), 6), after: 'pool1', sizes: [[3, 3]] },
  ];
  for (const { model: make, after, sizes } of cases) {
    it(`${make().spec.name}: an identity conv after ${after} keeps every logit (${sizes.map((s) => s.join('x')).join(', ')})`, () => {
      const model = make();
      const before = copyModel(model);
      const logits = logitsOf(model, 3, 5);
      expect(maxAbs(logits)).toBeGreaterThan(0.1);
      const at = model.spec.layers.findIndex((l) => l.name === after);
      for (const kernelSize of sizes) {
        const deeper = insertLayer(model, after, { kernelSize });
        const added = deeper.spec.layers[at + 1] as Conv2dLayer;
        expect(added).toMatchObject({ kind: 'conv2d', name: `${after}_deep`, kernelSize, strides: [1, 1], padding: 'same', activation: 'relu' });
        expect(deeper.spec.layers).toHaveLength(model.spec.layers.length + 1);
        expect(() => modelToArtifacts(deeper)).not.toThrow();
        expect(maxAbsDiff(logitsOf(deeper, 3, 5), logits)).toBeLessThan(TOLERANCE);
      }
      expect(model).toEqual(before);
    });
  }

  it('puts the single 1 of filter k at the tap that reads the output position (centre, or left of centre for even sizes)', () => {
    const model = randomModel(smallConvSpec(), 1);
    for (const [kh, kw, ty, tx] of [[3, 3, 1, 1], [4, 2, 1, 0], [1, 5, 0, 2]]) {
      const k = insertLayer(model, 'conv1', { kernelSize: [kh, kw] }).weights.conv1_deep.kernel;
      expect(k.shape).toEqual([kh, kw, 4, 4]);
      const ones = [...k.data.keys()].filter((i) => k.data[i] !== 0);
      // HWIO index ((ty * kw + tx) * C + c) * C + c for c = 0..3.
      expect(ones).toEqual([0, 1, 2, 3].map((c) => ((ty * kw + tx) * 4 + c) * 4 + c));
      expect(ones.every((i) => k.data[i] === 1)).toBe(true);
    }
  });

  it('a wider inserted layer adds fresh kernels and still keeps the logits; new names are unique', () => {
    const model = randomModel(smallConvSpec(), 3);
    const logits = logitsOf(model, 2, 1);
    const once = insertLayer(model, 'conv1', { width: 7, seed: 2 });
    expect((once.spec.layers[1] as Conv2dLayer).filters).toBe(7);
    expect(once.weights.conv2.kernel.shape).toEqual([2, 2, 7, 5]);
    expect(maxAbsDiff(logitsOf(once, 2, 1), logits)).toBeLessThan(TOLERANCE);
    const twice = insertLayer(once, 'conv1');
    expect(twice.spec.layers.map((l) => l.name).slice(0, 3)).toEqual(['conv1', 'conv1_deep2', 'conv1_deep']);
    expect(maxAbsDiff(logitsOf(twice, 2, 1), logits)).toBeLessThan(TOLERANCE);
  });

  it('refuses edits that would not keep the function, naming the layer', () => {
    const model = randomModel(everyKindSpec(), 1);
    const message = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeryError);
        return (e as Error).message;
      }
      throw new Error('expected a SurgeryError');
    };
    expect(message(() => insertLayer(model, 'bn1'))).toMatch(/after 'bn1': its output can be negative \(it is a batchnorm\)/);
    expect(message(() => insertLayer(model, 'conv2'))).toMatch(/after 'conv2'.*conv2d with activation 'linear'/);
    expect(message(() => insertLayer(model, 'pool1'))).toMatch(/after 'pool1'.*it is a batchnorm/);
    expect(message(() => insertLayer(model, 'dense1'))).toMatch(/after 'dense1': its output is flat \[7\]/);
    expect(message(() => insertLayer(model, 'conv1', { width: 3 }))).toMatch(/width 3 is not function-preserving; .*at least the 5 channels of 'conv1'/);
    expect(message(() => insertLayer(model, 'conv1', { kernelSize: [0, 3] }))).toMatch(/kernel size must be positive integers, got 0x3/);
    expect(message(() => insertLayer(model, 'conv1', { name: 'bn1' }))).toMatch(/already named 'bn1'/);
    expect(message(() => insertLayer(model, 'missing'))).toMatch(/no layer 'missing'/);
  });
});
