import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { planBatchNormBackward, planBatchNormInference, planBatchNormTraining } from '../../src/gpu/kernels/batchnorm.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import {
  batchNormBackward,
  batchNormInferenceForward,
  batchNormTrainingForward,
  updateMovingStats,
} from '../../src/reference/batchnorm.ts';

const gpu = useGpu();

// [rows, channels]: one row (variance 0), one channel, odd channel counts that leave the last block of 8 lanes
// partial, a dense layer's [N, features], and a conv activation (64 x 8 x 8 x 32) with long per-lane loops.
const shapes: [number, number][] = [
  [1, 3],
  [1000, 1],
  [105, 5],
  [32, 19],
  [300, 10],
  [4096, 32],
];

// Tolerances. Each channel's sums run sequentially over rows / WG_R terms per lane and then through a tree, in
// float32; with random terms the error grows like sqrt(n) * 2^-24 relative to the sum of |terms|, so 2e-5
// relative to the largest value of the result (n <= 4096) is several times the expected error while a wrong
// term (a missing 1/rows, a wrong sign) is off by O(1). Element-wise outputs inherit that error through the
// statistics, so they get the same bound.
const REDUCTION = { rtol: 2e-5, atol: 1e-6 };

describe('batchnorm kernels', () => {
  for (const [rows, channels] of shapes) {
    it(`training forward, moving statistics, inference and backward match the reference (${rows} x ${channels})`, async () => {
      const ctx = gpu();
      const seed = rows * 31 + channels;
      // An offset mean (x in [-1, 3)) makes the two-pass variance matter.
      const xs = randomArray(rows * channels, seed, -1, 3);
      const dys = randomArray(rows * channels, seed + 1);
      const gammas = randomArray(channels, seed + 2, 0.5, 1.5);
      const betas = randomArray(channels, seed + 3);
      const movingMeans = randomArray(channels, seed + 4);
      const movingVars = randomArray(channels, seed + 5, 0.5, 2);
      const eps = 1e-3;
      const momentum = 0.9;

      const x = ctx.upload('x', xs);
      const dy = ctx.upload('dy', dys);
      const gamma = ctx.upload('gamma', gammas);
      const beta = ctx.upload('beta', betas);
      const movingMean = ctx.upload('moving mean', movingMeans);
      const movingVariance = ctx.upload('moving variance', movingVars);
      const vector = (name: string) => ctx.createBuffer(name, channels * 4);
      const [mean, invStd, dgamma, dbeta] = ['mean', 'invStd', 'dgamma', 'dbeta'].map(vector);
      const y = ctx.createBuffer('y', rows * channels * 4);
      const yInfer = ctx.createBuffer('y inference', rows * channels * 4);
      const dx = ctx.createBuffer('dx', rows * channels * 4);
      const shape = { rows, channels };

      // Inference first (it reads the moving statistics before training moves them), then a training step.
      const calls = [
        await planBatchNormInference(ctx, { ...shape, x, y: yInfer, gamma, beta, movingMean, movingVariance, epsilon: eps }),
        ...(await planBatchNormTraining(ctx, { ...shape, x, y, gamma, beta, mean, invStd, movingMean, movingVariance, epsilon: eps, momentum })),
        ...(await planBatchNormBackward(ctx, { ...shape, x, dy, gamma, mean, invStd, dx, dgamma, dbeta })),
      ];
      submitCalls(ctx, calls, 'batchnorm test');

      const ref = batchNormTrainingForward(xs, channels, gammas, betas, eps);
      const moved = updateMovingStats(movingMeans, movingVars, ref.mean, ref.variance, momentum);
      const grads = batchNormBackward(xs, dys, channels, gammas, ref.mean, ref.invStd);
      const inferRef = batchNormInferenceForward(xs, channels, gammas, betas, movingMeans, movingVars, eps);

      // Inference is element-wise from given statistics: inverseSqrt (2 ulp) and 3 roundings, ~1e-6 relative.
      expectClose(await ctx.readFloat32(yInfer), inferRef, { rtol: 2e-6 }, 'inference y');
      expectClose(await ctx.readFloat32(mean), ref.mean, REDUCTION, 'batch mean');
      expectClose(await ctx.readFloat32(invStd), ref.invStd, REDUCTION, 'batch invStd');
      expectClose(await ctx.readFloat32(y), ref.y, REDUCTION, 'training y');
      expectClose(await ctx.readFloat32(movingMean), moved.movingMean, REDUCTION, 'moving mean');
      expectClose(await ctx.readFloat32(movingVariance), moved.movingVariance, REDUCTION, 'moving variance');
      expectClose(await ctx.readFloat32(dbeta), grads.dbeta, REDUCTION, 'dbeta');
      expectClose(await ctx.readFloat32(dgamma), grads.dgamma, REDUCTION, 'dgamma');
      expectClose(await ctx.readFloat32(dx), grads.dx, REDUCTION, 'dx');

      destroyCalls(calls);
      for (const b of [x, dy, gamma, beta, movingMean, movingVariance, mean, invStd, dgamma, dbeta, y, yInfer, dx]) b.destroy();
    });
  }

  it('is deterministic: two runs give identical bits', async () => {
    const ctx = gpu();
    const rows = 777;
    const channels = 6;
    const x = ctx.upload('x', randomArray(rows * channels, 5, -3, 3));
    const ones = ctx.upload('gamma', new Float32Array(channels).fill(1));
    const zeros = ctx.upload('beta', new Float32Array(channels));
    const results: Float32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const [y, mean, invStd, mm, mv] = ['y', 'mean', 'invStd', 'mm', 'mv'].map((n) => ctx.createBuffer(n, (n === 'y' ? rows : 1) * channels * 4));
      const calls = await planBatchNormTraining(ctx, { rows, channels, x, y, gamma: ones, beta: zeros, mean, invStd, movingMean: mm, movingVariance: mv });
      submitCalls(ctx, calls);
      results.push(await ctx.readFloat32(y));
      destroyCalls(calls);
      for (const b of [y, mean, invStd, mm, mv]) b.destroy();
    }
    expect(Array.from(results[1])).toEqual(Array.from(results[0]));
    for (const b of [x, ones, zeros]) b.destroy();
  });
});
