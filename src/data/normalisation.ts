/**
 * Per-channel normalisation from the training split: the mean and standard deviation of pixel / 255 per
 * channel, as the Preprocessing every model input goes through, x = (pixel * scale - mean[c]) / std[c].
 *
 * Computed exactly from per-channel histograms of the u8 values (256 bins), so the result does not depend on
 * summation order and is the same in the page and the CLI. The standard deviation is the population one;
 * a constant channel (std 0) gets std 1, so it maps to 0 instead of dividing by zero.
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import { imageBytes, type ImageDataset, type ImageSplit } from './dataset.ts';

/** Mean and population std of pixel / 255 for each channel over the pool images `indices`. */
export function channelStatistics(dataset: ImageDataset, indices: ArrayLike<number>): { mean: number[]; std: number[] } {
  const { channels } = dataset;
  const histogram = new Uint32Array(channels * 256); // counts < 2^32: a dataset holds under 2^31 bytes
  const bytes = imageBytes(dataset);
  const trainCount = dataset.train.count;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const split: ImageSplit = i < trainCount ? dataset.train : dataset.test!;
    const start = (i < trainCount ? i : i - trainCount) * bytes;
    const image = split.images;
    // HWC: byte j of an image is channel j % channels; stepping by `channels` avoids a modulo per byte.
    for (let c = 0; c < channels; c++) {
      const base = c * 256;
      for (let j = start + c; j < start + bytes; j += channels) histogram[base + image[j]]++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    let n = 0;
    let sum = 0;
    let sumSquares = 0;
    for (let v = 0; v < 256; v++) {
      const count = histogram[c * 256 + v];
      n += count;
      sum += count * v;
      sumSquares += count * v * v;
    }
    // Sums of integers below 2^53 are exact in doubles; divide once at the end.
    const m = n ? sum / n : 0;
    const variance = n ? Math.max(sumSquares / n - m * m, 0) : 0;
    mean.push(m / 255);
    std.push(variance > 0 ? Math.sqrt(variance) / 255 : 1);
  }
  return { mean, std };
}

/** The Preprocessing that standardises each channel with the statistics of the pool images `indices`. */
export function normalisationFrom(dataset: ImageDataset, indices: ArrayLike<number>): Preprocessing {
  const { mean, std } = channelStatistics(dataset, indices);
  return { scale: 1 / 255, mean, std };
}
