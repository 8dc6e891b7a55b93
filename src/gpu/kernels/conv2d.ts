/**
 * conv2d on the GPU: forward (bias and ReLU fused), input gradient, weight gradient and bias gradient, planned as
 * implicit GEMMs (see shaders/gemm.wgsl for the index math of each).
 */
import type { GpuContext } from '../context.ts';
import type { KernelCall } from '../kernel-call.ts';
import { conv2dGeometry, type Conv2dShape } from './conv2d-contract.ts';
import { GemmMode, planGemm, type GemmConvGeometry } from './gemm.ts';

export function gemmGeometry(s: Conv2dShape): GemmConvGeometry {
  const g = conv2dGeometry(s);
  return {
    batch: s.batch, inH: s.inH, inW: s.inW, inC: s.inC, kH: s.kH, kW: s.kW, outC: s.outC,
    outH: g.outH, outW: g.outW, strideH: s.strideH, strideW: s.strideW, padTop: g.padTop, padLeft: g.padLeft,
  };
}

/** y[batch, outH, outW, outC] = conv(x, w) + bias (ReLU if asked). */
export function planConv2dForward(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: Conv2dShape; relu?: boolean },
): Promise<KernelCall[]> {
  const g = gemmGeometry(args.shape);
  return planGemm(ctx, {
    label: args.label ?? 'conv2d forward',
    mode: GemmMode.convForward,
    M: g.batch * g.outH * g.outW,
    N: g.outC,
    K: g.kH * g.kW * g.inC,
    a: args.x, b: args.w, c: args.y, bias: args.bias, relu: args.relu, conv: g,
  });
}

/** dx[batch, inH, inW, inC] from dy and w. */
export function planConv2dBackpropInput(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer; shape: Conv2dShape },
): Promise<KernelCall[]> {
  const g = gemmGeometry(args.shape);
  return planGemm(ctx, {
    label: args.label ?? 'conv2d input grad',
    mode: GemmMode.convInputGrad,
    M: g.batch * g.inH * g.inW,
    N: g.inC,
    K: g.kH * g.kW * g.outC,
    a: args.dy, b: args.w, c: args.dx, conv: g,
  });
}

/** dw[kH, kW, inC, outC] from x and dy (split-K over batch x positions). */
export function planConv2dBackpropFilter(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; shape: Conv2dShape; splits?: number },
): Promise<KernelCall[]> {
  const g = gemmGeometry(args.shape);
  return planGemm(ctx, {
    label: args.label ?? 'conv2d weight grad',
    mode: GemmMode.convWeightGrad,
    M: g.kH * g.kW * g.inC,
    N: g.outC,
    K: g.batch * g.outH * g.outW,
    a: args.x, b: args.dy, c: args.dw, conv: g, splits: args.splits,
  });
}

/** db[channels] = column sums of dy viewed as [rows, channels] (conv: rows = batch*outH*outW; dense: batch). */
export function planBiasGrad(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; db: GPUBuffer; rows: number; channels: number; splits?: number },
): Promise<KernelCall[]> {
  return planGemm(ctx, {
    label: args.label ?? 'bias grad',
    mode: GemmMode.columnSums,
    M: 1,
    N: args.channels,
    K: args.rows,
    a: args.dy, b: args.dy, c: args.db, splits: args.splits,
  });
}
