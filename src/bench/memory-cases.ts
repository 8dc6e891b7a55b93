/**
 * Peak GPU memory of a training step, ours beside TF.js WebGPU's, for the same model and batch.
 *
 * How each is measured (both count every GPU buffer made, from an empty start, until two steps have run):
 *   ours:  GpuContext counts the bytes of every buffer it creates and destroys, and keeps the highest total
 *          (peakBytes). The peak is reset to what is live before the step is built, so it counts the weights,
 *          the gradients, the optimizer state, the activations and every scratch buffer of TrainStep.create and of
 *          two steps; the context's small read-back staging pool (a few KiB here) is left out.
 *   TF.js: a fresh WebGPU backend on a fresh device of the same adapter, whose device's createBuffer and destroy
 *          are counted the same way (tfjs-peers.ts); its buffer manager pools freed buffers instead of destroying
 *          them, so what it holds is its high-water mark, and a fresh backend keeps earlier cases' pools out of it.
 * ratio = peer bytes / our bytes: above 1, ours needs less.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { Model } from '../nn/layers.ts';
import type { BenchRow } from './harness.ts';
import { fixedBatchTrainStep, runFixedBatchStep } from './train-cases.ts';

/** A step's peak GPU bytes and the wall time of the second (measured) step. */
export interface StepMemory {
  bytes: number;
  ms: number;
}

/** What a peer measures for the memory rows (TF.js WebGPU: tfjs-peers.ts). */
export interface StepMemoryPeer {
  name: string;
  stepMemory(model: Model, batch: number): Promise<StepMemory>;
}

export const STEP_MEMORY_CASE = 'train step memory';

/** Our peak bytes over building a TrainStep of `model` at `batch` and running two steps on a fixed batch. */
export async function ourStepMemory(ctx: GpuContext, model: Model, batch: number): Promise<StepMemory> {
  await ctx.sync();
  ctx.resetPeakBytes();
  const before = ctx.liveBytes;
  const step = await fixedBatchTrainStep(ctx, model, batch);
  try {
    let ms = 0;
    for (let n = 1; n <= 2; n++) {
      const t0 = performance.now();
      await runFixedBatchStep(ctx, step, n);
      ms = performance.now() - t0;
    }
    return { bytes: ctx.peakBytes - before, ms };
  } finally {
    step.destroy();
  }
}

const MIB = 1024 * 1024;
const round = (x: number) => Math.round(x * 1000) / 1000;

/** One row per (model, peer): peak MiB of a step, ours and the peer's; a model no peer measures gets ours alone. */
export async function stepMemoryRows(ctx: GpuContext, models: readonly Model[], peers: readonly StepMemoryPeer[], batch = 64): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const model of models) {
    const ours = await ourStepMemory(ctx, model, batch);
    const base: BenchRow = { name: STEP_MEMORY_CASE, shape: `${model.spec.name}, batch ${batch}`, unit: 'MiB', ours: round(ours.bytes / MIB), oursMs: round(ours.ms) };
    if (peers.length === 0) rows.push(base);
    for (const peer of peers) {
      const theirs = await peer.stepMemory(model, batch);
      rows.push({ ...base, peer: round(theirs.bytes / MIB), peerMs: round(theirs.ms), peerName: peer.name, ratio: round(theirs.bytes / ours.bytes) });
    }
  }
  return rows;
}
