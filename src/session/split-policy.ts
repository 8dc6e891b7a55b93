/**
 * The split belongs to the model. A model trained here records how its training data was split (seed,
 * fractions, the dataset's fingerprint; ModelSpec.split), and every evaluation and analysis of it, in the CLI
 * and in the page, draws that same split again, so "validation" and "test" are images its weights never saw.
 *
 * - A model with a record gets its record's seed and fractions. When the dataset given is not the one it was
 *   trained on (another fingerprint), the split is still drawn with the record's seed and fractions, and a
 *   warning names both datasets: the figures are then not the model's held-out figures, and the user is told.
 * - A model without a record (a built-in architecture before training, a file made elsewhere) gets the
 *   documented default: seed DEFAULT_SPLIT_SEED, validation DEFAULT_VALIDATION_FRACTION, and for a source
 *   without a test split DEFAULT_TEST_FRACTION carved for test.
 * - An explicit choice (the CLI's --split-seed / --validation) wins over the record, with a warning when it
 *   differs from it, since it may move training images into validation.
 */
import { describeFingerprint, datasetFingerprint, sameDataset } from '../data/fingerprint.ts';
import type { ImageDataset } from '../data/dataset.ts';
import {
  DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VALIDATION_FRACTION, splitDataset, splitRecord,
  type SplitDataset,
} from '../data/splits.ts';
import type { Model, ModelSpec } from '../nn/layers.ts';

/** What the user asked for explicitly; undefined fields follow the model's record or the default. */
export interface SplitChoice {
  seed?: number;
  validationFraction?: number;
}

export interface ModelSplit {
  split: SplitDataset;
  /** 'recorded': the model's own split; 'default': the model records none; 'chosen': the user's explicit choice. */
  source: 'recorded' | 'default' | 'chosen';
  /** Things the user must know (another dataset than the recorded one, a choice that overrides the record). */
  warnings: string[];
}

/** The split to evaluate, analyse or train `spec` on with `dataset` (see the file comment for the policy). */
export function splitForModel(dataset: ImageDataset, spec: Pick<ModelSpec, 'name' | 'split'>, choice: SplitChoice = {}): ModelSplit {
  const record = spec.split;
  const warnings: string[] = [];
  const seed = choice.seed ?? record?.seed ?? DEFAULT_SPLIT_SEED;
  const validationFraction = choice.validationFraction ?? record?.validationFraction ?? DEFAULT_VALIDATION_FRACTION;
  const testFraction = record?.testFraction ?? DEFAULT_TEST_FRACTION;
  const split = splitDataset(dataset, { seed, validationFraction, testFraction });
  if (record) {
    const given = datasetFingerprint(dataset);
    if (!sameDataset(record.dataset, given)) {
      warnings.push(
        `model '${spec.name}' was trained on ${describeFingerprint(record.dataset)}, not on ${describeFingerprint(given)}: ` +
          `its validation and test figures here are not the ones of its own held-out images`,
      );
    }
    if (seed !== record.seed || validationFraction !== record.validationFraction) {
      warnings.push(
        `model '${spec.name}' was trained with split seed ${record.seed} and validation fraction ${record.validationFraction}; ` +
          `this uses seed ${seed} and ${validationFraction}, so its validation images may include images it trained on`,
      );
    }
  }
  const chosen = choice.seed !== undefined || choice.validationFraction !== undefined;
  return { split, source: chosen ? 'chosen' : record ? 'recorded' : 'default', warnings };
}

/** `model` with the split it was (or is being) trained on recorded in its spec (a new object; weights shared). */
export function withSplitRecord(model: Model, split: SplitDataset): Model {
  return { spec: { ...model.spec, split: splitRecord(split) }, weights: model.weights };
}

/** One line for the user: which images a split holds and where it came from. */
export function describeSplit(s: ModelSplit): string {
  const { split } = s;
  const origin = s.source === 'recorded' ? "the model's recorded split" : s.source === 'chosen' ? 'the split you chose' : 'the default split';
  const test = split.testFraction === null ? 'the source\'s own test images' : `${split.testFraction} of the training images carved for test`;
  return `${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test images (${origin}: seed ${split.seed}, validation ${split.validationFraction}, ${test})`;
}
