/**
 * The counting pass: one inference pass over the analysis set that adds every batch's post-nonlinearity maps
 * of the chosen conv layers into integer counts kept on the GPU (aom_count), tallies the correct predictions
 * (the analysis set's accuracy, for the suggestions), and reads the counts back once at the end.
 */
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planAomCount } from '../gpu/kernels/aom-count.ts';
import type { InferenceRunner, InferenceRunOptions } from '../nn/inference-runner.ts';
import type { MapSource } from './map-source.ts';
import type { MapShape } from './maps.ts';

export interface LayerCounts {
  source: MapSource;
  shape: MapShape;
  /** u32 [K, C, H, W]. */
  counts: Uint32Array;
}

export interface OccurrenceResult {
  layers: LayerCounts[];
  /** u32 [C]: images of each class in the analysis set. */
  classCounts: Uint32Array;
  /** Images the model classified correctly. */
  correct: number;
}

/** The map shape of a source: [H, W, K] of the counted layer's output, C classes. */
export function mapShapeOf(runner: InferenceRunner, source: MapSource, classes: number): MapShape {
  const [height, width, kernels] = runner.network.summary.layers[source.sourceIndex].outputShape;
  if (kernels === undefined) throw new RangeError(`layer '${source.sourceLayer}' has no spatial output to count`);
  return { kernels, classes, height, width };
}

/**
 * Counts the maps of `sources` over `indices`; `options` carries the cancellation signal and the progress
 * callback (per batch, images done of the total).
 */
export async function countOccurrences(
  runner: InferenceRunner,
  sources: readonly MapSource[],
  classes: number,
  tau: number,
  indices: ArrayLike<number>,
  options: Pick<InferenceRunOptions, 'signal' | 'onProgress'> = {},
): Promise<OccurrenceResult> {
  const { ctx } = runner;
  const buffers: GPUBuffer[] = [];
  const calls: KernelCall[] = [];
  // Each layer's counting runs right after the layer that produces its map.
  const afterLayer = new Map<number, KernelCall[]>();
  try {
    const classCounts = ctx.createBuffer('analysis class counts', classes * 4);
    const totals = ctx.createBuffer('analysis correct total', 4);
    buffers.push(classCounts, totals);
    const layers: Array<{ source: MapSource; shape: MapShape; counts: GPUBuffer }> = [];
    for (const [i, source] of sources.entries()) {
      const shape = mapShapeOf(runner, source, classes);
      const counts = ctx.createBuffer(`${source.layer} occurrence counts`, shape.kernels * classes * shape.height * shape.width * 4);
      buffers.push(counts);
      const planned = await planAomCount(ctx, {
        act: runner.network.outputs[source.sourceIndex],
        labels: runner.labels,
        valid: runner.valid,
        counts,
        classCounts: i === 0 ? classCounts : null, // the class counts are the same for every layer: count once
        shape: { batch: runner.batchSize, ...shape },
        tau,
        layer: source.layer,
      });
      calls.push(...planned);
      afterLayer.set(source.sourceIndex, [...(afterLayer.get(source.sourceIndex) ?? []), ...planned]);
      layers.push({ source, shape, counts });
    }
    const tally = await runner.planCorrectTally(totals, 0);
    calls.push(tally);
    // New buffers are zero-filled by WebGPU, so the counts start at zero.
    await runner.run(indices, { ...options, afterLayer, afterLoss: [tally], label: 'occurrence counting' });
    return {
      layers: await Promise.all(layers.map(async (l) => ({ source: l.source, shape: l.shape, counts: await ctx.readUint32(l.counts) }))),
      classCounts: await ctx.readUint32(classCounts),
      correct: (await ctx.readUint32(totals))[0],
    };
  } finally {
    destroyCalls(calls);
    for (const b of buffers) b.destroy();
  }
}
