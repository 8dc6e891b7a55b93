/**
 * vec4 loads for the plain-matrix GEMMs on software adapters? Times, side by side in the same run, the
 * 'lavapipe-vec4' kernels (shaders/gemm_vec4.wgsl) against the scalar register tiles of 'lavapipe'
 * (shaders/gemm.wgsl) on the GEMMs of the reference models' training steps that the vec4 kernels take: Winograd's
 * stacked products (forward, input gradient, weight gradient) of mnist-ref's conv2 (F(2x2, 5x5), 16 -> 32, 14x14)
 * and of cifar-ref's conv2 and conv4 (F(4x4, 3x3): 32 -> 32 at 32x32, 64 -> 64 at 16x16), and the first dense
 * layer of each (forward, input gradient, weight gradient), batch 64; then the whole training step of both models
 * planned each way. ratio = the scalar kernels' ms / the vec4 kernels': above 1, vec4 pays on this adapter.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { GemmMode, planGemm } from '../gpu/kernels/gemm.ts';
import type { GemmVariant } from '../gpu/kernels/gemm-variant.ts';
import { architectureByName } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import type { TrainStep } from '../nn/train-step.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';
import { fixedBatchTrainStep, runFixedBatchStep } from './train-cases.ts';

export const GEMM_VEC4_ROW = 'gemm, vec4 loads';
export const GEMM_VEC4_STEP_ROW = 'train step, vec4 GEMMs';
export const GEMM_VEC4_STEP_MODELS = ['mnist-ref', 'cifar-ref'];

export interface GemmVec4Case {
  /** Where the GEMM comes from, e.g. 'mnist-ref conv2 forward products'. */
  what: string;
  mode: GemmMode;
  M: number;
  N: number;
  K: number;
  stack: number;
}

/** Winograd's three stacked products of a conv with `tiles` tiles of a 36-point transform, C -> O channels. */
function products(what: string, tiles: number, inC: number, outC: number): GemmVec4Case[] {
  return [
    { what: `${what} forward products`, mode: GemmMode.stackedDenseForward, M: tiles, N: outC, K: inC, stack: 36 },
    { what: `${what} input grad products`, mode: GemmMode.stackedDenseForward, M: tiles, N: inC, K: outC, stack: 36 },
    { what: `${what} weight grad products`, mode: GemmMode.stackedDenseWeightGrad, M: inC, N: outC, K: tiles, stack: 36 },
  ];
}

/** A dense layer's three GEMMs at batch 64 (dense.ts: forward M = batch, input grad M = batch, weight grad M = in). */
function dense(what: string, inF: number, outF: number): GemmVec4Case[] {
  return [
    { what: `${what} forward`, mode: GemmMode.denseForward, M: 64, N: outF, K: inF, stack: 1 },
    { what: `${what} input grad`, mode: GemmMode.denseInputGrad, M: 64, N: inF, K: outF, stack: 1 },
    { what: `${what} weight grad`, mode: GemmMode.denseWeightGrad, M: inF, N: outF, K: 64, stack: 1 },
  ];
}

export const GEMM_VEC4_CASES: GemmVec4Case[] = [
  // mnist-ref conv2: 14x14 output in 2x2 tiles = 7 x 7 per image, 64 images.
  ...products('mnist-ref conv2', 64 * 7 * 7, 16, 32),
  // cifar-ref conv2 (32x32, 4x4 tiles: 8 x 8 per image) and conv4 (16x16: 4 x 4 per image).
  ...products('cifar-ref conv2', 64 * 8 * 8, 32, 32),
  ...products('cifar-ref conv4', 64 * 4 * 4, 64, 64),
  ...dense('mnist-ref dense1', 1568, 128),
  ...dense('cifar-ref dense1', 4096, 256),
];

export const gemmVec4Shape = (c: GemmVec4Case) => `${c.what}: ${c.stack > 1 ? `${c.stack} x ` : ''}${c.M}x${c.N}x${c.K}`;

/** Operand sizes in floats: A, B and C of `stack` GEMMs. */
const sizes = (c: GemmVec4Case) => [c.stack * c.M * c.K, c.stack * c.K * c.N, c.stack * c.M * c.N];

/** Plans `c` with the context's kernels set to `variant` for the planning only. */
async function planWith(ctx: GpuContext, variant: GemmVariant, c: GemmVec4Case, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer): Promise<KernelCall[]> {
  const before = ctx.gemmVariant;
  ctx.gemmVariant = variant;
  try {
    return await planGemm(ctx, { label: `bench ${c.what}`, mode: c.mode, M: c.M, N: c.N, K: c.K, a, b, c: out, stack: c.stack });
  } finally {
    ctx.gemmVariant = before;
  }
}

export async function compareGemmVec4(ctx: GpuContext, options: SelfComparisonOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const c of GEMM_VEC4_CASES) {
    const shape = gemmVec4Shape(c);
    if (options.filter && !options.filter(GEMM_VEC4_ROW, shape)) continue;
    const [aSize, bSize, cSize] = sizes(c);
    const a = ctx.createBuffer('bench A', aSize * 4), b = ctx.createBuffer('bench B', bSize * 4), out = ctx.createBuffer('bench C', cSize * 4);
    let ours: KernelCall[] = [];
    let theirs: KernelCall[] = [];
    try {
      ours = await planWith(ctx, 'lavapipe-vec4', c, a, b, out);
      theirs = await planWith(ctx, 'lavapipe', c, a, b, out);
      const other = { name: 'scalar tiles, AOM_KERNELS=lavapipe (ours)', run: async () => { submitCalls(ctx, theirs); await ctx.sync(); } };
      const work = 2 * c.stack * c.M * c.N * c.K;
      rows.push(await compareOursWithOurs(ctx, { name: GEMM_VEC4_ROW, shape, unit: 'GFLOP/s', work }, () => submitCalls(ctx, ours), other, options));
    } finally {
      destroyCalls([...ours, ...theirs]);
      for (const buffer of [a, b, out]) buffer.destroy();
    }
  }
  for (const name of GEMM_VEC4_STEP_MODELS) {
    const shape = `${name}, batch 64`;
    if (options.filter && !options.filter(GEMM_VEC4_STEP_ROW, shape)) continue;
    const model = initModel(architectureByName(name), 1);
    const before = ctx.gemmVariant;
    let ours: TrainStep | null = null;
    let theirs: TrainStep | null = null;
    try {
      ctx.gemmVariant = 'lavapipe-vec4';
      ours = await fixedBatchTrainStep(ctx, model, 64);
      ctx.gemmVariant = 'lavapipe';
      theirs = await fixedBatchTrainStep(ctx, model, 64);
      ctx.gemmVariant = before;
      let n = 0;
      let m = 0;
      const other = { name: 'AOM_KERNELS=lavapipe (ours)', run: () => runFixedBatchStep(ctx, theirs!, ++m) };
      rows.push(await compareOursWithOurs(ctx, { name: GEMM_VEC4_STEP_ROW, shape, unit: 'images/s', work: 64 }, () => runFixedBatchStep(ctx, ours!, ++n), other, options));
    } finally {
      ctx.gemmVariant = before;
      ours?.destroy();
      theirs?.destroy();
    }
  }
  return rows;
}
