/**
 * A plain-data description of a split dataset (what `aom-studio data` prints and the page's dataset panel
 * shows): name, image shape, class names, counts per split and per class, normalisation and GPU bytes.
 */
import { poolLabel } from './dataset.ts';
import { datasetGpuBytes } from './gpu-dataset.ts';
import type { SplitDataset } from './splits.ts';

export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

export interface DatasetSummary {
  name: string;
  /** [height, width, channels]. */
  imageShape: [number, number, number];
  classNames: string[];
  counts: SplitCounts;
  perClass: ({ className: string } & SplitCounts)[];
  seed: number;
  validationFraction: number;
  /** Fraction carved for test, or null when the test images are the source's own. */
  testFraction: number | null;
  normalisation: { mean: number[]; std: number[] };
  gpuBytes: { images: number; labels: number; total: number };
  notes: string[];
}

export function summariseSplits(split: SplitDataset): DatasetSummary {
  const d = split.dataset;
  const perClass = d.classNames.map((className) => ({ className, train: 0, validation: 0, test: 0 }));
  for (const key of ['train', 'validation', 'test'] as const) {
    for (const index of split[key]) perClass[poolLabel(d, index)][key]++;
  }
  return {
    name: d.name,
    imageShape: [d.height, d.width, d.channels],
    classNames: d.classNames,
    counts: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    perClass,
    seed: split.seed,
    validationFraction: split.validationFraction,
    testFraction: split.testFraction,
    normalisation: { mean: split.normalisation.mean, std: split.normalisation.std },
    gpuBytes: datasetGpuBytes(d),
    notes: d.notes,
  };
}
