import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { planDropoutBackward, planDropoutForward } from '../../src/gpu/kernels/dropout.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { dropoutBackward, dropoutForward, dropoutKeeps } from '../../src/reference/dropout.ts';
import { pcgHash } from '../../src/gpu/kernels/pcg-hash.ts';

const gpu = useGpu();

/** Indices whose element is kept, read from an output of nonzero inputs. */
function keptOf(values: Float32Array): boolean[] {
  return Array.from(values, (v) => v !== 0);
}

describe('dropout kernel', () => {
  // pcgHash(8083283) = 2^32 - 412, so with 1000 elements pcgHash(seed) + index wraps around 2^32 from element
  // 412 on: both sides must wrap alike (checked below, so the case cannot silently stop covering it).
  it('covers the wrap-around of pcgHash(seed) + index', () => {
    expect(pcgHash(8083283)).toBe(2 ** 32 - 412);
  });

  for (const [count, rate, seed] of [[1, 0.5, 0], [257, 0.1, 1], [1000, 0.5, 8083283], [70001, 0.25, 0xffffffff], [5000, 0, 7]] as const) {
    it(`draws the reference's mask bit for bit (${count} elements, rate ${rate}, seed ${seed})`, async () => {
      const ctx = gpu();
      // Inputs bounded away from 0, so a zero output means "dropped" and nothing else.
      const xs = randomArray(count, count).map((v) => (v >= 0 ? v + 0.5 : v - 0.5));
      const dys = randomArray(count, count + 1).map((v) => (v >= 0 ? v + 0.5 : v - 0.5));
      const x = ctx.upload('x', xs);
      const y = ctx.createBuffer('y', count * 4);
      const dy = ctx.upload('dy', dys);
      const dx = ctx.createBuffer('dx', count * 4);
      const forward = await planDropoutForward(ctx, { x, y, count, rate, seed });
      const backward = await planDropoutBackward(ctx, { dy, dx, count, rate, seed });
      submitCalls(ctx, [forward.call, backward.call], 'dropout test');
      const ys = await ctx.readFloat32(y);
      const dxs = await ctx.readFloat32(dx);
      const mask = Array.from({ length: count }, (_, i) => dropoutKeeps(seed, i, rate));
      expect(keptOf(ys)).toEqual(mask);
      expect(keptOf(dxs)).toEqual(mask);
      // Kept values: x * float32(1 / (1 - rate)) on the GPU, x / (1 - rate) in float64 in the reference: the
      // scale's rounding plus the product's, about 1 ulp of each value; 2^-22 relative to the largest covers it.
      expectClose(ys, dropoutForward(xs, rate, seed), { rtol: 2 ** -22 }, 'dropout y');
      expectClose(dxs, dropoutBackward(dys, rate, seed), { rtol: 2 ** -22 }, 'dropout dx');
      destroyCalls([forward.call, backward.call]);
      for (const b of [x, y, dy, dx]) b.destroy();
    });
  }

  it('setSeed changes the mask of a planned call to the new seed', async () => {
    const ctx = gpu();
    const count = 4096;
    const x = ctx.upload('ones', new Float32Array(count).fill(1));
    const y = ctx.createBuffer('y', count * 4);
    const kernel = await planDropoutForward(ctx, { x, y, count, rate: 0.5, seed: 1 });
    for (const seed of [2, 99, 0xffffffff]) {
      kernel.setSeed(ctx, seed);
      submitCalls(ctx, [kernel.call]);
      const mask = Array.from({ length: count }, (_, i) => dropoutKeeps(seed, i, 0.5));
      expect(keptOf(await ctx.readFloat32(y)), `seed ${seed}`).toEqual(mask);
    }
    expect(() => kernel.setSeed(ctx, -1)).toThrow(/seed must be a u32/);
    destroyCalls([kernel.call]);
    x.destroy();
    y.destroy();
  });
});
