import { it } from 'vitest';
import { describeForEachGemmVariant, expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { denseBackward, denseForward } from '../../src/reference/dense.ts';
import { planDenseBackpropFilter, planDenseBackpropInput, planDenseForward } from '../../src/gpu/kernels/dense.ts';
import { planBiasGrad } from '../../src/gpu/kernels/conv2d.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';

const device = useGpu();

// Tolerance: sums of up to ~1600 products of values in [-1, 1]; float32 accumulation error stays well below
// 3e-5 of the largest output.
const TOL = { rtol: 3e-5, atol: 1e-6 };

// Every case runs with each kernel variant forced (gemm-variant.ts): the tiled one is correct on lavapipe too.
describeForEachGemmVariant('dense GPU vs CPU reference', device, (gpu) => {
  const shapes: Array<[number, number, number]> = [
    [1, 1568, 128], // batch 1, mnist-ref dense1
    [7, 33, 10], // nothing a multiple of the tile
    [64, 128, 10],
    [300, 17, 3], // long batch: split-K weight grad
    [130, 70, 68], // several 64 x 64 tiles each way, ragged (the tiled variant's vec4 loads: 68 % 4 == 0)
  ];
  for (const [batch, inF, outF] of shapes) {
    it(`batch ${batch}, ${inF} -> ${outF}`, async () => {
      const ctx = gpu();
      const x = randomArray(batch * inF, 11), w = randomArray(inF * outF, 12), bias = randomArray(outF, 13), dy = randomArray(batch * outF, 14);
      const bx = ctx.upload('x', x), bw = ctx.upload('w', w), bb = ctx.upload('b', bias), bdy = ctx.upload('dy', dy);
      const by = ctx.createBuffer('y', batch * outF * 4), byr = ctx.createBuffer('y relu', batch * outF * 4);
      const bdx = ctx.createBuffer('dx', batch * inF * 4), bdw = ctx.createBuffer('dw', inF * outF * 4), bdb = ctx.createBuffer('db', outF * 4);
      const shape = { batch, inF, outF };
      const calls = [
        ...(await planDenseForward(ctx, { x: bx, w: bw, bias: bb, y: by, shape })),
        ...(await planDenseForward(ctx, { x: bx, w: bw, bias: bb, y: byr, shape, relu: true })),
        ...(await planDenseBackpropInput(ctx, { dy: bdy, w: bw, dx: bdx, shape })),
        ...(await planDenseBackpropFilter(ctx, { x: bx, dy: bdy, dw: bdw, shape })),
        ...(await planBiasGrad(ctx, { dy: bdy, db: bdb, rows: batch, channels: outF })),
      ];
      submitCalls(ctx, calls);
      const ref = denseBackward(x, w, dy, batch, inF, outF);
      expectClose(await ctx.readFloat32(by), denseForward(x, w, bias, batch, inF, outF), TOL, 'forward');
      expectClose(await ctx.readFloat32(byr), denseForward(x, w, bias, batch, inF, outF, 'relu'), TOL, 'forward+relu');
      expectClose(await ctx.readFloat32(bdx), ref.dx, TOL, 'input grad');
      expectClose(await ctx.readFloat32(bdw), ref.dw, TOL, 'weight grad');
      expectClose(await ctx.readFloat32(bdb), ref.db, TOL, 'bias grad');
      destroyCalls(calls);
    });
  }
});
