/** Dense layer on the GPU as GEMMs (shaders/gemm.wgsl modes 0-2): forward with fused bias/ReLU, and gradients. */
import type { GpuContext } from '../context.ts';
import type { KernelCall } from '../kernel-call.ts';
import { GemmMode, planGemm } from './gemm.ts';

export interface DenseShape {
  batch: number;
  inF: number;
  outF: number;
}

/** y[batch, outF] = x · w + bias (ReLU if asked). */
export function planDenseForward(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; w: GPUBuffer; bias: GPUBuffer | null; y: GPUBuffer; shape: DenseShape; relu?: boolean },
): Promise<KernelCall[]> {
  const { batch, inF, outF } = args.shape;
  return planGemm(ctx, { label: args.label ?? 'dense forward', mode: GemmMode.denseForward, M: batch, N: outF, K: inF, a: args.x, b: args.w, c: args.y, bias: args.bias, relu: args.relu });
}

/** dx[batch, inF] = dy · wᵀ. */
export function planDenseBackpropInput(
  ctx: GpuContext,
  args: { label?: string; dy: GPUBuffer; w: GPUBuffer; dx: GPUBuffer; shape: DenseShape },
): Promise<KernelCall[]> {
  const { batch, inF, outF } = args.shape;
  return planGemm(ctx, { label: args.label ?? 'dense input grad', mode: GemmMode.denseInputGrad, M: batch, N: inF, K: outF, a: args.dy, b: args.w, c: args.dx });
}

/** dw[inF, outF] = xᵀ · dy (split-K over the batch when it is long). */
export function planDenseBackpropFilter(
  ctx: GpuContext,
  args: { label?: string; x: GPUBuffer; dy: GPUBuffer; dw: GPUBuffer; shape: DenseShape; splits?: number },
): Promise<KernelCall[]> {
  const { batch, inF, outF } = args.shape;
  return planGemm(ctx, { label: args.label ?? 'dense weight grad', mode: GemmMode.denseWeightGrad, M: inF, N: outF, K: batch, a: args.x, b: args.dy, c: args.dw, splits: args.splits });
}
