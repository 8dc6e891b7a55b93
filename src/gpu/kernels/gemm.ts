/**
 * The implicit-GEMM kernel family (shaders/gemm.wgsl): dense and conv2d forward, input gradient, weight gradient
 * and bias gradient, all as one tiled GEMM whose operand loaders read the layer's tensors in place. Long
 * reductions (weight and bias gradients sum over batch x positions) are split over K across workgroups and
 * summed by gemm_split_reduce.wgsl, so that small weight tensors still fill the GPU.
 */
import type { GpuContext } from '../context.ts';
import { ceilDiv, makeKernelCall, spreadWorkgroups, type KernelCall } from '../kernel-call.ts';
import { u32s } from '../uniforms.ts';

export const GemmMode = {
  denseForward: 0,
  denseInputGrad: 1,
  denseWeightGrad: 2,
  convForward: 3,
  convInputGrad: 4,
  convWeightGrad: 5,
  columnSums: 6,
} as const;
export type GemmMode = (typeof GemmMode)[keyof typeof GemmMode];

/** Convolution geometry as the shader's uniform expects it (zeros for dense modes). */
export interface GemmConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  outH: number;
  outW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

export interface GemmArgs {
  label: string;
  mode: GemmMode;
  M: number;
  N: number;
  K: number;
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  bias?: GPUBuffer | null;
  relu?: boolean;
  conv?: GemmConvGeometry;
  /** Force a split count (tests); by default chosen by chooseSplits. */
  splits?: number;
}

const TILE = 32;
const TK = 16;
const REDUCE_WG = 256;

/**
 * Number of K slices for a GEMM: enough workgroups to keep the GPU busy (~512) when the output has few tiles,
 * but never slices shorter than 256 (partials cost a write and a read of M x N each).
 */
export function chooseSplits(M: number, N: number, K: number): number {
  const tiles = ceilDiv(M, TILE) * ceilDiv(N, TILE);
  const wanted = ceilDiv(512, tiles);
  const most = Math.max(1, Math.floor(K / 256));
  return Math.max(1, Math.min(wanted, most, 64));
}

/** Plans one GEMM: one KernelCall, or two (partial GEMM + reduce) when split over K. */
export async function planGemm(ctx: GpuContext, args: GemmArgs): Promise<KernelCall[]> {
  const { M, N, K } = args;
  let splits = args.splits ?? (args.mode === GemmMode.denseWeightGrad || args.mode === GemmMode.convWeightGrad || args.mode === GemmMode.columnSums ? chooseSplits(M, N, K) : 1);
  const kPerSplit = ceilDiv(ceilDiv(K, splits), TK) * TK;
  splits = Math.max(1, ceilDiv(K, kPerSplit));
  const g = args.conv ?? { batch: 0, inH: 0, inW: 0, inC: 0, kH: 0, kW: 0, outC: 0, outH: 0, outW: 0, strideH: 1, strideW: 1, padTop: 0, padLeft: 0 };
  const uniforms = u32s(M, N, K, kPerSplit, g.batch, g.inH, g.inW, g.inC, g.kH, g.kW, g.outC, g.outH, g.outW, g.strideH, g.strideW, g.padTop, g.padLeft);
  const split = splits > 1;
  const scratch = split ? ctx.createBuffer(`${args.label} split-K partials`, splits * M * N * 4) : null;
  // A bias binding is always present in the layout; a 4-byte dummy stands in when there is none.
  const bias = args.bias ?? ctx.createBuffer(`${args.label} no-bias`, 4);
  const gemm = await makeKernelCall(ctx, {
    label: args.label,
    file: 'gemm.wgsl',
    constants: { MODE: args.mode, HAS_BIAS: args.bias ? 1 : 0, RELU: args.relu ? 1 : 0, SPLIT: split ? 1 : 0 },
    uniforms,
    buffers: [args.a, args.b, bias, scratch ?? args.c],
    workgroups: [ceilDiv(N, TILE), ceilDiv(M, TILE), splits],
  });
  if (!args.bias) gemm.owned.push(bias);
  if (!scratch) return [gemm];
  gemm.owned.push(scratch);
  const reduce = await makeKernelCall(ctx, {
    label: `${args.label} split-K reduce`,
    file: 'gemm_split_reduce.wgsl',
    constants: { WG: REDUCE_WG },
    uniforms: u32s(M * N, splits),
    buffers: [scratch, args.c],
    workgroups: spreadWorkgroups(ceilDiv(M * N, REDUCE_WG), ctx.limits.maxComputeWorkgroupsPerDimension),
  });
  return [gemm, reduce];
}
