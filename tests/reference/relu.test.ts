import { describe, expect, it } from 'vitest';
import { reluBackward, reluForward } from '../../src/reference/relu.ts';
import { expectGradient, numericGradient, randomUpstream, weightedSum } from '../helpers/finite-difference.ts';
import { randomArray } from '../helpers/gpu.ts';

describe('relu reference', () => {
  it('clamps negatives to zero', () => {
    expect(Array.from(reluForward([-2, -0, 0, 0.5, 3]))).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('has the finite-difference gradient away from the kink', () => {
    // Keep |x| >= 0.05 so that x ± h never crosses 0, where ReLU has no derivative.
    const x = Float64Array.from(randomArray(57, 1), (v) => (v >= 0 ? v + 0.05 : v - 0.05));
    const r = randomUpstream(x.length, 2);
    const analytic = reluBackward(r, reluForward(x));
    expectGradient(analytic, numericGradient((p) => weightedSum(r, reluForward(p)), x), 'relu dx');
  });
});
