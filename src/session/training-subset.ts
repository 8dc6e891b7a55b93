/**
 * The page trains on a seeded subset of the training split (the form's "training images"), so that a retraining
 * takes seconds on a slow adapter. One definition serves a version's retraining and the baselines that are
 * retrained "with the same budget" (version-baselines.ts), so both see the same images.
 */
import { shuffleIndices, type SplitDataset } from '../data/splits.ts';

/** The split with its training part cut to a seeded subset of `n` images (0: unchanged); validation cut to match. */
export function subsetSplit(split: SplitDataset, n: number, seed: number): SplitDataset {
  if (!(n > 0) || n >= split.train.length) return split;
  const train = shuffleIndices(split.train, seed).slice(0, n).sort();
  const validationCount = Math.min(split.validation.length, Math.max(256, Math.round(n / 4)));
  const validation = shuffleIndices(split.validation, seed + 1).slice(0, validationCount).sort();
  return { ...split, train, validation };
}
