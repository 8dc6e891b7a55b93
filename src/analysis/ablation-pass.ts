/**
 * Ablation of every kernel of one conv layer, on the GPU, over the analysis set: per batch, one command buffer
 * runs the forward up to the layer's map, saves the map, finishes the forward once unchanged (the baseline) and
 * then once per kernel k with channel k of the map zeroed (mask_main writes the masked copy where the layer's
 * consumers read it), tallying the correct predictions of each run into its own u32 slot. The K + 1 tallies
 * stay on the GPU and are read back once, after the last batch.
 */
import { destroyCalls, encodeCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planMaskChannel } from '../gpu/kernels/ablation.ts';
import type { InferenceRunner, InferenceRunOptions } from '../nn/inference-runner.ts';
import type { MapSource } from './map-source.ts';
import { mapShapeOf } from './occurrence-pass.ts';

export interface AblationResult {
  /** Correct predictions without ablation. */
  baselineCorrect: number;
  /** Correct predictions with kernel k's map zeroed. */
  correct: number[];
}

/** Ablates every kernel of `source`'s layer over `indices`; `options`: cancellation signal, progress per batch. */
export async function ablateLayer(
  runner: InferenceRunner,
  source: MapSource,
  indices: ArrayLike<number>,
  options: Pick<InferenceRunOptions, 'signal' | 'onProgress'> = {},
): Promise<AblationResult> {
  const { ctx, network } = runner;
  const { kernels, height, width } = mapShapeOf(runner, source, 1);
  const map = network.outputs[source.sourceIndex];
  const count = runner.batchSize * height * width * kernels;
  const buffers: GPUBuffer[] = [];
  const calls: KernelCall[] = [];
  try {
    const saved = ctx.createBuffer(`${source.layer} map saved for ablation`, count * 4);
    const totals = ctx.createBuffer(`${source.layer} ablation correct totals`, (kernels + 1) * 4);
    buffers.push(saved, totals);
    const head = runner.forwardCalls(0, source.sourceIndex);
    const tail = runner.forwardCalls(source.sourceIndex + 1);
    const baselineTally = await runner.planCorrectTally(totals, kernels);
    calls.push(baselineTally);
    const perKernel: KernelCall[][] = [];
    for (let k = 0; k < kernels; k++) {
      const mask = await planMaskChannel(ctx, { x: saved, y: map, count, channels: kernels, kernel: k });
      const tally = await runner.planCorrectTally(totals, k);
      calls.push(mask, tally);
      perKernel.push([mask, ...tail, runner.lossCall, tally]);
    }
    await runner.run(indices, {
      ...options,
      label: `${source.layer} ablation`,
      encode: (encoder) => {
        encodeCalls(encoder, [...runner.gather.calls, ...head], `${source.layer} ablation: forward to the map`);
        encoder.copyBufferToBuffer(map, 0, saved, 0, count * 4);
        encodeCalls(encoder, [...tail, runner.lossCall, baselineTally], `${source.layer} ablation: baseline`);
        for (const [k, run] of perKernel.entries()) encodeCalls(encoder, run, `${source.layer} ablation: kernel ${k}`);
      },
    });
    const tallies = await ctx.readUint32(totals, kernels + 1);
    return { baselineCorrect: tallies[kernels], correct: Array.from(tallies.subarray(0, kernels)) };
  } finally {
    destroyCalls(calls);
    for (const b of buffers) b.destroy();
  }
}
