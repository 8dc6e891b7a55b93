import { describe, expect, it } from 'vitest';
import { describeForEachGemmVariant, expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { conv2dGeometry, type Conv2dShape } from '../../src/gpu/kernels/conv2d-contract.ts';
import { F2X2_3X3, F2X2_5X5, F4X4_3X3, F4X4_5X5, F6X6_3X3, winogradGeometry, winogradUnsupported, type WinogradTile } from '../../src/gpu/kernels/conv2d-winograd-contract.ts';
import {
  inputGradShape, planConv2dBackpropFilterWinograd, planConv2dBackpropInputWinograd, planConv2dForwardWinograd, planWinogradFilterGradTransform,
  planWinogradFilterTransform, planWinogradInputTransform, planWinogradOutputGradTransform, planWinogradOutputTransform, winogradInputGradPays,
  winogradWeightGradPays,
} from '../../src/gpu/kernels/conv2d-winograd.ts';
import { GemmMode, planGemm } from '../../src/gpu/kernels/gemm.ts';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dForward } from '../../src/reference/conv2d.ts';
import {
  flipFilterForInputGrad, winogradTransforms, winogradConv2dBackpropFilter, winogradConv2dForward, winogradFilterGradTransform, winogradFilterTransform,
  winogradInputTransform, winogradOutputGradTransform, winogradOutputTransform, winogradProducts, winogradWeightGradProducts,
} from '../../src/reference/winograd.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { winogradSetting } from '../../src/gpu/device.ts';
import { networkWinogradTile, winogradPays } from '../../src/gpu/kernels/conv2d-winograd.ts';

const device = useGpu();

// Awkward shapes: odd output sizes (the last row and column of tiles partly outside), 'valid' padding, a
// single input channel, an RGB input, output widths that are not multiples of 4 (no vec4 loads of B) or exceed one
// 64-column tile, more tiles than one 64-row tile, batch 1, an image whose 'valid' output is one pixel.
const shapes3: Array<[string, Conv2dShape]> = [
  ['same, odd sizes 13x11, 7 -> 33 channels', { batch: 1, inH: 13, inW: 11, inC: 7, kH: 3, kW: 3, outC: 33, strideH: 1, strideW: 1, padding: 'same' }],
  ['valid, 10x9, 1 -> 6 channels, batch 3', { batch: 3, inH: 10, inW: 9, inC: 1, kH: 3, kW: 3, outC: 6, strideH: 1, strideW: 1, padding: 'valid' }],
  ['same, 16x16, 3 -> 72 channels, batch 2', { batch: 2, inH: 16, inW: 16, inC: 3, kH: 3, kW: 3, outC: 72, strideH: 1, strideW: 1, padding: 'same' }],
  ['valid 3x3 image: one output pixel, 5 -> 4', { batch: 2, inH: 3, inW: 3, inC: 5, kH: 3, kW: 3, outC: 4, strideH: 1, strideW: 1, padding: 'valid' }],
  ['same, 8x5, 70 -> 8 (K past one 64-deep chunk of the GEMM)', { batch: 2, inH: 8, inW: 5, inC: 70, kH: 3, kW: 3, outC: 8, strideH: 1, strideW: 1, padding: 'same' }],
];
const shapes5: Array<[string, Conv2dShape]> = [
  ['same, odd sizes 13x11, 7 -> 33 channels', { batch: 1, inH: 13, inW: 11, inC: 7, kH: 5, kW: 5, outC: 33, strideH: 1, strideW: 1, padding: 'same' }],
  ['valid, 10x9, 1 -> 6 channels, batch 3', { batch: 3, inH: 10, inW: 9, inC: 1, kH: 5, kW: 5, outC: 6, strideH: 1, strideW: 1, padding: 'valid' }],
  ['valid 5x5 image: one output pixel, 5 -> 4', { batch: 2, inH: 5, inW: 5, inC: 5, kH: 5, kW: 5, outC: 4, strideH: 1, strideW: 1, padding: 'valid' }],
  ['same, 7x5, 70 -> 8 (K past one 64-deep chunk of the GEMM)', { batch: 2, inH: 7, inW: 5, inC: 70, kH: 5, kW: 5, outC: 8, strideH: 1, strideW: 1, padding: 'same' }],
];
// Every tile on the shapes of its window.
const cases: Array<[WinogradTile, Array<[string, Conv2dShape]>]> = [[F2X2_3X3, shapes3], [F4X4_3X3, shapes3], [F2X2_5X5, shapes5], [F6X6_3X3, shapes3], [F4X4_5X5, shapes5]];

// Tolerance: F(2x2, 3x3)'s factors are 1 and 1/2, so rounding comes from the float32 sums (36 terms in each
// transformed value and inC in each product) in another order than the float64 references: well inside 1e-4 of
// the output scale for inputs in [-1, 1]. The 6 x 6 tiles' factors reach 5, 8 and 1/24 and round more: measured
// (2026-12-02, these shapes, both GEMM variants) at most 7e-6 of the output scale, so the same 1e-4 holds them.
// The direct convolution is the stricter oracle of the whole forward.
const CLOSE = { rtol: 1e-4, atol: 1e-5 };

for (const [tile, shapes] of cases) describeForEachGemmVariant(`Winograd ${tile.name} conv2d GPU vs CPU reference`, device, (gpu) => {
  const close = CLOSE;
  const taps = tile.r * tile.r;

  for (const [name, s] of shapes) {
    it(`${name}: each stage, and the whole forward against the direct convolution`, async () => {
      const ctx = gpu();
      const g = winogradGeometry(s, tile);
      const out = conv2dGeometry(s);
      const x = randomArray(s.batch * s.inH * s.inW * s.inC, 11);
      const w = randomArray(taps * s.inC * s.outC, 12);
      const bias = randomArray(s.outC, 13);
      const uRef = winogradFilterTransform(w, s.inC, s.outC, tile);
      const vRef = winogradInputTransform(x, s, tile);
      const mRef = winogradProducts(vRef, uRef, g.tiles, s.inC, s.outC, g.frequencies);
      const yN = s.batch * out.outH * out.outW * s.outC;

      const bx = ctx.upload('x', x), bw = ctx.upload('w', w), bb = ctx.upload('bias', bias), bm = ctx.upload('M', mRef);
      const bu = ctx.createBuffer('U', uRef.length * 4), bv = ctx.createBuffer('V', vRef.length * 4), bmg = ctx.createBuffer('M gpu', mRef.length * 4);
      const by = ctx.createBuffer('y from M', yN * 4), byr = ctx.createBuffer('y whole', yN * 4), byn = ctx.createBuffer('y whole, no bias', yN * 4);
      // The products GEMM reads the reference V and U, so each stage is checked on its own inputs.
      const bvRef = ctx.upload('V ref', vRef), buRef = ctx.upload('U ref', uRef);
      const calls = [
        await planWinogradFilterTransform(ctx, { label: 'filter', src: bw, dst: bu, shape: s, tile }),
        await planWinogradInputTransform(ctx, { label: 'input', src: bx, dst: bv, shape: s, tile }),
        ...(await planGemm(ctx, { label: 'products', mode: GemmMode.stackedDenseForward, stack: g.frequencies, M: g.tiles, N: s.outC, K: s.inC, a: bvRef, b: buRef, c: bmg })),
        await planWinogradOutputTransform(ctx, { label: 'output', src: bm, dst: by, shape: s, tile, bias: bb }),
        ...(await planConv2dForwardWinograd(ctx, { x: bx, w: bw, bias: bb, y: byr, shape: s, tile, relu: true })),
        ...(await planConv2dForwardWinograd(ctx, { x: bx, w: bw, bias: null, y: byn, shape: s, tile })),
      ];
      submitCalls(ctx, calls);
      expectClose(await ctx.readFloat32(bu), uRef, close, `${name}: filter transform`);
      expectClose(await ctx.readFloat32(bv), vRef, close, `${name}: input transform`);
      expectClose(await ctx.readFloat32(bmg), mRef, close, `${name}: the ${g.frequencies} products (stacked GEMM)`);
      expectClose(await ctx.readFloat32(by), winogradOutputTransform(mRef, bias, s, false, tile), close, `${name}: output transform`);
      expectClose(await ctx.readFloat32(byr), conv2dForward(x, w, bias, s, true), close, `${name}: whole forward + ReLU vs direct`);
      expectClose(await ctx.readFloat32(byn), conv2dForward(x, w, null, s), close, `${name}: whole forward, no bias, vs direct`);
      destroyCalls(calls);
      for (const b of [bx, bw, bb, bm, bu, bv, bmg, by, byr, byn, bvRef, buRef]) b.destroy();
    });
  }

  // The input gradient: 'same' padding only (the shapes above that have it), against the direct reference.
  for (const [name, s] of shapes.filter(([, s]) => s.padding === 'same')) {
    it(`${name}: input gradient, and its turned filter's transform`, async () => {
      const ctx = gpu();
      const out = conv2dGeometry(s);
      const w = randomArray(taps * s.inC * s.outC, 31);
      const dy = randomArray(s.batch * out.outH * out.outW * s.outC, 32);
      const gradShape = inputGradShape(s);
      const bw = ctx.upload('w', w), bdy = ctx.upload('dy', dy);
      const bu = ctx.createBuffer('U of the turned filter', tile.n * tile.n * s.inC * s.outC * 4);
      const bdx = ctx.createBuffer('dx', s.batch * s.inH * s.inW * s.inC * 4);
      const calls = [
        await planWinogradFilterTransform(ctx, { label: 'turned filter', src: bw, dst: bu, shape: gradShape, tile, flip: true }),
        ...(await planConv2dBackpropInputWinograd(ctx, { dy: bdy, w: bw, dx: bdx, shape: s, tile })),
      ];
      submitCalls(ctx, calls);
      expectClose(await ctx.readFloat32(bu), winogradFilterTransform(flipFilterForInputGrad(w, s.inC, s.outC, tile.r), s.outC, s.inC, tile), close, `${name}: turned filter transform`);
      expectClose(await ctx.readFloat32(bdx), conv2dBackpropInput(dy, w, s), close, `${name}: input grad vs direct`);
      destroyCalls(calls);
      for (const b of [bw, bdy, bu, bdx]) b.destroy();
    });
  }

  // The weight gradient, every padding: each stage on the reference's inputs, and the whole gradient against the
  // direct one, with the products split over tiles as planned and forced unsplit and into 3 slices.
  for (const [name, s] of shapes) {
    it(`${name}: weight gradient, each stage and whole (planned, 1 and 3 K slices)`, async () => {
      const ctx = gpu();
      const g = winogradGeometry(s, tile);
      const out = conv2dGeometry(s);
      const x = randomArray(s.batch * s.inH * s.inW * s.inC, 41);
      const dy = randomArray(s.batch * out.outH * out.outW * s.outC, 42);
      const vRef = winogradInputTransform(x, s, tile);
      const zRef = winogradOutputGradTransform(dy, s, tile);
      const mRef = winogradWeightGradProducts(vRef, zRef, g.tiles, s.inC, s.outC, g.frequencies);
      const dwN = taps * s.inC * s.outC;
      const bx = ctx.upload('x', x), bdy = ctx.upload('dy', dy), bv = ctx.upload('V ref', vRef), bzRef = ctx.upload('Z ref', zRef), bmRef = ctx.upload("M' ref", mRef);
      const bz = ctx.createBuffer('Z', zRef.length * 4), bm = ctx.createBuffer("M'", mRef.length * 4), bdwStage = ctx.createBuffer('dw from ref M\'', dwN * 4);
      const whole = [undefined, 1, 3].map((splits) => ({ splits, dw: ctx.createBuffer(`dw, splits ${splits ?? 'planned'}`, dwN * 4) }));
      const calls = [
        await planWinogradOutputGradTransform(ctx, { label: 'dy transform', src: bdy, dst: bz, shape: s, tile }),
        ...(await planGemm(ctx, { label: 'products', mode: GemmMode.stackedDenseWeightGrad, stack: g.frequencies, M: s.inC, N: s.outC, K: g.tiles, a: bv, b: bzRef, c: bm, splits: 2 })),
        await planWinogradFilterGradTransform(ctx, { label: 'filter grad', src: bmRef, dst: bdwStage, shape: s, tile }),
      ];
      for (const { splits, dw } of whole) calls.push(...(await planConv2dBackpropFilterWinograd(ctx, { x: bx, dy: bdy, dw, shape: s, tile, splits })));
      submitCalls(ctx, calls);
      expectClose(await ctx.readFloat32(bz), zRef, close, `${name}: dy transform`);
      expectClose(await ctx.readFloat32(bm), mRef, close, `${name}: the ${g.frequencies} products over tiles (stacked, 2 K slices)`);
      expectClose(await ctx.readFloat32(bdwStage), winogradFilterGradTransform(mRef, s.inC, s.outC, tile), close, `${name}: filter grad transform`);
      const direct = conv2dBackpropFilter(x, dy, s);
      for (const { splits, dw } of whole) expectClose(await ctx.readFloat32(dw), direct, close, `${name}: whole weight grad (splits ${splits ?? 'planned'}) vs direct`);
      destroyCalls(calls);
      for (const b of [bx, bdy, bv, bzRef, bmRef, bz, bm, bdwStage, ...whole.map((w) => w.dw)]) b.destroy();
    });
  }
});

describe('Winograd CPU reference and contract', () => {
  for (const tile of [F2X2_3X3, F4X4_3X3, F2X2_5X5, F6X6_3X3, F4X4_5X5]) {
    it(`${tile.name}: the 1-D identity A^T ((G g) .* (B^T d)) = the correlation of d and g, exactly for small integers`, () => {
      const { AT, G, BT } = winogradTransforms(tile);
      const d = Array.from({ length: tile.n }, (_, i) => ((i * 7) % 5) - 2);
      const g = Array.from({ length: tile.r }, (_, j) => ((j * 3) % 4) - 1);
      const gg = G.map((row) => row.reduce((acc, v, j) => acc + v * g[j], 0));
      const bd = BT.map((row) => row.reduce((acc, v, j) => acc + v * d[j], 0));
      const y = AT.map((row) => row.reduce((acc, v, k) => acc + v * gg[k] * bd[k], 0));
      const direct = Array.from({ length: tile.m }, (_, i) => g.reduce((acc, v, j) => acc + d[i + j] * v, 0));
      y.forEach((v, i) => expect(v).toBeCloseTo(direct[i], 10));
    });

    it(`${tile.name}: the composed CPU stages equal the direct convolution`, () => {
      const r = tile.r;
      const s: Conv2dShape = { batch: 2, inH: 7 + r, inW: 6 + r, inC: 3, kH: r, kW: r, outC: 5, strideH: 1, strideW: 1, padding: 'same' };
      const close = CLOSE;
      const x = randomArray(2 * s.inH * s.inW * 3, 21), w = randomArray(r * r * 3 * 5, 22), bias = randomArray(5, 23);
      expectClose(winogradConv2dForward(x, w, bias, s, false, tile), conv2dForward(x, w, bias, s), close, 'composed reference');
      const dy = randomArray(2 * s.inH * s.inW * 5, 24);
      expectClose(winogradConv2dBackpropFilter(x, dy, s, tile), conv2dBackpropFilter(x, dy, s), close, 'composed weight-grad reference');
      const valid: Conv2dShape = { ...s, padding: 'valid' };
      const dyValid = randomArray(2 * (s.inH - r + 1) * (s.inW - r + 1) * 5, 25);
      expectClose(winogradConv2dBackpropFilter(x, dyValid, valid, tile), conv2dBackpropFilter(x, dyValid, valid), close, 'composed weight-grad reference, valid');
    });
  }

  it('refuses what it does not compute, saying why', async () => {
    const seven: Conv2dShape = { batch: 1, inH: 8, inW: 8, inC: 1, kH: 7, kW: 7, outC: 1, strideH: 1, strideW: 1, padding: 'same' };
    const strided: Conv2dShape = { ...seven, kH: 3, kW: 3, strideH: 2 };
    expect(winogradUnsupported(seven)).toMatch(/7x7 window/);
    expect(winogradUnsupported({ ...seven, kH: 3, kW: 5 })).toMatch(/3x5 window/);
    expect(winogradUnsupported(strided)).toMatch(/stride 2x1/);
    expect(winogradUnsupported({ ...strided, strideH: 1 })).toBeNull();
    expect(winogradUnsupported({ ...seven, kH: 5, kW: 5 })).toBeNull();
    expect(() => winogradGeometry(seven)).toThrow(/Winograd conv2d: a 7x7 window/);
    expect(() => winogradGeometry({ ...seven, kH: 5, kW: 5 }, F4X4_3X3)).toThrow(/F\(4x4, 3x3\) computes 3x3 windows, not 5x5/);
    // A 14x14 output in 4x4 tiles: 4 x 4 tiles, the last row and column half outside.
    expect(winogradGeometry({ ...strided, strideH: 1, inH: 14, inW: 14, batch: 3 }, F4X4_3X3)).toMatchObject({ tilesH: 4, tilesW: 4, tiles: 48, frequencies: 36 });
  });

  it('is taken where it was measured to pay: 3x3 (F(4x4, 3x3)) or 5x5 (F(4x4, 5x5)), stride 1, 16 or more input channels; AOM_WINOGRAD switches it', () => {
    const s: Conv2dShape = { batch: 64, inH: 16, inW: 16, inC: 32, kH: 3, kW: 3, outC: 64, strideH: 1, strideW: 1, padding: 'same' };
    const five: Conv2dShape = { ...s, kH: 5, kW: 5 };
    expect(winogradPays(s)).toBe(true);
    expect(winogradPays({ ...s, inC: 3 })).toBe(false);
    expect(winogradPays({ ...s, strideW: 2 })).toBe(false);
    expect(winogradPays(five)).toBe(true);
    expect(winogradPays({ ...five, inC: 1 })).toBe(false);
    expect(winogradPays({ ...s, kH: 7, kW: 7 })).toBe(false);
    expect(networkWinogradTile(s)).toBe(F4X4_3X3);
    expect(networkWinogradTile(five)).toBe(F4X4_5X5);
    // A 5x5 conv whose output is at most 2 x 2 is one F(2x2, 5x5) tile (36 products) against one of 64; 3 x 3 not.
    expect(networkWinogradTile({ ...five, inH: 2, inW: 2 })).toBe(F2X2_5X5);
    expect(networkWinogradTile({ ...five, inH: 3, inW: 3 })).toBe(F4X4_5X5);
    // AOM_WINOGRAD=6x6: the rule before the 8 x 8 domain; small: the first rule, F(2x2, 3x3) for 3x3 and no 5x5.
    expect(networkWinogradTile(s, '6x6')).toBe(F4X4_3X3);
    expect(networkWinogradTile(five, '6x6')).toBe(F2X2_5X5);
    expect(networkWinogradTile(s, 'small')).toBe(F2X2_3X3);
    expect(networkWinogradTile(five, 'small')).toBeNull();
    expect(winogradPays(five, 'small')).toBe(false);
    // The input gradient reads the layer's output channels: 64 here, 3 -> 8 not.
    expect(winogradInputGradPays(s)).toBe(true);
    expect(winogradInputGradPays({ ...s, inC: 3 })).toBe(true);
    expect(winogradInputGradPays({ ...s, outC: 8 })).toBe(false);
    expect(winogradInputGradPays({ ...s, padding: 'valid' })).toBe(false);
    expect(winogradInputGradPays(five)).toBe(true);
    expect(() => inputGradShape({ ...s, padding: 'valid' })).toThrow(/'valid' padding/);
    // The weight gradient's products are inC x outC: both sides need 16 or more.
    expect(winogradWeightGradPays(s)).toBe(true);
    expect(winogradWeightGradPays({ ...s, padding: 'valid' })).toBe(true);
    expect(winogradWeightGradPays({ ...s, inC: 3 })).toBe(false);
    expect(winogradWeightGradPays({ ...s, outC: 8 })).toBe(false);
    expect(winogradWeightGradPays({ ...five, inC: 16, outC: 32 })).toBe(true);
    expect([undefined, '', 'on', '1', ' OFF ', '0', 'Small', '6X6'].map(winogradSetting)).toEqual(['on', 'on', 'on', 'on', 'off', 'off', 'small', '6x6']);
    expect(() => winogradSetting('fast')).toThrow(/AOM_WINOGRAD: unknown value 'fast'; use on, 6x6, small or off/);
  });
});
