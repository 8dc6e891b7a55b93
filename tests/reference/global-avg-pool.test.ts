import { describe, expect, it } from 'vitest';
import type { GlobalPoolShape } from '../../src/gpu/kernels/global-avg-pool.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../../src/reference/global-avg-pool.ts';
import { expectGradient, numericGradient, randomUpstream, weightedSum } from '../helpers/finite-difference.ts';

const size = (s: GlobalPoolShape) => s.reduce((a, b) => a * b);

describe('global average pool reference', () => {
  it('averages every channel over all positions (hand-worked)', () => {
    // One image, 2x2 positions, 2 channels: channel 0 = 1, 2, 3, 4 -> 2.5; channel 1 = 10, 0, -2, 0 -> 2.
    const x = [1, 10, 2, 0, 3, -2, 4, 0];
    expect(Array.from(globalAvgPoolForward(x, [1, 2, 2, 2]))).toEqual([2.5, 2]);
    expect(Array.from(globalAvgPoolBackward([4, -8], [1, 2, 2, 2]))).toEqual([1, -2, 1, -2, 1, -2, 1, -2]);
  });

  for (const shape of [[2, 3, 4, 3], [1, 1, 1, 5], [3, 7, 5, 2]] as GlobalPoolShape[]) {
    it(`gradient matches finite differences: ${shape.join('x')}`, () => {
      const x = randomUpstream(size(shape), 7);
      const r = randomUpstream(shape[0] * shape[3], 8);
      const numeric = numericGradient((p) => weightedSum(r, globalAvgPoolForward(p, shape)), x);
      expectGradient(globalAvgPoolBackward(r, shape), numeric, `global avgpool ${shape.join('x')} dx`);
    });
  }

  it('refuses arrays of the wrong size', () => {
    expect(() => globalAvgPoolForward(new Float32Array(5), [1, 2, 2, 1])).toThrow(/x has 5 elements, expected 4/);
    expect(() => globalAvgPoolBackward(new Float32Array(3), [1, 2, 2, 2])).toThrow(/dy has 3 elements, expected 2/);
  });
});
