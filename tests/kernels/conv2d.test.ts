import { it } from 'vitest';
import { describeForEachGemmVariant, expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { conv2dGeometry, type Conv2dShape } from '../../src/gpu/kernels/conv2d-contract.ts';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dBiasGrad, conv2dForward } from '../../src/reference/conv2d.ts';
import { planBiasGrad, planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from '../../src/gpu/kernels/conv2d.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';

const device = useGpu();

// Awkward shapes: sizes that are not multiples of the 32x32 tile or the 16-deep K slice, batch 1, 1x1 and 7x7
// kernels, stride 2, 'valid' padding, even kernels (asymmetric 'same' padding), a single channel.
const shapes: Array<[string, Conv2dShape]> = [
  ['5x5 same, 1 -> 16 channels (mnist conv1)', { batch: 3, inH: 28, inW: 28, inC: 1, kH: 5, kW: 5, outC: 16, strideH: 1, strideW: 1, padding: 'same' }],
  ['3x3 same, batch 1, odd sizes', { batch: 1, inH: 13, inW: 11, inC: 7, kH: 3, kW: 3, outC: 33, strideH: 1, strideW: 1, padding: 'same' }],
  ['1x1, stride 1', { batch: 2, inH: 9, inW: 9, inC: 37, kH: 1, kW: 1, outC: 5, strideH: 1, strideW: 1, padding: 'valid' }],
  ['7x7 valid, stride 2', { batch: 2, inH: 19, inW: 17, inC: 3, kH: 7, kW: 7, outC: 9, strideH: 2, strideW: 2, padding: 'valid' }],
  ['3x3 same, stride 2', { batch: 3, inH: 15, inW: 16, inC: 4, kH: 3, kW: 3, outC: 6, strideH: 2, strideW: 2, padding: 'same' }],
  ['4x2 same (asymmetric padding), stride 1x2', { batch: 2, inH: 10, inW: 9, inC: 5, kH: 4, kW: 2, outC: 3, strideH: 1, strideW: 2, padding: 'same' }],
];

// Tolerance: each output is a sum of K = kH*kW*C products of values in [-1, 1]; float32 accumulation in a
// different order than the float64 reference errs by about K * 2^-24 * max|term|, far below 1e-5 of the
// output scale for K <= 1000. Weight gradients sum batch*positions (up to a few thousand) terms: 2e-5.
const FORWARD = { rtol: 2e-5, atol: 1e-6 };
const GRAD = { rtol: 3e-5, atol: 1e-5 };

// Every case runs with each kernel variant forced (gemm-variant.ts): the tiled one is correct on lavapipe too.
describeForEachGemmVariant('conv2d GPU vs CPU reference', device, (gpu) => {

  for (const [name, s] of shapes) {
    it(name, async () => {
      const ctx = gpu();
      const g = conv2dGeometry(s);
      const xN = s.batch * s.inH * s.inW * s.inC;
      const wN = s.kH * s.kW * s.inC * s.outC;
      const yN = s.batch * g.outH * g.outW * s.outC;
      const x = randomArray(xN, 1);
      const w = randomArray(wN, 2);
      const bias = randomArray(s.outC, 3);
      const dy = randomArray(yN, 4);
      const bx = ctx.upload('x', x), bw = ctx.upload('w', w), bb = ctx.upload('b', bias), bdy = ctx.upload('dy', dy);
      const by = ctx.createBuffer('y', yN * 4), byr = ctx.createBuffer('y relu', yN * 4);
      const bdx = ctx.createBuffer('dx', xN * 4), bdw = ctx.createBuffer('dw', wN * 4), bdb = ctx.createBuffer('db', s.outC * 4);
      const calls = [
        ...(await planConv2dForward(ctx, { x: bx, w: bw, bias: bb, y: by, shape: s })),
        ...(await planConv2dForward(ctx, { x: bx, w: bw, bias: bb, y: byr, shape: s, relu: true })),
        ...(await planConv2dBackpropInput(ctx, { dy: bdy, w: bw, dx: bdx, shape: s })),
        ...(await planConv2dBackpropFilter(ctx, { x: bx, dy: bdy, dw: bdw, shape: s, splits: 3 })),
        ...(await planBiasGrad(ctx, { dy: bdy, db: bdb, rows: yN / s.outC, channels: s.outC, splits: 2 })),
      ];
      submitCalls(ctx, calls);
      expectClose(await ctx.readFloat32(by), conv2dForward(x, w, bias, s), FORWARD, `${name}: forward`);
      expectClose(await ctx.readFloat32(byr), conv2dForward(x, w, bias, s, true), FORWARD, `${name}: forward+relu`);
      expectClose(await ctx.readFloat32(bdx), conv2dBackpropInput(dy, w, s), GRAD, `${name}: input grad`);
      expectClose(await ctx.readFloat32(bdw), conv2dBackpropFilter(x, dy, s), GRAD, `${name}: weight grad`);
      expectClose(await ctx.readFloat32(bdb), conv2dBiasGrad(dy, s.outC), GRAD, `${name}: bias grad`);
      destroyCalls(calls);
      for (const b of [bx, bw, bb, bdy, by, byr, bdx, bdw, bdb]) b.destroy();
    });
  }

  it('weight grad without an explicit split count matches too', async () => {
    const ctx = gpu();
    const s: Conv2dShape = { batch: 4, inH: 14, inW: 14, inC: 3, kH: 5, kW: 5, outC: 8, strideH: 1, strideW: 1, padding: 'same' };
    const g = conv2dGeometry(s);
    const x = randomArray(s.batch * s.inH * s.inW * s.inC, 5);
    const dy = randomArray(s.batch * g.outH * g.outW * s.outC, 6);
    const bx = ctx.upload('x', x), bdy = ctx.upload('dy', dy), bdw = ctx.createBuffer('dw', s.kH * s.kW * s.inC * s.outC * 4);
    const calls = await planConv2dBackpropFilter(ctx, { x: bx, dy: bdy, dw: bdw, shape: s });
    submitCalls(ctx, calls);
    expectClose(await ctx.readFloat32(bdw), conv2dBackpropFilter(x, dy, s), GRAD, 'auto-split weight grad');
    destroyCalls(calls);
  });
});
