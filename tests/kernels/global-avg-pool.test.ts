import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { planGlobalAvgPoolBackward, planGlobalAvgPoolForward, type GlobalPoolShape } from '../../src/gpu/kernels/global-avg-pool.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from '../../src/reference/global-avg-pool.ts';

const gpu = useGpu();

const size = (shape: GlobalPoolShape) => shape.reduce((a, b) => a * b);

// Awkward shapes: batch 1, a 1x1 map (the mean is the value itself), 7x5, 32x32 (1,024 positions), channel counts
// 1, 3 and 37 (not multiples of anything), and 9 x 37 = 333 outputs: more than one workgroup of 256 threads, the
// last one partly idle.
const cases: GlobalPoolShape[] = [
  [1, 1, 1, 3],
  [1, 7, 5, 37],
  [3, 7, 5, 3],
  [2, 32, 32, 37],
  [1, 32, 32, 1],
  [9, 2, 3, 37],
];

describe('global average pool kernels', () => {
  for (const shape of cases) {
    it(`match the reference: ${shape.join('x')}`, async () => {
      const ctx = gpu();
      const [batch, , , c] = shape;
      const xs = randomArray(size(shape), 31);
      const dys = randomArray(batch * c, 32);
      const x = ctx.upload('x', xs);
      const y = ctx.createBuffer('y', batch * c * 4);
      const dy = ctx.upload('dy', dys);
      const dx = ctx.createBuffer('dx', size(shape) * 4);
      const calls = [await planGlobalAvgPoolForward(ctx, { x, y, xShape: shape }), await planGlobalAvgPoolBackward(ctx, { dy, dx, xShape: shape })];
      submitCalls(ctx, calls, 'global avgpool test');
      // Forward: a float32 running sum of P = h * w terms with |x| <= 1 rounds at every add, at most 2^-24 of a
      // partial sum <= P, so the sum errs by at most P^2 * 2^-24 and the mean by P * 2^-24 (6e-5 for P = 1,024); with
      // random signs the partial sums stay near sqrt(P) in size and their rounding errors partly cancel, so the mean
      // errs by a few 2^-24 (1e-7). 1e-5 absolute covers the worst case of the shapes up to 7x5 and the realistic
      // case of 32x32 with a wide margin, while a
      // missing or doubled term changes a mean by about 1 / P (1e-3 for 32x32), far above it.
      expectClose(await ctx.readFloat32(y), globalAvgPoolForward(xs, shape), { rtol: 0, atol: 1e-5 }, 'global avgpool y');
      // Backward is one division per element, dy / P: WGSL allows 2.5 ulp for f32 division, plus half an ulp of
      // rounding the float64 reference, so 3 ulp (2^-21.4) relative to the largest |dx|; 1e-6 (2^-19.9) leaves room.
      expectClose(await ctx.readFloat32(dx), globalAvgPoolBackward(dys, shape), { rtol: 1e-6, atol: 0 }, 'global avgpool dx');
      destroyCalls(calls);
      for (const b of [x, y, dy, dx]) b.destroy();
    });
  }

  it('refuses a buffer that is too small and an empty shape, naming the kernel', async () => {
    const ctx = gpu();
    const x = ctx.createBuffer('x', 4 * 12);
    const small = ctx.createBuffer('small', 4);
    expect(() => planGlobalAvgPoolForward(ctx, { x, y: small, xShape: [1, 2, 2, 3] })).toThrow(
      /global avgpool forward\(x -> small, 1x2x2x3\): y \(small\) has 4 bytes, needs 3 x 4 = 12/,
    );
    expect(() => planGlobalAvgPoolBackward(ctx, { dy: small, dx: x, xShape: [1, 0, 2, 3] })).toThrow(/height must be a positive integer, got 0/);
    for (const b of [x, small]) b.destroy();
  });
});
