import { expect, it } from 'vitest';
import { describeForEachGemmVariant, expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import {
  planAvgPoolBackward,
  planAvgPoolForward,
  planMaxPoolBackward,
  planMaxPoolForward,
  poolWindowsTile,
  type MaxPoolBackwardVariant,
} from '../../src/gpu/kernels/pool.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import {
  avgPoolBackward,
  avgPoolForward,
  maxPoolArgmax,
  maxPoolBackward,
  maxPoolForward,
  poolOutputShape,
} from '../../src/reference/pool.ts';
import type { Nhwc, PoolParams } from '../../src/gpu/kernels/pool-contract.ts';

const gpu = useGpu();

const size = (shape: Nhwc) => shape.reduce((a, b) => a * b);

// Awkward shapes: batch 1, odd sizes, channel counts that are not powers of two, overlapping windows (stride <
// pool), gaps (stride > pool, some inputs in no window), 'same' windows hanging over every edge, a window larger
// than the input, 1x1, and one realistic MNIST-sized layer.
const cases: [Nhwc, PoolParams][] = [
  [[2, 5, 4, 3], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' }],
  [[1, 7, 6, 3], { poolH: 3, poolW: 3, strideH: 2, strideW: 2, padding: 'same' }],
  [[3, 9, 11, 5], { poolH: 3, poolW: 2, strideH: 1, strideW: 2, padding: 'same' }],
  [[1, 8, 7, 1], { poolH: 2, poolW: 2, strideH: 3, strideW: 3, padding: 'valid' }],
  [[1, 3, 3, 2], { poolH: 7, poolW: 7, strideH: 1, strideW: 1, padding: 'same' }],
  [[2, 4, 5, 7], { poolH: 1, poolW: 1, strideH: 1, strideW: 1, padding: 'valid' }],
  [[4, 28, 28, 16], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' }],
  // Windows that tile the input (the scattering backward's domain): non-square, and 'same' with no padding.
  [[3, 6, 9, 5], { poolH: 2, poolW: 3, strideH: 2, strideW: 3, padding: 'valid' }],
  [[1, 8, 6, 3], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'same' }],
  // For the lanes-along-channels kernels there (8 channels per workgroup, runs of 64 output pixels): a ragged
  // second block of channels with 105 pixels (a run ends mid-row, rows wrap inside runs), one channel, 3x3 windows.
  [[3, 10, 14, 13], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' }],
  [[2, 6, 4, 1], { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' }],
  [[2, 12, 18, 9], { poolH: 3, poolW: 3, strideH: 3, strideW: 3, padding: 'valid' }],
];

const label = (shape: Nhwc, p: PoolParams) => `${shape.join('x')} pool ${p.poolH}x${p.poolW} stride ${p.strideH}x${p.strideW} ${p.padding}`;

// Every max-pool kernel on each kind of adapter's kernels: software adapters take the lanes-along-channels kernels
// where the windows tile, GPUs ('tiled') the thread-per-element ones.
describeForEachGemmVariant('pool kernels', gpu, (variantGpu, kernels) => {
  const gpu = variantGpu;
  for (const [shape, params] of cases) {
    it(`max pool matches the reference, ties included: ${label(shape, params)}`, async () => {
      const ctx = gpu();
      const outShape = poolOutputShape(shape, params);
      // Values rounded to thirds: only 7 distinct values, so most windows hold ties and the first-max rule shows.
      const xs = randomArray(size(shape), 11).map((v) => Math.round(v * 3) / 3);
      const dys = randomArray(size(outShape), 12);
      const x = ctx.upload('x', xs);
      const y = ctx.createBuffer('y', size(outShape) * 4);
      const yInfer = ctx.createBuffer('y (inference)', size(outShape) * 4);
      const argmax = ctx.createBuffer('argmax', size(outShape) * 4);
      const dy = ctx.upload('dy', dys);
      // Each backward variant that applies, forced, into a dx filled with NaN: a missed element shows.
      const variants: MaxPoolBackwardVariant[] = poolWindowsTile(shape, params) ? ['gather', 'scatter'] : ['gather'];
      const dxs = variants.map((v) => ctx.upload(`dx (${v})`, new Float32Array(size(shape)).fill(NaN)));
      const dx = ctx.createBuffer('dx (planned)', size(shape) * 4);
      const calls = [
        await planMaxPoolForward(ctx, { x, y, argmax, xShape: shape, params }),
        await planMaxPoolForward(ctx, { x, y: yInfer, xShape: shape, params }),
        await planMaxPoolBackward(ctx, { dy, argmax, dx, xShape: shape, params }),
      ];
      for (const [i, variant] of variants.entries()) calls.push(await planMaxPoolBackward(ctx, { dy, argmax, dx: dxs[i], xShape: shape, params, variant }));
      // Which forward ran: the lanes-along-channels kernel on software adapters where the windows tile.
      const lanes = kernels === 'lavapipe' && poolWindowsTile(shape, params);
      expect(calls[0].pipeline.label).toContain(lanes ? '#max_forward_argmax_lanes?' : '#max_forward_argmax?');
      expect(calls[1].pipeline.label).toContain(lanes ? '#max_forward_lanes?' : '#max_forward?');
      submitCalls(ctx, calls, 'maxpool test');
      // Forward only selects an input and the argmax is an index: both must match exactly.
      const yRef = Array.from(Float32Array.from(maxPoolForward(xs, shape, params)));
      expect(Array.from(await ctx.readFloat32(y))).toEqual(yRef);
      expect(Array.from(await ctx.readFloat32(yInfer))).toEqual(yRef);
      expect(Array.from(await ctx.readUint32(argmax))).toEqual(Array.from(maxPoolArgmax(xs, shape, params)));
      // Backward: an input that is the argmax of several overlapping windows sums their dy (at most
      // ceil(pool/stride)^2 = 4 here) in float32, against float64 in the reference: a few ulp of max |dy| <= 1.
      const dxRef = maxPoolBackward(xs, dys, shape, params);
      expectClose(await ctx.readFloat32(dx), dxRef, { rtol: 1e-6 }, 'maxpool dx');
      for (const [i, variant] of variants.entries()) expectClose(await ctx.readFloat32(dxs[i]), dxRef, { rtol: 1e-6 }, `maxpool dx (${variant})`);
      destroyCalls(calls);
      for (const b of [x, y, yInfer, argmax, dy, dx, ...dxs]) b.destroy();
    });

    if (poolWindowsTile(shape, params)) {
      it(`max pool backward with the ReLU before it folded in matches ReLU backward after max pool backward: ${label(shape, params)}`, async () => {
        const ctx = gpu();
        const outShape = poolOutputShape(shape, params);
        // A ReLU's output: about half zeros, so windows of zeros (pooled 0) occur, and ties at 0 with positives.
        const xs = randomArray(size(shape), 31).map((v) => Math.max(0, Math.round(v * 3) / 3));
        const dys = randomArray(size(outShape), 32);
        const x = ctx.upload('x', xs);
        const y = ctx.createBuffer('y', size(outShape) * 4);
        const argmax = ctx.createBuffer('argmax', size(outShape) * 4);
        const dy = ctx.upload('dy', dys);
        const dx = ctx.upload('dx', new Float32Array(size(shape)).fill(NaN));
        const calls = [
          await planMaxPoolForward(ctx, { x, y, argmax, xShape: shape, params }),
          await planMaxPoolBackward(ctx, { dy, argmax, dx, xShape: shape, params, reluPooled: y }),
        ];
        submitCalls(ctx, calls, 'maxpool + relu test');
        // The ReLU's backward passes dy where its output x > 0: applied to the pool's reference dx. Exact: each dx
        // element is one dy or 0 (the windows tile, so no sums).
        const dxRef = maxPoolBackward(xs, dys, shape, params).map((g, i) => (xs[i] > 0 ? g : 0));
        expect(Array.from(await ctx.readFloat32(dx))).toEqual(Array.from(Float32Array.from(dxRef)));
        destroyCalls(calls);
        for (const b of [x, y, argmax, dy, dx]) b.destroy();
      });
    }

    it(`average pool matches the reference: ${label(shape, params)}`, async () => {
      const ctx = gpu();
      const outShape = poolOutputShape(shape, params);
      const xs = randomArray(size(shape), 21);
      const dys = randomArray(size(outShape), 22);
      const x = ctx.upload('x', xs);
      const y = ctx.createBuffer('y', size(outShape) * 4);
      const dy = ctx.upload('dy', dys);
      const dx = ctx.createBuffer('dx', size(shape) * 4);
      const calls = [
        await planAvgPoolForward(ctx, { x, y, xShape: shape, params }),
        await planAvgPoolBackward(ctx, { dy, dx, xShape: shape, params }),
      ];
      submitCalls(ctx, calls, 'avgpool test');
      // A window sums at most n = 49 taps with |x| <= 1 in float32 (error <= n * 2^-24 * n) and divides by n
      // (2.5 ulp in WGSL): about n * 6e-8 ≈ 3e-6 on a mean; 1e-5 absolute covers it.
      expectClose(await ctx.readFloat32(y), avgPoolForward(xs, shape, params), { rtol: 0, atol: 1e-5 }, 'avgpool y');
      // Backward sums at most ceil(pool/stride)^2 shares dy / count with |dy| <= 1: a few ulp.
      expectClose(await ctx.readFloat32(dx), avgPoolBackward(dys, shape, params), { rtol: 0, atol: 1e-6 }, 'avgpool dx');
      destroyCalls(calls);
      for (const b of [x, y, dy, dx]) b.destroy();
    });
  }

  it('knows which windows tile the input, and refuses to scatter where they do not', async () => {
    const two = { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' } as const;
    expect(poolWindowsTile([64, 32, 32, 32], two)).toBe(true);
    expect(poolWindowsTile([1, 5, 4, 3], two)).toBe(false); // the last row is in no window
    expect(poolWindowsTile([1, 5, 4, 3], { ...two, padding: 'same' })).toBe(false); // padded
    expect(poolWindowsTile([1, 6, 6, 1], { ...two, strideH: 1 })).toBe(false); // overlapping
    const ctx = gpu();
    const [dy, argmax, dx, pooled] = [ctx.createBuffer('dy', 48), ctx.createBuffer('argmax', 48), ctx.createBuffer('dx', 240), ctx.createBuffer('pooled', 48)];
    expect(() => planMaxPoolBackward(ctx, { dy, argmax, dx, xShape: [1, 5, 4, 3], params: two, variant: 'scatter' }))
      .toThrow(/scattering backward needs windows that tile the input/);
    expect(() => planMaxPoolBackward(ctx, { dy, argmax, dx, xShape: [1, 5, 4, 3], params: two, reluPooled: pooled }))
      .toThrow(/folding the ReLU's backward in needs the scattering backward/);
    for (const b of [dy, argmax, dx, pooled]) b.destroy();
  });

  it('refuses a window that does not fit and an argmax buffer that is too small', async () => {
    const ctx = gpu();
    const a = ctx.createBuffer('a', 4 * 100);
    const small = ctx.createBuffer('small', 4);
    const valid7: PoolParams = { poolH: 7, poolW: 7, strideH: 1, strideW: 1, padding: 'valid' };
    expect(() => planAvgPoolForward(ctx, { x: a, y: small, xShape: [1, 3, 3, 1], params: valid7 })).toThrow(/does not fit a 3x3 input/);
    const p2: PoolParams = { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' };
    const b = ctx.createBuffer('b', 4 * 100);
    expect(() => planMaxPoolForward(ctx, { x: a, y: b, argmax: small, xShape: [1, 4, 4, 2], params: p2 })).toThrow(
      /maxpool forward\(a -> b, 1x4x4x2, 2x2\/2x2 valid\): argmax \(small\) has 4 bytes, needs 8/,
    );
    for (const buffer of [a, b, small]) buffer.destroy();
  });
});
