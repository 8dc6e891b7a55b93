import { describe, expect, it } from 'vitest';
import { dropoutBackward, dropoutForward, dropoutKeeps } from '../../src/reference/dropout.ts';
import { expectGradient, numericGradient, randomUpstream, weightedSum } from '../helpers/finite-difference.ts';
import { randomArray } from '../helpers/gpu.ts';

describe('dropout reference', () => {
  it('keeps about 1 - rate of the elements and scales them by 1 / (1 - rate)', () => {
    const n = 20000;
    const rate = 0.3;
    const x = new Float64Array(n).fill(1);
    const y = dropoutForward(x, rate, 1234);
    let kept = 0;
    for (const v of y) {
      if (v !== 0) {
        kept++;
        expect(v).toBeCloseTo(1 / 0.7, 12);
      }
    }
    // Binomial standard deviation sqrt(n p (1 - p)) ≈ 65: 400 is six of those.
    expect(Math.abs(kept - n * (1 - rate))).toBeLessThan(400);
  });

  it('draws a different mask for a different seed, and keeps everything at rate 0', () => {
    let differ = 0;
    for (let i = 0; i < 1000; i++) if (dropoutKeeps(1, i, 0.5) !== dropoutKeeps(2, i, 0.5)) differ++;
    expect(differ).toBeGreaterThan(400);
    expect(Array.from(dropoutForward([1, -2, 3], 0, 99))).toEqual([1, -2, 3]);
    expect(() => dropoutForward([1], 1, 0)).toThrow(/rate must be in \[0, 1\)/);
  });

  it('has the finite-difference gradient (same seed, same mask)', () => {
    const x = Float64Array.from(randomArray(200, 3));
    const r = randomUpstream(x.length, 4);
    const analytic = dropoutBackward(r, 0.4, 77);
    expectGradient(analytic, numericGradient((p) => weightedSum(r, dropoutForward(p, 0.4, 77)), x), 'dropout dx');
  });
});
