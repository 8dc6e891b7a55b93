/**
 * What each conv algorithm (conv2d-fastest.ts) is worth where it counts: a whole training step (train-cases.ts)
 * with every algorithm allowed, as the network runs by default, against the same step planned with one of them
 * taken away or changed (the context's convChoices, as AOM_WINOGRAD and AOM_DIRECT_CONV set them), side by side in
 * the same run: Winograd on against off, its large tiles against F(2x2, 3x3) only, the 8 x 8 transform domain
 * against domains up to 6 x 6 (only mnist-ref's 5x5 conv2 takes it), the direct kernel for few
 * input channels against the implicit GEMM on the first layer, Winograd's products as gemm_stack_const_b.wgsl
 * against gemm.wgsl (lavapipe only). ratio = the other step's ms / the default one's.
 */
import type { GpuContext } from '../gpu/context.ts';
import { DEFAULT_CONV_CHOICES, type ConvChoices } from '../gpu/kernels/conv-choices.ts';
import { architectureByName } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import type { TrainStep } from '../nn/train-step.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';
import { fixedBatchTrainStep, runFixedBatchStep } from './train-cases.ts';

/** The models whose steps are compared (mnist-ref's conv2 is 5x5, the CIFAR models' 3x3; all have a 1- or 3-channel input). */
export const CONV_CHOICE_STEP_MODELS = ['mnist-ref', 'cifar-ref', 'cifar-small'];
export const convChoiceStepShape = (model: string) => `${model}, batch 64`;

/** The other way each step row is timed against: the same step planned with this setting of the context. */
const STEP_COMPARISONS = [
  { name: 'train step, Winograd on', otherName: 'AOM_WINOGRAD=off (ours)', other: { winograd: 'off' } },
  { name: 'train step, Winograd large tiles', otherName: 'AOM_WINOGRAD=small (ours)', other: { winograd: 'small' } },
  { name: 'train step, Winograd 8 x 8 domain', otherName: 'AOM_WINOGRAD=6x6 (ours)', other: { winograd: '6x6' } },
  { name: 'train step, direct conv for few channels', otherName: 'AOM_DIRECT_CONV=off (ours)', other: { directFewChannels: false } },
  { name: 'train step, Winograd products with B at constant addresses', otherName: 'AOM_WINOGRAD_PRODUCTS=gemm (ours)', other: { winogradProducts: 'gemm' } },
] as const satisfies ReadonlyArray<{ name: string; otherName: string; other: Partial<ConvChoices> }>;

export async function compareConvChoicesInTrainStep(
  ctx: GpuContext,
  options: SelfComparisonOptions = {},
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const comparison of STEP_COMPARISONS) {
    for (const name of CONV_CHOICE_STEP_MODELS) {
      const shape = convChoiceStepShape(name);
      if (options.filter && !options.filter(comparison.name, shape)) continue;
      const model = initModel(architectureByName(name), 1);
      const before = ctx.convChoices;
      const restore = () => { ctx.convChoices = before; };
      let ours: TrainStep | null = null;
      let theirs: TrainStep | null = null;
      try {
        ctx.convChoices = { ...DEFAULT_CONV_CHOICES };
        ours = await fixedBatchTrainStep(ctx, model, 64);
        ctx.convChoices = { ...DEFAULT_CONV_CHOICES, ...comparison.other };
        theirs = await fixedBatchTrainStep(ctx, model, 64);
        restore();
        let n = 0;
        let m = 0;
        const other = { name: comparison.otherName, run: () => runFixedBatchStep(ctx, theirs!, ++m) };
        rows.push(await compareOursWithOurs(ctx, { name: comparison.name, shape, unit: 'images/s', work: 64 }, () => runFixedBatchStep(ctx, ours!, ++n), other, options));
      } finally {
        restore();
        ours?.destroy();
        theirs?.destroy();
      }
    }
  }
  return rows;
}

/** Every row's name and shape, for the bench's filter. */
export const CONV_CHOICE_STEP_ROWS = STEP_COMPARISONS.flatMap((c) => CONV_CHOICE_STEP_MODELS.map((m) => ({ name: c.name, shape: convChoiceStepShape(m) })));
