/** The page's view of a dataset: its split summary and the first images of each class. */
import { imageBytes } from '../data/dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import { summariseSplits } from '../data/summary.ts';
import type { ClassSamples, DatasetChoice, DatasetInfo } from './engine-api.ts';

const SAMPLES_PER_CLASS = 8;

/** Summary and samples; the sample bytes are copies, since views would clone the whole pool across to the page. */
export function describeDatasetForPage(choice: DatasetChoice, split: SplitDataset): DatasetInfo {
  const d = split.dataset;
  const n = imageBytes(d);
  const samples: ClassSamples[] = d.classNames.map((className) => ({ className, images: [] }));
  for (let i = 0; i < d.train.count; i++) {
    const entry = samples[d.train.labels[i]];
    if (entry.images.length < SAMPLES_PER_CLASS) entry.images.push(d.train.images.slice(i * n, (i + 1) * n));
    if (samples.every((s) => s.images.length >= SAMPLES_PER_CLASS)) break;
  }
  return { choice, summary: summariseSplits(split), samples };
}
