/**
 * Winograd F(2x2, 3x3) or the direct implicit GEMM for a 3x3 conv's forward, input gradient and weight gradient?
 * Times, side by side in the same run, each Winograd plan (conv2d-winograd.ts: four dispatches, 16/36 of the
 * multiply-adds, two scratch buffers) against our direct one (conv2d.ts), on the 3x3 shapes of the reference models:
 * the two 3x3 bench shapes (cifar-ref's) and cifar-small's conv2 and conv3 at batch 64. The row's figure counts the
 * direct convolution's FLOPs for both, so GFLOP/s compare time for the same result. ratio = direct ms / Winograd ms:
 * above 1, Winograd would pay on this adapter.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planConv2dBackpropFilter, planConv2dBackpropInput, planConv2dForward } from '../gpu/kernels/conv2d.ts';
import { conv2dGeometry, type Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import { planConv2dBackpropFilterWinograd, planConv2dBackpropInputWinograd, planConv2dForwardWinograd } from '../gpu/kernels/conv2d-winograd.ts';
import { winogradUnsupported } from '../gpu/kernels/conv2d-winograd-contract.ts';
import { convFlops, describeConvShape, REFERENCE_CONV_SHAPES } from './conv-cases.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';
import { fixedBatchTrainStep, runFixedBatchStep } from './train-cases.ts';
import { architectureByName } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import type { TrainStep } from '../nn/train-step.ts';

export const WINOGRAD_ROW = 'conv forward, Winograd F(2x2, 3x3)';
export const WINOGRAD_INPUT_GRAD_ROW = 'conv input grad, Winograd F(2x2, 3x3)';
export const WINOGRAD_WEIGHT_GRAD_ROW = 'conv weight grad, Winograd F(2x2, 3x3)';
/** The rows timed on every shape of WINOGRAD_SHAPES. */
export const WINOGRAD_CONV_ROWS = [WINOGRAD_ROW, WINOGRAD_INPUT_GRAD_ROW, WINOGRAD_WEIGHT_GRAD_ROW];
export const WINOGRAD_STEP_ROW = 'train step, Winograd on';
/** The models whose training step is timed with Winograd on and off (both CIFAR models have 3x3 convs). */
export const WINOGRAD_STEP_MODELS = ['cifar-ref', 'cifar-small'];
export const winogradStepShape = (model: string) => `${model}, batch 64`;

const same3x3 = (batch: number, size: number, inC: number, outC: number): Conv2dShape => ({
  batch, inH: size, inW: size, inC, kH: 3, kW: 3, outC, strideH: 1, strideW: 1, padding: 'same',
});

/**
 * The 3x3 bench shapes, then the RGB input layer of both CIFAR models (32x32, 3 -> 32) and cifar-small's conv2
 * (16x16, 32 -> 64) and conv3 (8x8, 64 -> 128), at batch 64.
 */
export const WINOGRAD_SHAPES: Conv2dShape[] = [
  ...REFERENCE_CONV_SHAPES.filter((s) => winogradUnsupported(s) === null),
  same3x3(64, 32, 3, 32),
  same3x3(64, 16, 32, 64),
  same3x3(64, 8, 64, 128),
];

export async function compareWinogradToDirect(
  ctx: GpuContext,
  options: SelfComparisonOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const s of WINOGRAD_SHAPES) {
    for (const name of WINOGRAD_CONV_ROWS) {
      const shape = describeConvShape(s);
      if (options.filter && !options.filter(name, shape)) continue;
      const g = conv2dGeometry(s);
      const x = ctx.createBuffer('bench x', s.batch * s.inH * s.inW * s.inC * 4);
      const w = ctx.createBuffer('bench w', 9 * s.inC * s.outC * 4);
      const y = ctx.createBuffer('bench y', s.batch * g.outH * g.outW * s.outC * 4);
      let winograd: KernelCall[] = [];
      let direct: KernelCall[] = [];
      try {
        if (name === WINOGRAD_ROW) {
          winograd = await planConv2dForwardWinograd(ctx, { x, w, bias: null, y, shape: s });
          direct = await planConv2dForward(ctx, { x, w, bias: null, y, shape: s });
        } else if (name === WINOGRAD_INPUT_GRAD_ROW) {
          winograd = await planConv2dBackpropInputWinograd(ctx, { dy: y, w, dx: x, shape: s });
          direct = await planConv2dBackpropInput(ctx, { dy: y, w, dx: x, shape: s });
        } else {
          winograd = await planConv2dBackpropFilterWinograd(ctx, { x, dy: y, dw: w, shape: s });
          direct = await planConv2dBackpropFilter(ctx, { x, dy: y, dw: w, shape: s });
        }
        const other = { name: 'direct implicit GEMM (ours)', run: async () => { submitCalls(ctx, direct); await ctx.sync(); } };
        rows.push(await compareOursWithOurs(ctx, { name, shape, unit: 'GFLOP/s', work: convFlops(s) }, () => submitCalls(ctx, winograd), other, options));
      } finally {
        destroyCalls([...winograd, ...direct]);
        for (const b of [x, w, y]) b.destroy();
      }
    }
  }
  return rows;
}

/**
 * A whole training step (train-cases.ts) with Winograd where it pays against the same step with every conv direct
 * (ctx.winograd off while the second one is planned, as AOM_WINOGRAD=off does), side by side: what the means is
 * worth where it counts. ratio = direct ms / Winograd ms.
 */
export async function compareWinogradTrainStep(
  ctx: GpuContext,
  options: SelfComparisonOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of WINOGRAD_STEP_MODELS) {
    const shape = winogradStepShape(name);
    if (options.filter && !options.filter(WINOGRAD_STEP_ROW, shape)) continue;
    const model = initModel(architectureByName(name), 1);
    const before = ctx.winograd;
    let withWinograd: TrainStep | null = null;
    let direct: TrainStep | null = null;
    try {
      ctx.winograd = true;
      withWinograd = await fixedBatchTrainStep(ctx, model, 64);
      ctx.winograd = false;
      direct = await fixedBatchTrainStep(ctx, model, 64);
      ctx.winograd = before;
      let n = 0;
      let m = 0;
      const other = { name: 'AOM_WINOGRAD=off (ours)', run: () => runFixedBatchStep(ctx, direct!, ++m) };
      rows.push(await compareOursWithOurs(ctx, { name: WINOGRAD_STEP_ROW, shape, unit: 'images/s', work: 64 }, () => runFixedBatchStep(ctx, withWinograd!, ++n), other, options));
    } finally {
      ctx.winograd = before;
      withWinograd?.destroy();
      direct?.destroy();
    }
  }
  return rows;
}
