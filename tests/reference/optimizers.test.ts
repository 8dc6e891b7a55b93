import { describe, expect, it } from 'vitest';
import { adamStep, sgdStep } from '../../src/reference/optimizers.ts';

describe('optimizer references', () => {
  it('SGD without momentum or decay is p - lr * g', () => {
    const { param, velocity } = sgdStep([1, -2], [0.5, 4], [9, 9], { lr: 0.1, momentum: 0, weightDecay: 0 });
    expect(Array.from(param)).toEqual([1 - 0.05, -2 - 0.4]);
    expect(Array.from(velocity)).toEqual([0.5, 4]);
  });

  it('SGD momentum accumulates velocity and folds weight decay into the gradient', () => {
    const hp = { lr: 0.1, momentum: 0.9, weightDecay: 0.01 };
    const { param, velocity } = sgdStep([2], [1], [3], hp);
    const v = 0.9 * 3 + (1 + 0.01 * 2);
    expect(velocity[0]).toBeCloseTo(v, 14);
    expect(param[0]).toBeCloseTo(2 - 0.1 * v, 14);
  });

  it('Adam moves every parameter by about lr at step 1, whatever the gradient scale', () => {
    // At t = 1, mhat = g and vhat = g^2, so the step is lr * g / (|g| + eps) ≈ lr * sign(g).
    const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, step: 1 };
    const { param, m, v } = adamStep([1, 1, 1], [1e-3, -50, 2], [0, 0, 0], [0, 0, 0], hp);
    expect(param[0]).toBeCloseTo(1 - 0.01, 5);
    expect(param[1]).toBeCloseTo(1 + 0.01, 8);
    expect(param[2]).toBeCloseTo(1 - 0.01, 8);
    expect(m[1]).toBeCloseTo(-5, 12);
    expect(v[1]).toBeCloseTo(0.001 * 2500, 12);
  });

  it('AdamW decays weights outside the adaptive scaling', () => {
    // Zero gradient and zero moments: only the decoupled decay moves p, by lr * wd * p.
    const hp = { lr: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.5, step: 3 };
    expect(adamStep([4], [0], [0], [0], hp).param[0]).toBeCloseTo(4 - 0.1 * 0.5 * 4, 14);
    expect(() => adamStep([1], [1], [0], [0], { ...hp, step: 0 })).toThrow(/1-based/);
  });
});
