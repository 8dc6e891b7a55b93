import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { conv2dGeometry, type Conv2dShape } from '../../src/gpu/kernels/conv2d-contract.ts';
import { conv2dBackpropFilter, conv2dBiasGrad, conv2dForward } from '../../src/reference/conv2d.ts';
import {
  directConvFits, directConvPays, pixelLanesFit, planConv2dBackpropFilterDirect, planConv2dForwardDirect, type DirectForwardLanes,
} from '../../src/gpu/kernels/conv2d-direct.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';

const device = useGpu();

// Awkward shapes for the sliding window: 'same' and 'valid', even kernels (asymmetric padding), strides along x
// below, equal to and above the kernel's width (the window shifts, or is loaded whole), output channels that are
// not a multiple of the 8 lanes or that need two column tiles, one-pixel outputs, batch 1.
const shapes: Array<[string, Conv2dShape]> = [
  ['5x5 same, 1 -> 16 (mnist-ref conv1)', { batch: 3, inH: 28, inW: 28, inC: 1, kH: 5, kW: 5, outC: 16, strideH: 1, strideW: 1, padding: 'same' }],
  ['3x3 same, 3 -> 32 (cifar-ref conv1)', { batch: 2, inH: 32, inW: 32, inC: 3, kH: 3, kW: 3, outC: 32, strideH: 1, strideW: 1, padding: 'same' }],
  ['3x3 same, 3 -> 45 (two column tiles, ragged)', { batch: 2, inH: 9, inW: 13, inC: 3, kH: 3, kW: 3, outC: 45, strideH: 1, strideW: 1, padding: 'same' }],
  ['7x7 valid, stride 2, 1 -> 5', { batch: 2, inH: 19, inW: 17, inC: 1, kH: 7, kW: 7, outC: 5, strideH: 2, strideW: 2, padding: 'valid' }],
  ['4x2 same, stride 1x2 (window loaded whole), 4 -> 3', { batch: 2, inH: 10, inW: 9, inC: 4, kH: 4, kW: 2, outC: 3, strideH: 1, strideW: 2, padding: 'same' }],
  ['2x3 same, stride 2x3, 2 -> 9', { batch: 1, inH: 7, inW: 11, inC: 2, kH: 2, kW: 3, outC: 9, strideH: 2, strideW: 3, padding: 'same' }],
  ['5x5 valid to one pixel, 1 -> 17', { batch: 4, inH: 5, inW: 5, inC: 1, kH: 5, kW: 5, outC: 17, strideH: 1, strideW: 1, padding: 'valid' }],
  ['1x1, 3 -> 8', { batch: 2, inH: 6, inW: 7, inC: 3, kH: 1, kW: 1, outC: 8, strideH: 1, strideW: 1, padding: 'valid' }],
  ['4x2 same, stride 2x1, 4 -> 8 (32 taps: the most for lanes along pixels)', { batch: 2, inH: 9, inW: 10, inC: 4, kH: 4, kW: 2, outC: 8, strideH: 2, strideW: 1, padding: 'same' }],
  ['3x5 valid, stride 1x3 (two columns kept), 2 -> 12', { batch: 3, inH: 8, inW: 17, inC: 2, kH: 3, kW: 5, outC: 12, strideH: 1, strideW: 3, padding: 'valid' }],
];

// Tolerances as tests/kernels/conv2d.test.ts: float32 sums of K = kH*kW*C (forward) or batch*positions (weight
// gradient) terms in another order than the float64 reference.
const FORWARD = { rtol: 2e-5, atol: 1e-6 };
const GRAD = { rtol: 3e-5, atol: 1e-5 };

describe('conv2d direct (few input channels) GPU vs CPU reference', () => {
  for (const [name, s] of shapes) {
    it(name, async () => {
      const ctx = device();
      expect(directConvFits(s)).toBe(true);
      const g = conv2dGeometry(s);
      const xN = s.batch * s.inH * s.inW * s.inC;
      const wN = s.kH * s.kW * s.inC * s.outC;
      const yN = s.batch * g.outH * g.outW * s.outC;
      const x = randomArray(xN, 11), w = randomArray(wN, 12), bias = randomArray(s.outC, 13), dy = randomArray(yN, 14);
      const bx = ctx.upload('x', x), bw = ctx.upload('w', w), bb = ctx.upload('b', bias), bdy = ctx.upload('dy', dy);
      const by = ctx.createBuffer('y', yN * 4), byr = ctx.createBuffer('y relu', yN * 4), byn = ctx.createBuffer('y no bias', yN * 4);
      const bdw = ctx.createBuffer('dw', wN * 4), bdb = ctx.createBuffer('db', s.outC * 4), bdw2 = ctx.createBuffer('dw, 5 slices', wN * 4);
      const grads = [
        ...(await planConv2dBackpropFilterDirect(ctx, { x: bx, dy: bdy, dw: bdw, db: bdb, shape: s })),
        ...(await planConv2dBackpropFilterDirect(ctx, { x: bx, dy: bdy, dw: bdw2, shape: s, splits: 5 })),
      ];
      // The forward both ways where lanes along pixels fit (the default there), else along channels only.
      const ways: DirectForwardLanes[] = pixelLanesFit(s) ? ['channels', 'pixels'] : ['channels'];
      for (const lanes of ways) {
        const forwards = [
          await planConv2dForwardDirect(ctx, { x: bx, w: bw, bias: bb, y: by, shape: s, lanes }),
          await planConv2dForwardDirect(ctx, { x: bx, w: bw, bias: bb, y: byr, shape: s, relu: true, lanes }),
          await planConv2dForwardDirect(ctx, { x: bx, w: bw, bias: null, y: byn, shape: s, lanes }),
        ];
        submitCalls(ctx, forwards);
        expectClose(await ctx.readFloat32(by), conv2dForward(x, w, bias, s), FORWARD, `${name}: forward (lanes along ${lanes})`);
        expectClose(await ctx.readFloat32(byr), conv2dForward(x, w, bias, s, true), FORWARD, `${name}: forward+relu (lanes along ${lanes})`);
        expectClose(await ctx.readFloat32(byn), conv2dForward(x, w, new Float32Array(s.outC), s), FORWARD, `${name}: forward, no bias (lanes along ${lanes})`);
        destroyCalls(forwards);
      }
      submitCalls(ctx, grads);
      const dwRef = conv2dBackpropFilter(x, dy, s);
      expectClose(await ctx.readFloat32(bdw), dwRef, GRAD, `${name}: weight grad`);
      expectClose(await ctx.readFloat32(bdb), conv2dBiasGrad(dy, s.outC), GRAD, `${name}: bias grad`);
      expectClose(await ctx.readFloat32(bdw2), dwRef, GRAD, `${name}: weight grad, 5 slices`);
      destroyCalls(grads);
      for (const b of [bx, bw, bb, bdy, by, byr, byn, bdw, bdb, bdw2]) b.destroy();
    });
  }

  it('masks dy by the ReLU output it is given (the backward of the layer\'s ReLU folded into its weight gradient)', async () => {
    const ctx = device();
    const s: Conv2dShape = { batch: 2, inH: 11, inW: 10, inC: 3, kH: 3, kW: 3, outC: 20, strideH: 1, strideW: 1, padding: 'same' };
    const g = conv2dGeometry(s);
    const yN = s.batch * g.outH * g.outW * s.outC;
    const x = randomArray(s.batch * s.inH * s.inW * s.inC, 21), dy = randomArray(yN, 22);
    // A ReLU output: zero where the pre-activation was negative (about half).
    const y = randomArray(yN, 23).map((v) => Math.max(0, v));
    const masked = dy.map((v, i) => (y[i] > 0 ? v : 0));
    const bx = ctx.upload('x', x), bdy = ctx.upload('dy', dy), by = ctx.upload('y', y);
    const bdw = ctx.createBuffer('dw', s.kH * s.kW * s.inC * s.outC * 4), bdb = ctx.createBuffer('db', s.outC * 4);
    const calls = await planConv2dBackpropFilterDirect(ctx, { x: bx, dy: bdy, dw: bdw, db: bdb, shape: s, reluOutput: by });
    submitCalls(ctx, calls);
    expectClose(await ctx.readFloat32(bdw), conv2dBackpropFilter(x, masked, s), GRAD, 'weight grad through the ReLU');
    expectClose(await ctx.readFloat32(bdb), conv2dBiasGrad(masked, s.outC), GRAD, 'bias grad through the ReLU');
    destroyCalls(calls);
    for (const b of [bx, bdy, by, bdw, bdb]) b.destroy();
  });

  it('refuses lanes along pixels where a pixel\'s channels or taps do not fit them, naming the layer', async () => {
    const ctx = device();
    const s: Conv2dShape = { batch: 1, inH: 8, inW: 8, inC: 1, kH: 3, kW: 3, outC: 6, strideH: 1, strideW: 1, padding: 'same' };
    const b = ctx.createBuffer('any', 4096);
    expect(pixelLanesFit(s)).toBe(false);
    await expect(planConv2dForwardDirect(ctx, { label: 'conv1 forward', x: b, w: b, bias: null, y: b, shape: s, lanes: 'pixels' })).rejects.toThrow(/conv1 forward: lanes along pixels need at most 32 output channels in fours/);
    b.destroy();
  });

  it('refuses a window that does not fit its registers, naming the layer', async () => {
    const ctx = device();
    const s: Conv2dShape = { batch: 1, inH: 8, inW: 8, inC: 8, kH: 3, kW: 3, outC: 8, strideH: 1, strideW: 1, padding: 'same' };
    expect(directConvFits(s)).toBe(false);
    expect(directConvPays(s)).toBe(false);
    const b = ctx.createBuffer('any', 4096);
    await expect(planConv2dForwardDirect(ctx, { label: 'conv9 forward', x: b, w: b, bias: null, y: b, shape: s })).rejects.toThrow(/conv9 forward: a 3x3 window over 8 channels does not fit/);
    b.destroy();
  });
});
