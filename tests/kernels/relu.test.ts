import { describe, expect, it } from 'vitest';
import { useGpu, randomArray } from '../helpers/gpu.ts';
import { planReluBackward, planReluForward } from '../../src/gpu/kernels/relu.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { reluBackward, reluForward } from '../../src/reference/relu.ts';

const gpu = useGpu();

describe('relu kernels', () => {
  // Both directions only select between an input and 0, so the GPU must match the reference exactly.
  for (const count of [1, 255, 257, 1000, 70001]) {
    it(`match the reference exactly for ${count} elements`, async () => {
      const ctx = gpu();
      const xs = randomArray(count, count);
      xs[0] = 0; // the kink itself: y = 0, and the backward mask is off
      const dys = randomArray(count, count + 1);
      const x = ctx.upload('x', xs);
      const y = ctx.createBuffer('y', count * 4);
      const dy = ctx.upload('dy', dys);
      const dx = ctx.createBuffer('dx', count * 4);
      const calls = [await planReluForward(ctx, { x, y, count }), await planReluBackward(ctx, { dy, y, dx, count })];
      submitCalls(ctx, calls, 'relu test');
      const yRef = reluForward(xs);
      expect(Array.from(await ctx.readFloat32(y))).toEqual(Array.from(Float32Array.from(yRef)));
      expect(Array.from(await ctx.readFloat32(dx))).toEqual(Array.from(Float32Array.from(reluBackward(dys, yRef))));
      destroyCalls(calls);
      for (const b of [x, y, dy, dx]) b.destroy();
    });
  }

  it('spreads a count beyond the per-dimension workgroup limit over two dimensions', async () => {
    const ctx = gpu();
    const count = 256 * ctx.limits.maxComputeWorkgroupsPerDimension + 300;
    const x = ctx.upload('big x', new Float32Array(count).fill(-1).fill(2, count - 5));
    const y = ctx.createBuffer('big y', count * 4);
    const call = await planReluForward(ctx, { x, y, count });
    expect(call.workgroups[1]).toBeGreaterThan(1);
    submitCalls(ctx, [call]);
    // The last elements live in the last workgroup row: they are reached only if the spread index math is right.
    expect(Array.from(await ctx.readFloat32(y, 6, count - 6))).toEqual([0, 2, 2, 2, 2, 2]);
    destroyCalls([call]);
    x.destroy();
    y.destroy();
  });

  it('refuses a short buffer and in-place use, naming the kernel', async () => {
    const ctx = gpu();
    const a = ctx.createBuffer('a', 40);
    const b = ctx.createBuffer('b', 40);
    expect(() => planReluForward(ctx, { x: a, y: b, count: 11 })).toThrow(/relu forward\(a -> b\): x \(a\) has 40 bytes, needs 11/);
    expect(() => planReluForward(ctx, { x: a, y: a, count: 10 })).toThrow(/x and y are the same buffer/);
    a.destroy();
    b.destroy();
  });
});
