import { describe, expect, it } from 'vitest';
import {
  batchNormBackward,
  batchNormInferenceForward,
  batchNormTrainingForward,
  updateMovingStats,
} from '../../src/reference/batchnorm.ts';
import { expectGradient, numericGradient, randomUpstream, weightedSum } from '../helpers/finite-difference.ts';
import { randomArray } from '../helpers/gpu.ts';

describe('batchnorm reference', () => {
  it('normalises each channel to zero mean and unit (biased) variance before gamma/beta', () => {
    const channels = 3;
    const x = Float64Array.from(randomArray(7 * channels, 1, -3, 5));
    const { y, variance } = batchNormTrainingForward(x, channels, [1, 1, 1], [0, 0, 0], 0);
    for (let c = 0; c < channels; c++) {
      let mean = 0;
      let square = 0;
      for (let r = 0; r < 7; r++) mean += y[r * channels + c] / 7;
      for (let r = 0; r < 7; r++) square += (y[r * channels + c] - mean) ** 2 / 7;
      expect(mean).toBeCloseTo(0, 12);
      expect(square).toBeCloseTo(1, 12);
      expect(variance[c]).toBeGreaterThan(0);
    }
  });

  it('moves running statistics Keras-style and uses them at inference', () => {
    const moved = updateMovingStats([0, 1], [1, 2], [10, -1], [4, 0], 0.9);
    expect(moved.movingMean[0]).toBeCloseTo(1, 12); // 0 * 0.9 + 10 * 0.1
    expect(moved.movingMean[1]).toBeCloseTo(0.8, 12); // 1 * 0.9 - 1 * 0.1
    expect(moved.movingVariance[0]).toBeCloseTo(1.3, 12);
    expect(moved.movingVariance[1]).toBeCloseTo(1.8, 12);
    const y = batchNormInferenceForward([3, 5], 2, [2, 1], [1, 0], [1, 1], [3, 15], 1);
    expect(y[0]).toBeCloseTo((2 * (3 - 1)) / 2 + 1, 12);
    expect(y[1]).toBeCloseTo((5 - 1) / 4, 12);
  });

  for (const [rows, channels] of [[6, 4], [1 * 3 * 3, 5], [2, 1]] as const) {
    it(`gradients match finite differences (${rows} rows x ${channels} channels)`, () => {
      const x = Float64Array.from(randomArray(rows * channels, 7, -2, 3));
      const gamma = Float64Array.from(randomArray(channels, 8, 0.5, 1.5));
      const beta = Float64Array.from(randomArray(channels, 9));
      const eps = 1e-3;
      const r = randomUpstream(rows * channels, 10);
      const { mean, invStd } = batchNormTrainingForward(x, channels, gamma, beta, eps);
      const { dx, dgamma, dbeta } = batchNormBackward(x, r, channels, gamma, mean, invStd);
      const loss = (xs: Float64Array, g: Float64Array, b: Float64Array) => weightedSum(r, batchNormTrainingForward(xs, channels, g, b, eps).y);
      expectGradient(dx, numericGradient((p) => loss(p, gamma, beta), x), 'batchnorm dx');
      expectGradient(dgamma, numericGradient((p) => loss(x, p, beta), gamma), 'batchnorm dgamma');
      expectGradient(dbeta, numericGradient((p) => loss(x, gamma, p), beta), 'batchnorm dbeta');
    });
  }
});
