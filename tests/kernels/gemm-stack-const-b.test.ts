import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { isLavapipe, planStackConstB, stackConstBMisfit } from '../../src/gpu/kernels/gemm-stack-const-b.ts';
import { planConv2dBackpropInputWinograd, planConv2dForwardWinograd } from '../../src/gpu/kernels/conv2d-winograd.ts';
import { F4X4_5X5, F6X6_3X3 } from '../../src/gpu/kernels/conv2d-winograd-contract.ts';
import { DEFAULT_CONV_CHOICES } from '../../src/gpu/kernels/conv-choices.ts';
import { winogradProducts } from '../../src/reference/winograd.ts';
import { conv2dBackpropInput, conv2dForward } from '../../src/reference/conv2d.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import type { Conv2dShape } from '../../src/gpu/kernels/conv2d-contract.ts';
import { winogradProductsSetting } from '../../src/gpu/device.ts';

const device = useGpu();

// Sums of at most 32 products of values in [-1, 1], in the same order as the reference but in float32.
const CLOSE = { rtol: 1e-5, atol: 1e-6 };

describe('gemm_stack_const_b GPU vs CPU reference (the stacked products with B at constant addresses)', () => {
  // Awkward shapes within its limits (K, N <= 32; K * N a multiple of 64 so each B starts on 256 bytes): rows not
  // a multiple of the 32 a workgroup covers (the clamped last rows), one row, K = 2, N = 6, both at the limit.
  const shapes: Array<{ M: number; K: number; N: number; stack: number }> = [
    { M: 37, K: 24, N: 8, stack: 5 },
    { M: 1, K: 2, N: 32, stack: 3 },
    { M: 100, K: 32, N: 6, stack: 16 },
    { M: 33, K: 16, N: 12, stack: 4 },
    { M: 259, K: 32, N: 32, stack: 2 },
  ];
  for (const { M, K, N, stack } of shapes) {
    it(`${stack} x ${M}x${N}x${K}`, async () => {
      const ctx = device();
      expect(stackConstBMisfit(ctx, { M, N, K })).toBeNull();
      const a = randomArray(stack * M * K, 21), b = randomArray(stack * K * N, 22);
      const ba = ctx.upload('A', a), bb = ctx.upload('B', b);
      // C starts as NaN: a value the kernel failed to write shows.
      const bc = ctx.upload('C', new Float32Array(stack * M * N).fill(Number.NaN));
      const call = await planStackConstB(ctx, { label: 'products', M, N, K, stack, a: ba, b: bb, c: bc });
      expect(call.moreBindGroups?.length).toBe(stack - 1);
      submitCalls(ctx, [call]);
      expectClose(await ctx.readFloat32(bc), winogradProducts(a, b, M, K, N, stack), CLOSE, `${stack} x ${M}x${N}x${K}`);
      destroyCalls([call]);
      for (const buffer of [ba, bb, bc]) buffer.destroy();
    });
  }

  it('says why a stack does not fit, and refuses to plan it', async () => {
    const ctx = device();
    expect(stackConstBMisfit(ctx, { M: 10, K: 33, N: 8 })).toMatch(/K = 33 and N = 8 must be at most 32 and 32/);
    expect(stackConstBMisfit(ctx, { M: 10, K: 8, N: 40 })).toMatch(/at most 32/);
    expect(stackConstBMisfit(ctx, { M: 10, K: 5, N: 7 })).toMatch(/each B of K x N = 5 x 7 floats must start on 256 bytes/);
    const a = ctx.createBuffer('A', 4 * 10 * 5 * 7), b = ctx.createBuffer('B', 4 * 4 * 5 * 7), c = ctx.createBuffer('C', 4 * 4 * 10 * 7);
    await expect(planStackConstB(ctx, { label: 'odd products', M: 10, K: 5, N: 7, stack: 4, a, b, c })).rejects.toThrow(/odd products: not a stack for gemm_stack_const_b.wgsl/);
    // A buffer too small for the stack is named.
    await expect(planStackConstB(ctx, { label: 'short products', M: 10, K: 8, N: 8, stack: 4, a, b, c })).rejects.toThrow(/short products: B \(B\) has 560 bytes, needs 256 x 4 = 1024/);
    for (const buffer of [a, b, c]) buffer.destroy();
  });
});

describe('Winograd forward with its products as gemm_stack_const_b and as gemm.wgsl', () => {
  // Channels whose products fit (8 x 24 and 16 x 32 floats per B), odd image sizes, both domains it serves.
  const shapes: Array<[string, Conv2dShape, typeof F6X6_3X3]> = [
    ['F(6x6, 3x3), same, 13x11, 8 -> 24', { batch: 2, inH: 13, inW: 11, inC: 8, kH: 3, kW: 3, outC: 24, strideH: 1, strideW: 1, padding: 'same' }, F6X6_3X3],
    ['F(4x4, 5x5), same, 14x14, 16 -> 32 (mnist-ref conv2)', { batch: 3, inH: 14, inW: 14, inC: 16, kH: 5, kW: 5, outC: 32, strideH: 1, strideW: 1, padding: 'same' }, F4X4_5X5],
  ];
  for (const [name, s, tile] of shapes) {
    it(`${name}: the same output either way, and the direct convolution's`, async () => {
      const ctx = device();
      const variant = ctx.gemmVariant;
      ctx.gemmVariant = 'lavapipe'; // the variant whose products it serves, whatever the adapter
      const x = randomArray(s.batch * s.inH * s.inW * s.inC, 31), w = randomArray(s.kH * s.kW * s.inC * s.outC, 32), bias = randomArray(s.outC, 33);
      const bx = ctx.upload('x', x), bw = ctx.upload('w', w), bb = ctx.upload('bias', bias);
      const yN = s.batch * s.inH * s.inW * s.outC;
      const outputs: Float32Array[] = [];
      const kernels: string[] = [];
      for (const winogradProducts of ['const-b', 'gemm'] as const) {
        ctx.convChoices = { ...DEFAULT_CONV_CHOICES, winogradProducts };
        const by = ctx.createBuffer(`y (${winogradProducts})`, yN * 4);
        const calls = await planConv2dForwardWinograd(ctx, { x: bx, w: bw, bias: bb, y: by, shape: s, tile, relu: true });
        kernels.push(calls.map((call) => call.pipeline.label).join(' '));
        submitCalls(ctx, calls);
        outputs.push(await ctx.readFloat32(by));
        destroyCalls(calls);
        by.destroy();
      }
      ctx.convChoices = { ...DEFAULT_CONV_CHOICES };
      ctx.gemmVariant = variant;
      // Taken on lavapipe only (the adapter it is shaped for), and never when the context says 'gemm'.
      if (isLavapipe(ctx)) expect(kernels[0]).toContain('gemm_stack_const_b.wgsl');
      else expect(kernels[0]).not.toContain('gemm_stack_const_b.wgsl');
      expect(kernels[1]).not.toContain('gemm_stack_const_b.wgsl');
      const direct = conv2dForward(x, w, bias, s, true);
      // Winograd's transforms round more than the products (see conv2d-winograd.test.ts).
      expectClose(outputs[0], direct, { rtol: 1e-4, atol: 1e-5 }, `${name}: const-b products vs direct`);
      expectClose(outputs[0], outputs[1], { rtol: 1e-5, atol: 1e-6 }, `${name}: const-b products vs gemm.wgsl's`);
      for (const buffer of [bx, bw, bb]) buffer.destroy();
    });
  }
});

describe('Winograd input gradient with its products as gemm_stack_const_b (the turned filter: K and N swap)', () => {
  const s: Conv2dShape = { batch: 2, inH: 14, inW: 13, inC: 16, kH: 5, kW: 5, outC: 32, strideH: 1, strideW: 1, padding: 'same' };
  it('F(4x4, 5x5), same, 14x13, 16 -> 32: dx against the direct reference', async () => {
    const ctx = device();
    const variant = ctx.gemmVariant;
    ctx.gemmVariant = 'lavapipe';
    const w = randomArray(s.kH * s.kW * s.inC * s.outC, 41), dy = randomArray(s.batch * s.inH * s.inW * s.outC, 42);
    const bw = ctx.upload('w', w), bdy = ctx.upload('dy', dy), bdx = ctx.createBuffer('dx', s.batch * s.inH * s.inW * s.inC * 4);
    ctx.convChoices = { ...DEFAULT_CONV_CHOICES, winogradProducts: 'const-b' };
    const calls = await planConv2dBackpropInputWinograd(ctx, { dy: bdy, w: bw, dx: bdx, shape: s, tile: F4X4_5X5 });
    ctx.convChoices = { ...DEFAULT_CONV_CHOICES };
    ctx.gemmVariant = variant;
    if (isLavapipe(ctx)) expect(calls.map((call) => call.pipeline.label).join(' ')).toContain('gemm_stack_const_b.wgsl');
    submitCalls(ctx, calls);
    expectClose(await ctx.readFloat32(bdx), conv2dBackpropInput(dy, w, s), { rtol: 1e-4, atol: 1e-5 }, 'input grad vs direct');
    destroyCalls(calls);
    for (const buffer of [bw, bdy, bdx]) buffer.destroy();
  });
});

describe('AOM_WINOGRAD_PRODUCTS', () => {
  it('reads const-b (the default) and gemm, and names what it allows otherwise', () => {
    expect(winogradProductsSetting(undefined)).toBe('const-b');
    expect(winogradProductsSetting(' GEMM ')).toBe('gemm');
    expect(() => winogradProductsSetting('fast')).toThrow(/AOM_WINOGRAD_PRODUCTS: unknown value 'fast'; use const-b or gemm/);
  });
});
