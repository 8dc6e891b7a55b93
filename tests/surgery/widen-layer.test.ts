import { describe, expect, it } from 'vitest';
import { modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { copyModel } from '../../src/surgery/model-copy.ts';
import { SurgeryError } from '../../src/surgery/surgery-error.ts';
import { widenLayer } from '../../src/surgery/widen-layer.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';
import { flatBatchNormSpec, logitsOf, maxAbs, maxAbsDiff, smallConvSpec } from '../helpers/surgery-models.ts';

// Tolerance: without noise a widened model computes the same sums with one term w*a split into count equal
// terms (w/count)*a. In float32 each split and each extra addition rounds (relative 2^-24 ~ 6e-8); through
// these small nets with weights in [-1, 1) the logits stay below ~30 in magnitude, so the difference is a few
// ulps of 30 (~1e-5). 1e-4 is the bound the method asks for and leaves a margin of ten.
const TOLERANCE = 1e-4;

const cases: { model: () => Model; layers: string[] }[] = [
  { model: () => randomModel(everyKindSpec(), 3), layers: ['conv1', 'conv2', 'dense1'] },
  { model: () => randomModel(smallConvSpec(), 5), layers: ['conv1', 'conv2', 'dense1'] },
  { model: () => randomModel(flatBatchNormSpec(), 7), layers: ['conv1'] },
];

describe('widenLayer', () => {
  for (const { model: make, layers } of cases) {
    for (const layer of layers) {
      for (const mode of ['net2net', 'fresh'] as const) {
        it(`${make().spec.name}: widening ${layer} (${mode}) keeps every logit`, () => {
          const model = make();
          const before = copyModel(model);
          const logits = logitsOf(model, 3, 11);
          expect(maxAbs(logits)).toBeGreaterThan(0.1); // the comparison is not between zeros
          const old = (model.spec.layers.find((l) => l.name === layer) as { filters?: number; units?: number });
          const C = old.filters ?? old.units!;
          for (const [n, seed] of [[1, 0], [C + 2, 9]]) {
            const wide = widenLayer(model, layer, n, { mode, seed });
            const edited = wide.spec.layers.find((l) => l.name === layer) as { filters?: number; units?: number };
            expect(edited.filters ?? edited.units).toBe(C + n);
            expect(() => modelToArtifacts(wide)).not.toThrow(); // every weight has the shape its spec implies
            expect(summarizeModel(wide.spec).totalParams).toBeGreaterThan(summarizeModel(model.spec).totalParams);
            expect(maxAbsDiff(logitsOf(wide, 3, 11), logits)).toBeLessThan(TOLERANCE);
          }
          expect(model).toEqual(before); // the input model is untouched
        });
      }
    }
  }

  it('net2net copies incoming weights and halves the outgoing ones of a kernel copied once', () => {
    const model = randomModel(smallConvSpec(), 2);
    // Widening by C = 4 copies every kernel exactly once (a permutation), so every count is 2.
    const wide = widenLayer(model, 'conv1', 4, { mode: 'net2net', seed: 1 });
    const k0 = model.weights.conv1.kernel.data;
    const k1 = wide.weights.conv1.kernel.data;
    const next0 = model.weights.conv2.kernel.data; // [2, 2, 4, 5]
    const next1 = wide.weights.conv2.kernel.data; // [2, 2, 8, 5]
    const sources = new Set<number>();
    for (let j = 4; j < 8; j++) {
      // Which old kernel is j a copy of? The one whose 9 incoming weights (fan-in [3, 3, 1]) match.
      const g = [0, 1, 2, 3].find((k) => Array.from({ length: 9 }, (_, f) => k1[f * 8 + j] === k0[f * 4 + k]).every(Boolean));
      expect(g).toBeDefined();
      sources.add(g!);
      for (let tap = 0; tap < 4; tap++) {
        for (let o = 0; o < 5; o++) {
          expect(next1[(tap * 8 + j) * 5 + o]).toBeCloseTo(next0[(tap * 4 + g!) * 5 + o] / 2, 6);
          expect(next1[(tap * 8 + g!) * 5 + o]).toBeCloseTo(next0[(tap * 4 + g!) * 5 + o] / 2, 6);
        }
      }
    }
    expect(sources.size).toBe(4);
  });

  it('fresh kernels have He-uniform incoming weights and zero outgoing weights', () => {
    const model = randomModel(smallConvSpec(), 2);
    const wide = widenLayer(model, 'conv2', 3, { mode: 'fresh', seed: 4 });
    const k = wide.weights.conv2.kernel; // [2, 2, 4, 8]; fan-in 16, limit sqrt(6/16)
    const limit = Math.sqrt(6 / 16);
    const fresh = Array.from({ length: 16 * 3 }, (_, i) => k.data[Math.floor(i / 3) * 8 + 5 + (i % 3)]);
    expect(fresh.every((v) => Math.abs(v) <= limit && v !== 0)).toBe(true);
    // dense1 reads flatten features (h*W + w)*C + c of a 2x2x8 map: rows with c >= 5 are zero.
    const dense = wide.weights.dense1.kernel;
    expect(dense.shape).toEqual([2 * 2 * 8, 6]);
    for (let row = 0; row < 32; row++) {
      const zero = Array.from(dense.data.subarray(row * 6, row * 6 + 6)).every((v) => v === 0);
      expect(zero).toBe(row % 8 >= 5);
    }
  });

  it('noise breaks the symmetry: copies differ, the logits move a little, and the seed repeats it', () => {
    const model = randomModel(smallConvSpec(), 2);
    const logits = logitsOf(model, 2, 1);
    const a = widenLayer(model, 'conv1', 2, { mode: 'net2net', noise: 0.01, seed: 3 });
    const b = widenLayer(model, 'conv1', 2, { mode: 'net2net', noise: 0.01, seed: 3 });
    expect(a).toEqual(b);
    const moved = maxAbsDiff(logitsOf(a, 2, 1), logits);
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(0.05 * maxAbs(logits));
  });

  it('names the layer and the problem when it cannot widen', () => {
    const model = randomModel(everyKindSpec(), 1);
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(SurgeryError);
        return (e as Error).message;
      }
      throw new Error('expected a SurgeryError');
    };
    expect(error(() => widenLayer(model, 'nope', 2, { mode: 'net2net' }))).toMatch(/has no layer 'nope'/);
    expect(error(() => widenLayer(model, 'bn1', 2, { mode: 'net2net' }))).toMatch(/'bn1' is a batchnorm/);
    expect(error(() => widenLayer(model, 'dense2', 2, { mode: 'net2net' }))).toMatch(/softmax 'probs'.*mixes/);
    expect(error(() => widenLayer(model, 'conv1', 0, { mode: 'net2net' }))).toMatch(/'conv1'.*positive integer, got 0/);
    expect(error(() => widenLayer(model, 'conv1', 2, { mode: 'fresh', noise: 0.1 }))).toMatch(/noise applies to net2net/);
    const last = randomModel(smallConvSpec(), 1);
    expect(error(() => widenLayer(last, 'dense2', 1, { mode: 'fresh' }))).toMatch(/'dense2' has no conv or dense layer after it/);
  });
});
