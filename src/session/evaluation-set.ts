/**
 * The images a version's accuracy is measured on: its own test split (split-policy.ts), whole, or a fixed seeded
 * subset of it when the user caps the count (the page does, to keep evaluation short on slow adapters). The
 * subset depends only on the split and the cap, so every version of a session that shares a split is measured
 * on exactly the same images, and figures can be compared side by side.
 */
import { shuffleIndices, type SplitDataset } from '../data/splits.ts';

/** Seed of the subset's shuffle: one fixed value, so a capped evaluation set is the same in every session. */
export const EVALUATION_SUBSET_SEED = 7;

export interface EvaluationSet {
  split: 'test' | 'validation';
  /** Pool indices, ascending. */
  indices: Uint32Array;
  /** Images in the whole split (the set is a subset when smaller). */
  of: number;
}

/** The split's images, or the first `limit` of a fixed shuffle of them (limit <= 0: all). */
export function evaluationSet(split: SplitDataset, which: 'test' | 'validation', limit = 0): EvaluationSet {
  const all = split[which];
  const indices = limit > 0 && limit < all.length ? shuffleIndices(all, EVALUATION_SUBSET_SEED).slice(0, limit).sort() : all;
  return { split: which, indices, of: all.length };
}

/** A key that is equal for two evaluation sets with the same images (to say when two figures are comparable). */
export function evaluationSetKey(split: SplitDataset, set: EvaluationSet): string {
  return `${split.dataset.name}:${split.seed}:${split.validationFraction}:${set.split}:${set.indices.length}/${set.of}`;
}
