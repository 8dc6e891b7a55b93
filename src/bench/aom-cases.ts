/**
 * Benchmark of the analysis against inference: computing the Activation Occurrence Maps of every conv layer of
 * mnist-ref (counts on the GPU, one read-back, then AOM / CSM / ODM on the CPU) over the first `images` MNIST
 * test images, with a plain inference pass over the same images as the peer (gather, forward, loss and the
 * correct-count tally, read back once: what an accuracy evaluation needs). Both run on one InferenceRunner (same
 * network, batch size and batching), so the row's ratio isolates the cost of counting; the target is
 * maps / inference <= 1.2 in time, i.e. the row's `ratio` (inference ms / maps ms) >= 1 / 1.2.
 * Ablation is not included (it is reported separately). Weights are seeded He-uniform: the count kernels do
 * the same work whatever the weights, as they loop over every row of every (position, kernel).
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { GpuDataset } from '../data/gpu-dataset.ts';
import type { ImageDataset } from '../data/dataset.ts';
import { splitDataset } from '../data/splits.ts';
import { mnistRef } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import { InferenceRunner } from '../nn/inference-runner.ts';
import { convLayerNames, mapSource } from '../analysis/map-source.ts';
import { aomFromCounts, csmFromAom, odmFromAom } from '../analysis/maps.ts';
import { countOccurrences } from '../analysis/occurrence-pass.ts';
import type { BenchRow } from './harness.ts';

export interface AomBenchOptions {
  /**
   * MNIST, loaded by the caller: the CLI reads it from node_modules (dataset-files-node.ts), the bench page fetches
   * the bundled files (builtin-mnist.ts), so this file runs in both.
   */
  dataset: ImageDataset;
  /** MNIST test images to analyse (default the whole test set, 10,000). */
  images?: number;
  batchSize?: number;
}

/**
 * Times the maps and a plain inference pass alternately (A B B A ...), after one warm-up of each, `repetitions`
 * times each, and returns a bench row: `ours` the maps' images/s, `peer` inference's, `ratio` = inference ms /
 * maps ms (the harness's convention: higher is better; the time ratio maps / inference is 1 / ratio).
 * Alternating matters on a shared machine, where the load changes from second to second: both medians see
 * the same mix of it.
 */
export async function compareAomToInference(ctx: GpuContext, options: AomBenchOptions & { repetitions?: number }): Promise<BenchRow> {
  const batchSize = options.batchSize ?? 128;
  const repetitions = options.repetitions ?? 3;
  const spec = mnistRef();
  const model = initModel(spec, 1);
  const sources = convLayerNames(spec).map((name) => mapSource(spec, name));
  const dataset = options.dataset;
  const test = splitDataset(dataset).test;
  const indices = test.subarray(0, Math.min(options.images ?? 10_000, test.length));
  const data = GpuDataset.upload(ctx, dataset);
  let runner: InferenceRunner | null = null;
  const totals = ctx.createBuffer('bench inference correct total', 4);
  let tally: KernelCall | null = null;
  try {
    runner = await InferenceRunner.create(ctx, model, data, batchSize);
    const r = runner;
    const t = (tally = await r.planCorrectTally(totals, 0));
    const runs = {
      maps: async () => {
        const counted = await countOccurrences(r, sources, dataset.classNames.length, 0, indices);
        for (const l of counted.layers) {
          const aom = aomFromCounts(l.counts, counted.classCounts, l.shape);
          csmFromAom(aom, counted.classCounts, l.shape);
          odmFromAom(aom, counted.classCounts, l.shape);
        }
      },
      inference: async () => {
        ctx.write(totals, new Uint32Array(1));
        await r.run(indices, { afterLoss: [t], label: 'bench inference' });
        await ctx.readUint32(totals, 1);
      },
    };
    await runs.maps();
    await runs.inference();
    const times = { maps: [] as number[], inference: [] as number[] };
    for (let i = 0; i < repetitions; i++) {
      const order = i % 2 === 0 ? (['maps', 'inference'] as const) : (['inference', 'maps'] as const);
      for (const which of order) {
        const t0 = performance.now();
        await runs[which]();
        await ctx.sync();
        times[which].push(performance.now() - t0);
      }
    }
    const median = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
    const mapsMs = median(times.maps);
    const inferenceMs = median(times.inference);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      name: 'aom maps (all conv)',
      shape: `mnist-ref, ${indices.length} MNIST test images, batch ${batchSize}`,
      unit: 'images/s',
      ours: round(indices.length / (mapsMs / 1000)),
      oursMs: round(mapsMs),
      peer: round(indices.length / (inferenceMs / 1000)),
      peerName: 'plain inference',
      ratio: round(inferenceMs / mapsMs),
    };
  } finally {
    if (tally) destroyCalls([tally]);
    totals.destroy();
    runner?.destroy();
    data.destroy();
  }
}
