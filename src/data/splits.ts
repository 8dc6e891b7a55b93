/**
 * Seeded train / validation / test splits as index lists into the dataset's pool (train images, then test
 * images; see dataset.ts).
 *
 * Policy: class-stratified. The source's training images are grouped by class; each class's list is shuffled
 * (Fisher-Yates driven by pcgHash, so the same seed gives the same split everywhere); the first
 * round(testFraction * n_c) go to test (only when the source has no test split of its own), the next
 * round(validationFraction * n_c) to validation, the rest to train. Both fractions are of the source's
 * training images, and every class keeps its share in every split (up to rounding per class).
 * Index lists are returned sorted; training order is shuffled per epoch by the trainer (shuffleIndices).
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import { hashUniform } from '../gpu/kernels/pcg-hash.ts';
import { DatasetError } from './dataset-error.ts';
import type { ImageDataset } from './dataset.ts';
import { normalisationFrom } from './normalisation.ts';
import { datasetFingerprint, type DatasetFingerprint } from './fingerprint.ts';

export interface SplitOptions {
  /** Default DEFAULT_SPLIT_SEED. */
  seed?: number;
  /** Fraction of the source's training images held out for validation; default 0.1. */
  validationFraction?: number;
  /** Fraction carved out for test when the source has no test split; default 0.1. Ignored otherwise. */
  testFraction?: number;
}

export interface SplitDataset {
  dataset: ImageDataset;
  /** Pool indices, ascending. */
  train: Uint32Array;
  validation: Uint32Array;
  test: Uint32Array;
  seed: number;
  validationFraction: number;
  /** The fraction carved for test, or null when the test split is the source's own. */
  testFraction: number | null;
  /** Per-channel standardisation computed from the training split (normalisation.ts). */
  normalisation: Preprocessing;
}

export const DEFAULT_VALIDATION_FRACTION = 0.1;
export const DEFAULT_TEST_FRACTION = 0.1;
/**
 * The split seed of a model that records none (and of every split drawn for a new model), independent of the
 * training seed, so that fine-tuning with another training seed never moves validation images into training.
 * 1 is the seed the shipped pre-trained mnist-ref was trained with.
 */
export const DEFAULT_SPLIT_SEED = 1;

/**
 * How a split was drawn, as a model records it (model.json's metadata): with the same dataset, the same record
 * gives the same train / validation / test images, in the page and in every command.
 */
export interface SplitRecord {
  seed: number;
  validationFraction: number;
  /** The fraction carved for test, or null when the test split is the source's own. */
  testFraction: number | null;
  /** The images it was drawn from. */
  dataset: DatasetFingerprint;
}

/** The record of `split` (its fingerprint is computed from the dataset's content). */
export function splitRecord(split: SplitDataset): SplitRecord {
  return { seed: split.seed, validationFraction: split.validationFraction, testFraction: split.testFraction, dataset: datasetFingerprint(split.dataset) };
}

function checkFraction(value: number, what: string, dataset: string): void {
  if (!(value >= 0 && value < 1)) throw new DatasetError(dataset, `${what} fraction must be in [0, 1), got ${value}`);
}

/** Splits `dataset` (see the policy above). */
export function splitDataset(dataset: ImageDataset, options: SplitOptions = {}): SplitDataset {
  const seed = options.seed ?? DEFAULT_SPLIT_SEED;
  const validationFraction = options.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  const testFraction = dataset.test ? null : (options.testFraction ?? DEFAULT_TEST_FRACTION);
  checkFraction(validationFraction, 'validation', dataset.name);
  if (testFraction !== null) checkFraction(testFraction, 'test', dataset.name);
  if (validationFraction + (testFraction ?? 0) >= 1) {
    throw new DatasetError(dataset.name, `validation (${validationFraction}) and test (${testFraction}) fractions leave no training images`);
  }

  const byClass: number[][] = dataset.classNames.map(() => []);
  for (let i = 0; i < dataset.train.count; i++) byClass[dataset.train.labels[i]].push(i);

  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  let draw = 0;
  const random = () => hashUniform(seed, draw++);
  for (const members of byClass) {
    shuffleInPlace(members, random);
    const nTest = testFraction === null ? 0 : Math.round(testFraction * members.length);
    const nValidation = Math.round(validationFraction * members.length);
    members.forEach((index, k) => (k < nTest ? test : k < nTest + nValidation ? validation : train).push(index));
  }
  if (dataset.test) for (let i = 0; i < dataset.test.count; i++) test.push(dataset.train.count + i);
  if (train.length === 0) throw new DatasetError(dataset.name, `has too few images (${dataset.train.count}) to keep any for training`);

  const sorted = (list: number[]) => Uint32Array.from(list).sort();
  const trainIndices = sorted(train);
  return {
    dataset,
    train: trainIndices,
    validation: sorted(validation),
    test: sorted(test),
    seed,
    validationFraction,
    testFraction,
    normalisation: normalisationFrom(dataset, trainIndices),
  };
}

function shuffleInPlace(list: number[] | Uint32Array, random: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = list[i];
    list[i] = list[j];
    list[j] = t;
  }
}

/** A seeded permutation of `indices` (a new array): the order of one training epoch. */
export function shuffleIndices(indices: Uint32Array, seed: number): Uint32Array {
  const out = indices.slice();
  let draw = 0;
  shuffleInPlace(out, () => hashUniform(seed, draw++));
  return out;
}
