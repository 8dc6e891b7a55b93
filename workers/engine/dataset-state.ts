/**
 * The session's dataset on the CPU side: where it came from (built-in MNIST or the user's files), its splits,
 * and what the page shows of it (summary, a few images per class). The GPU copy is made from it, and remade
 * from it after a device loss.
 */
import type { ImageDataset } from '../../src/data/dataset.ts';
import { imageBytes } from '../../src/data/dataset.ts';
import { fetchBuiltInMnist } from '../../src/data/builtin-mnist.ts';
import { splitDataset, type SplitDataset } from '../../src/data/splits.ts';
import { summariseSplits } from '../../src/data/summary.ts';
import type { ClassSamples, DatasetChoice, DatasetInfo } from '../../src/session/engine-api.ts';
import { datasetFromUserFiles, readUserFiles } from './user-files.ts';

const SAMPLES_PER_CLASS = 8;
/** Split seed: fixed, so a reloaded session sees the same train/validation/test images. */
const SPLIT_SEED = 0;

export interface DatasetState {
  choice: DatasetChoice;
  /** The user's files (kept for IndexedDB), null for the built-in MNIST. */
  files: File[] | null;
  dataset: ImageDataset;
  split: SplitDataset;
}

export async function loadBuiltIn(): Promise<DatasetState> {
  const dataset = await fetchBuiltInMnist();
  return { choice: { kind: 'builtin-mnist' }, files: null, dataset, split: splitDataset(dataset, { seed: SPLIT_SEED }) };
}

export async function loadFromFiles(files: File[]): Promise<DatasetState> {
  const dataset = datasetFromUserFiles(await readUserFiles(files));
  return { choice: { kind: 'files', names: files.map((f) => f.name) }, files, dataset, split: splitDataset(dataset, { seed: SPLIT_SEED }) };
}

/** The page's view of a dataset: summary and the first images of each class (copied: views would clone the pool). */
export function describeDataset(state: DatasetState): DatasetInfo {
  const d = state.dataset;
  const n = imageBytes(d);
  const samples: ClassSamples[] = d.classNames.map((className) => ({ className, images: [] }));
  for (let i = 0; i < d.train.count; i++) {
    const entry = samples[d.train.labels[i]];
    if (entry.images.length < SAMPLES_PER_CLASS) entry.images.push(d.train.images.slice(i * n, (i + 1) * n));
    if (samples.every((s) => s.images.length >= SAMPLES_PER_CLASS)) break;
  }
  return { choice: state.choice, summary: summariseSplits(state.split), samples };
}
