import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { planAdd, planAxpy, planCopy, planScale } from '../../src/gpu/kernels/elementwise.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { add, axpy, copy, scale } from '../../src/reference/elementwise.ts';

const gpu = useGpu();

const f32 = (values: ArrayLike<number>) => Array.from(Float32Array.from(values));

describe('elementwise kernels', () => {
  for (const count of [1, 255, 1025, 70001]) {
    it(`scale, axpy, add and copy match the reference (${count} elements)`, async () => {
      const ctx = gpu();
      const xs = randomArray(count, count);
      const ys = randomArray(count, count + 1);
      const a = Math.fround(-0.3);
      const x = ctx.upload('x', xs);
      const scaled = ctx.upload('scaled', xs);
      const axpyOut = ctx.upload('axpy y', ys);
      const addOut = ctx.upload('add y', ys);
      const copied = ctx.createBuffer('copy y', count * 4);
      const calls = [
        await planScale(ctx, { x: scaled, count, a }),
        await planAxpy(ctx, { x, y: axpyOut, count, a }),
        await planAdd(ctx, { x, y: addOut, count }),
        await planCopy(ctx, { x, y: copied, count }),
      ];
      submitCalls(ctx, calls, 'elementwise test');
      // One float32 multiply or add is correctly rounded (Vulkan requires it), and the float64 reference rounded
      // once to float32 gives the same value: exact. Copy is exact by definition.
      expect(Array.from(await ctx.readFloat32(scaled))).toEqual(f32(scale(xs, a)));
      expect(Array.from(await ctx.readFloat32(addOut))).toEqual(f32(add(xs, ys)));
      expect(Array.from(await ctx.readFloat32(copied))).toEqual(f32(copy(xs)));
      // axpy rounds twice (a * x, then + y) unless the compiler fuses them into one fma: within 1 ulp of the
      // operands' magnitude (|x|, |y| < 1 here), so 2^-23 absolute.
      expectClose(await ctx.readFloat32(axpyOut), axpy(a, xs, ys), { rtol: 0, atol: 2 ** -23 }, 'axpy');
      destroyCalls(calls);
      for (const b of [x, scaled, axpyOut, addOut, copied]) b.destroy();
    });
  }

  it('accumulates repeated adds into the same gradient buffer', async () => {
    const ctx = gpu();
    const count = 100;
    const g = ctx.upload('g', new Float32Array(count).fill(0.5));
    const acc = ctx.upload('acc', new Float32Array(count));
    const call = await planAdd(ctx, { x: g, y: acc, count });
    submitCalls(ctx, [call, call, call]);
    expect(Array.from(await ctx.readFloat32(acc))).toEqual(new Array(count).fill(1.5));
    destroyCalls([call]);
    g.destroy();
    acc.destroy();
  });
});
