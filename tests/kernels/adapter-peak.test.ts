import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { fmaLoop } from '../../src/reference/adapter-peak.ts';
import { fmaLoopFlops, planCopyLoop, planFmaLoop } from '../../src/gpu/kernels/adapter-peak.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';

const gpu = useGpu();

describe('adapter peak kernels vs CPU reference', () => {
  // Tolerance: WGSL lets fma() be a multiply and an add (two roundings: lavapipe's is), while the reference
  // rounds once per step, so each of the 37 steps may differ by up to an ulp (2^-24 relative), and a multiplier
  // just below 1 keeps earlier errors: at most ~37 ulp = 2.2e-6 of the value, plus the final 16-term sum's.
  // Measured here: 1.2e-6. Bound: 5e-6 of the largest value.
  it('fma loop: 1000 threads (not a multiple of the 64-thread workgroup), 37 iterations', async () => {
    const ctx = gpu();
    const threads = 1000, iterations = 37, multiplier = 0.999, addend = 0.0125;
    const out = ctx.createBuffer('fma out', threads * 4);
    const call = await planFmaLoop(ctx, { out, threads, iterations, multiplier, addend });
    submitCalls(ctx, [call]);
    expectClose(await ctx.readFloat32(out), fmaLoop(threads, iterations, multiplier, addend), { rtol: 5e-6 }, 'fma loop');
    expect(fmaLoopFlops(threads, iterations)).toBe(threads * iterations * 16 * 2);
    destroyCalls([call]);
    out.destroy();
  });

  it('fma loop with zero iterations writes the starting sums', async () => {
    const ctx = gpu();
    const out = ctx.createBuffer('fma out', 70 * 4);
    const call = await planFmaLoop(ctx, { out, threads: 70, iterations: 0, multiplier: 2, addend: 1 });
    submitCalls(ctx, [call]);
    expectClose(await ctx.readFloat32(out), fmaLoop(70, 0, 2, 1), { rtol: 1e-7 }, 'fma loop, 0 iterations');
    destroyCalls([call]);
    out.destroy();
  });

  it('copy: exact, 1001 vec4s, nothing past the count touched', async () => {
    const ctx = gpu();
    const data = randomArray(1001 * 4, 3);
    const src = ctx.upload('copy src', data);
    const dst = ctx.upload('copy dst', new Float32Array(1002 * 4).fill(7));
    const call = await planCopyLoop(ctx, { src, dst, vec4s: 1001 });
    submitCalls(ctx, [call]);
    const got = await ctx.readFloat32(dst);
    expect(Array.from(got.subarray(0, 1001 * 4))).toEqual(Array.from(data));
    expect(Array.from(got.subarray(1001 * 4))).toEqual([7, 7, 7, 7]);
    expect(() => planCopyLoop(ctx, { src, dst: src, vec4s: 10 })).toThrow(/same buffer/);
    destroyCalls([call]);
    src.destroy();
    dst.destroy();
  });
});
