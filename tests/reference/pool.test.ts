import { describe, expect, it } from 'vitest';
import {
  avgPoolBackward,
  avgPoolForward,
  maxPoolArgmax,
  maxPoolBackward,
  maxPoolForward,
  poolOutputShape,
} from '../../src/reference/pool.ts';
import type { Nhwc, PoolParams } from '../../src/gpu/kernels/pool-contract.ts';
import { expectGradient, numericGradient, randomUpstream, weightedSum } from '../helpers/finite-difference.ts';
import { rng } from '../helpers/gpu.ts';

/** Distinct values a multiple of 1e-3 apart in shuffled order: no ties, and x ± h never changes a window's argmax. */
function distinctValues(n: number, seed: number): Float64Array {
  const next = rng(seed);
  const values = Float64Array.from({ length: n }, (_, i) => (i - n / 2) * 1e-3);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return values;
}

const cases: [string, Nhwc, PoolParams][] = [
  ['2x2/2 valid', [2, 5, 4, 3], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' }],
  ['3x3/2 same (overlapping, padded)', [1, 7, 6, 2], { poolH: 3, poolW: 3, strideH: 2, strideW: 2, padding: 'same' }],
  ['3x2/1 same', [2, 4, 5, 1], { poolH: 3, poolW: 2, strideH: 1, strideW: 1, padding: 'same' }],
  ['2x2/3 valid (gaps)', [1, 7, 8, 2], { poolH: 2, poolW: 2, strideH: 3, strideW: 3, padding: 'valid' }],
];

describe('pool reference', () => {
  it('max-pools a hand-worked example, sending ties to the first tap', () => {
    // One 2x4 channel, 2x2 windows, stride 2: windows [[1, 5], [5, 2]] and [[3, 3], [3, 0]].
    const x = [1, 5, 3, 3, 5, 2, 3, 0];
    const shape: Nhwc = [1, 2, 4, 1];
    const params: PoolParams = { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' };
    expect(Array.from(maxPoolForward(x, shape, params))).toEqual([5, 3]);
    expect(Array.from(maxPoolArgmax(x, shape, params))).toEqual([1, 0]); // tap (0,1) and tap (0,0)
    expect(Array.from(maxPoolBackward(x, [10, 20], shape, params))).toEqual([0, 10, 20, 0, 0, 0, 0, 0]);
  });

  it('averages over in-bounds taps only (TF same padding)', () => {
    // 3x3 input, 2x2 windows, stride 2, 'same': out 2x2, padTotal 1, padTop 0 -> the right and bottom windows
    // hang over the edge and average 2, 2 and 1 elements.
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const y = avgPoolForward(x, [1, 3, 3, 1], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'same' });
    expect(Array.from(y)).toEqual([(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9]);
  });

  for (const [name, shape, params] of cases) {
    it(`max pool gradient matches finite differences: ${name}`, () => {
      const x = distinctValues(shape.reduce((a, b) => a * b), 3);
      const r = randomUpstream(poolOutputShape(shape, params).reduce((a, b) => a * b), 4);
      const analytic = maxPoolBackward(x, r, shape, params);
      expectGradient(analytic, numericGradient((p) => weightedSum(r, maxPoolForward(p, shape, params)), x, 1e-5), `maxpool ${name} dx`);
    });

    it(`avg pool gradient matches finite differences: ${name}`, () => {
      const x = distinctValues(shape.reduce((a, b) => a * b), 5);
      const r = randomUpstream(poolOutputShape(shape, params).reduce((a, b) => a * b), 6);
      const analytic = avgPoolBackward(r, shape, params);
      expectGradient(analytic, numericGradient((p) => weightedSum(r, avgPoolForward(p, shape, params)), x), `avgpool ${name} dx`);
    });
  }
});
