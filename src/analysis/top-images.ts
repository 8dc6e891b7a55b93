/**
 * The images that excite one conv kernel most: an inference pass over the analysis set in which, after each
 * batch, the kernel's layer output (post-nonlinearity, the map the AOM counts) is read back and each image
 * scored by the mean of its map for that kernel. Run on demand for the kernel detail view only, as it reads
 * the layer's activations back once per batch (a few MB), which the map counting itself never does.
 */
import type { GpuContext } from '../gpu/context.ts';
import type { GpuDataset } from '../data/gpu-dataset.ts';
import { poolImage, poolLabel } from '../data/dataset.ts';
import type { Model } from '../nn/layers.ts';
import { InferenceRunner, type InferenceRunOptions } from '../nn/inference-runner.ts';
import { mapSource } from './map-source.ts';

/** An image that excites a kernel: its pool index, class, score (mean of its map) and HWC bytes. */
export interface TopImage {
  index: number;
  label: number;
  score: number;
  image: Uint8Array;
}

/** The `count` images of `indices` whose map of `kernel` has the largest mean; `options`: cancellation, progress. */
export async function topActivatingImages(
  ctx: GpuContext, model: Model, data: GpuDataset, indices: Uint32Array, layer: string, kernel: number, count: number,
  options: Pick<InferenceRunOptions, 'signal' | 'onProgress'> = {},
): Promise<TopImage[]> {
  const source = mapSource(model.spec, layer);
  const runner = await InferenceRunner.create(ctx, model, data, Math.min(128, indices.length));
  try {
    const [height, width, kernels] = runner.network.summary.layers[source.sourceIndex].outputShape;
    if (!(kernel >= 0 && kernel < kernels)) throw new RangeError(`layer '${layer}' has kernels 0..${kernels - 1}, not ${kernel}`);
    const positions = height * width;
    const scores: { index: number; score: number }[] = [];
    await runner.run(indices, {
      ...options,
      label: `top images of ${layer} kernel ${kernel}`,
      onBatch: async (rows, start) => {
        const maps = await ctx.readFloat32(runner.network.outputs[source.sourceIndex], rows * positions * kernels);
        for (let r = 0; r < rows; r++) {
          // NHWC: element (r, p, k) is at (r * positions + p) * kernels + k.
          let sum = 0;
          for (let p = 0; p < positions; p++) sum += maps[(r * positions + p) * kernels + kernel];
          scores.push({ index: indices[start + r], score: sum / positions });
        }
      },
    });
    scores.sort((a, b) => b.score - a.score || a.index - b.index);
    return scores.slice(0, count).map(({ index, score }) => ({
      index, score, label: poolLabel(data.dataset, index), image: poolImage(data.dataset, index).slice(),
    }));
  } finally {
    runner.destroy();
  }
}
