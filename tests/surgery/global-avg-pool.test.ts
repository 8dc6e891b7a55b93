/**
 * Edits through global average pooling: channel k of the conv before it is feature k of the pooled vector, so the
 * dense layer after it reads channel k at one position, row k of its kernel (and a batchnorm on the pooled vector
 * has entry k). Dropping kernel k removes that row; widening copies it (net2net: divided by the copy count).
 */
import { describe, expect, it } from 'vitest';
import { modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { dropKernels } from '../../src/surgery/drop-kernels.ts';
import { insertLayer } from '../../src/surgery/insert-layer.ts';
import { copyModel } from '../../src/surgery/model-copy.ts';
import { widenLayer } from '../../src/surgery/widen-layer.ts';
import { globalPoolSpec, randomModel } from '../helpers/models.ts';
import { logitsOf, maxAbs, maxAbsDiff } from '../helpers/surgery-models.ts';

// Tolerance: as in drop-kernels.test.ts and widen-layer.test.ts, the references accumulate in float64 and round
// once per layer, so an edit that keeps the function changes the logits by a float32 ulp or two of values below ~30
// (a few 1e-6); 1e-4 is the method's bound for function-preserving edits.
const TOLERANCE = 1e-4;
const C = 37;
const UNITS = 4;

describe('edits of a conv before global average pooling', () => {
  it('dropping kernels shrinks the dense layer after it by one row each, and equals zeroing those rows', () => {
    const model = randomModel(globalPoolSpec(), 3);
    for (const dropped of [[0], [36, 5, 17]]) {
      const small = dropKernels(model, 'conv1', dropped);
      const kept = C - dropped.length;
      expect(small.weights.conv1.kernel.shape).toEqual([3, 3, 3, kept]);
      expect(small.weights.logits.kernel.shape).toEqual([kept, UNITS]);
      for (const name of ['gamma', 'beta', 'moving_mean', 'moving_variance']) expect(small.weights.bn[name].shape).toEqual([kept]);
      expect(() => modelToArtifacts(small)).not.toThrow(); // every weight has the shape its spec implies
      expect(summarizeModel(small.spec).totalParams).toBe(summarizeModel(model.spec).totalParams - dropped.length * (3 * 3 * 3 + 1 + 4 + UNITS));
      // The same function as the original with dense rows `dropped` set to zero.
      const masked = copyModel(model);
      for (const k of dropped) masked.weights.logits.kernel.data.fill(0, k * UNITS, (k + 1) * UNITS);
      const expected = logitsOf(masked, 3, 2);
      expect(maxAbs(expected)).toBeGreaterThan(0.1);
      expect(maxAbsDiff(logitsOf(small, 3, 2), expected)).toBeLessThan(TOLERANCE);
    }
  });

  it('widening (net2net) keeps the function and copies the dense rows of the copied kernels', () => {
    const model = randomModel(globalPoolSpec(), 4);
    const n = 5;
    const wide = widenLayer(model, 'conv1', n, { mode: 'net2net', seed: 1 });
    expect(wide.weights.logits.kernel.shape).toEqual([C + n, UNITS]);
    expect(maxAbsDiff(logitsOf(wide, 3, 5), logitsOf(model, 3, 5))).toBeLessThan(TOLERANCE);
    // New kernel j copies some old kernel k (identical conv column): then dense rows j and k are equal, both the old
    // row k halved (n < C, so every kernel is copied at most once).
    const kernel = (m: typeof model, j: number) => Array.from({ length: 27 }, (_, f) => m.weights.conv1.kernel.data[f * m.weights.conv1.kernel.shape[3] + j]);
    const row = (m: typeof model, j: number) => Array.from(m.weights.logits.kernel.data.subarray(j * UNITS, (j + 1) * UNITS));
    for (let j = C; j < C + n; j++) {
      const k = [...Array(C).keys()].find((i) => kernel(wide, i).every((v, f) => v === kernel(wide, j)[f]));
      expect(k, `source of new kernel ${j}`).toBeDefined();
      expect(row(wide, j)).toEqual(row(wide, k!));
      expect(row(wide, j)).toEqual(row(model, k!).map((v) => Math.fround(v / 2)));
    }
  });

  it('refuses to insert a conv after the pooled (flat) output', () => {
    expect(() => insertLayer(randomModel(globalPoolSpec(), 5), 'gap')).toThrow(/insert after 'gap': its output is flat \[37\]/);
  });
});
