/**
 * The counting pass: one inference pass over the analysis set that adds every batch's post-nonlinearity maps
 * of the chosen conv layers into integer counts kept on the GPU (aom_count), tallies the correct predictions
 * (the analysis set's accuracy, for the suggestions), and reads the counts back once at the end.
 */
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planAomCount } from '../gpu/kernels/aom-count.ts';
import type { BatchDriver, BatchProgress } from './batch-driver.ts';
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
export function mapShapeOf(driver: BatchDriver, source: MapSource, classes: number): MapShape {
  const [height, width, kernels] = driver.network.summary.layers[source.sourceIndex].outputShape;
  if (kernels === undefined) throw new RangeError(`layer '${source.sourceLayer}' has no spatial output to count`);
  return { kernels, classes, height, width };
}

export async function countOccurrences(
  driver: BatchDriver,
  sources: readonly MapSource[],
  classes: number,
  tau: number,
  indices: ArrayLike<number>,
  onProgress?: BatchProgress,
): Promise<OccurrenceResult> {
  const { ctx } = driver;
  const buffers: GPUBuffer[] = [];
  const calls: KernelCall[] = [];
  try {
    const classCounts = ctx.createBuffer('analysis class counts', classes * 4);
    const totals = ctx.createBuffer('analysis correct total', 4);
    buffers.push(classCounts, totals);
    const layers: Array<{ source: MapSource; shape: MapShape; counts: GPUBuffer }> = [];
    for (const [i, source] of sources.entries()) {
      const shape = mapShapeOf(driver, source, classes);
      const counts = ctx.createBuffer(`${source.layer} occurrence counts`, shape.kernels * classes * shape.height * shape.width * 4);
      buffers.push(counts);
      const planned = await planAomCount(ctx, {
        act: driver.network.outputs[source.sourceIndex],
        labels: driver.labels,
        valid: driver.valid,
        counts,
        classCounts: i === 0 ? classCounts : null, // the class counts are the same for every layer: count once
        shape: { batch: driver.batchSize, ...shape },
        tau,
        layer: source.layer,
      });
      calls.push(...planned);
      layers.push({ source, shape, counts });
    }
    calls.push(await driver.planTally(totals, 0));
    // New buffers are zero-filled by WebGPU, so the counts start at zero.
    await driver.run(indices, (encoder) => driver.encodeInference(encoder, calls), { onProgress, label: 'occurrence counting' });
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
