/**
 * Training-step benchmark cases: one full step (forward, softmax cross-entropy, backward, Adam update of every
 * parameter, and the read-back of the step's loss) of a built-in architecture at batch 64, on a fixed random
 * batch written once (the dataset gather is left out: TF.js's trainOnBatch takes tensors already made). The
 * step is the trainer's own (src/nn/train-step.ts). FLOPs for the share of peak: 3x the forward's (forward,
 * input gradient and weight gradient of every conv and dense layer cost one forward each; the first layer's
 * input gradient, which nobody computes, is counted anyway: a conventional estimate, not a measurement).
 */
import type { GpuContext } from '../gpu/context.ts';
import { architectureByName } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { TrainStep, type StepOptimizer } from '../nn/train-step.ts';
import type { Model } from '../nn/layers.ts';
import type { BenchCase } from './harness.ts';

/** Adam without weight decay: what tf.train.adam does, so the peer's update is the same work. */
export const BENCH_OPTIMIZER: StepOptimizer = { optimizer: 'adam', lr: 1e-3, momentum: 0, weightDecay: 0 };

/** Our training step of `model` at `batch` on a fixed batch (inputs sin(i), labels i mod classes), written once. */
export async function fixedBatchTrainStep(ctx: GpuContext, model: Model, batch: number): Promise<TrainStep> {
  const s = await TrainStep.create(ctx, model, batch, BENCH_OPTIMIZER);
  const inputs = new Float32Array(batch * summarizeModel(model.spec).inputShape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i));
  ctx.write(s.network.input, inputs);
  ctx.write(s.labels, new Uint32Array(batch).map((_, i) => i % s.network.classCount));
  return s;
}

/** One step (the `n`-th, 1-based, for Adam's bias correction) in one submit, ending with the loss read back. */
export async function runFixedBatchStep(ctx: GpuContext, s: TrainStep, n: number): Promise<void> {
  s.setStep(BENCH_OPTIMIZER.lr, n);
  const encoder = ctx.device.createCommandEncoder({ label: 'bench train step' });
  s.encode(encoder, { accumulate: false });
  ctx.device.queue.submit([encoder.finish()]);
  await ctx.readFloat32(s.totals, 2); // the loss, as trainOnBatch returns it
}

export function trainStepCase(ctx: GpuContext, model: Model, batch = 64): BenchCase {
  let step: TrainStep | null = null;
  let n = 0;
  const summary = summarizeModel(model.spec);
  return {
    name: 'train step',
    shape: `${model.spec.name}, batch ${batch}`,
    unit: 'images/s',
    work: batch,
    flops: 3 * batch * summary.totalFlops,
    async run() {
      step ??= await fixedBatchTrainStep(ctx, model, batch);
      await runFixedBatchStep(ctx, step, ++n);
    },
    calls: () => step?.calls() ?? [],
    peerWork: { kind: 'train step', model, batch, optimizer: BENCH_OPTIMIZER },
    dispose() {
      step?.destroy();
      step = null;
    },
  };
}

/** The training-step cases of the built-in reference architectures (seeded He-uniform weights). */
export function trainStepCases(ctx: GpuContext, names = ['mnist-ref', 'cifar-ref']): BenchCase[] {
  return names.map((name) => trainStepCase(ctx, initModel(architectureByName(name), 1)));
}
