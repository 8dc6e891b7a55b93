/**
 * What the model-handling commands (train, eval, predict, analyze, tune) share: resolving `--model` (a built-in
 * architecture name or a model.json path) and `--dataset` (a spec) into a model and a split dataset, checking that
 * they fit each other, and choosing the split to work on.
 */
import { loadDatasetFromSpec } from '../data/node-files.ts';
import { splitDataset, type SplitDataset } from '../data/splits.ts';
import { ARCHITECTURES, architectureByName } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import type { Model } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { loadModelDir } from '../io/model-files-node.ts';
import { UsageError } from './usage-error.ts';

export class ModelDatasetMismatchError extends Error {
  override name = 'ModelDatasetMismatchError';
}

/**
 * A model from `--model`: a built-in architecture (fresh weights from `seed`, preprocessing from the dataset's
 * training split) or a saved model.json (its own weights and preprocessing).
 */
export async function resolveModel(text: string, split: SplitDataset | null, seed: number): Promise<{ model: Model; builtIn: boolean }> {
  if (text in ARCHITECTURES) {
    const model = initModel(architectureByName(text), seed);
    if (split) {
      model.spec.preprocessing = split.normalisation;
      model.spec.classNames = [...split.dataset.classNames];
    }
    return { model, builtIn: true };
  }
  if (!text.endsWith('.json')) {
    throw new UsageError(`--model must be one of ${Object.keys(ARCHITECTURES).join(', ')} or a path to a model.json, got '${text}'`);
  }
  return { model: await loadModelDir(text), builtIn: false };
}

/**
 * The seed of the train / validation split, shared by every command (and independent of the training seed), so
 * that fine-tuning with another `--seed` never moves validation images into training: train, eval, predict and tune
 * all split with `--split-seed` (default 1, the pre-trained model's).
 */
export const DEFAULT_SPLIT_SEED = 1;

export async function loadSplit(spec: string, seed = 0, validationFraction?: number): Promise<SplitDataset> {
  const dataset = await loadDatasetFromSpec(spec);
  return splitDataset(dataset, { seed, validationFraction });
}

/** Throws a clear error when the model's input or output does not fit the dataset. */
export function checkModelFitsDataset(model: Model, split: SplitDataset): void {
  const d = split.dataset;
  const [h, w, c] = model.spec.inputShape;
  if (h !== d.height || w !== d.width || c !== d.channels) {
    throw new ModelDatasetMismatchError(
      `model '${model.spec.name}' takes ${h}x${w}x${c} images but dataset '${d.name}' has ${d.height}x${d.width}x${d.channels} images`,
    );
  }
  const outputs = summarizeModel(model.spec).outputShape.reduce((a, b) => a * b, 1);
  if (outputs < d.classNames.length) {
    throw new ModelDatasetMismatchError(`model '${model.spec.name}' has ${outputs} outputs but dataset '${d.name}' has ${d.classNames.length} classes`);
  }
}

export type SplitName = 'train' | 'validation' | 'test';

export function splitIndices(split: SplitDataset, name: string): Uint32Array {
  if (name !== 'train' && name !== 'validation' && name !== 'test') throw new UsageError(`--split must be train, validation or test, got '${name}'`);
  const indices = split[name];
  if (indices.length === 0) throw new UsageError(`the ${name} split of ${split.dataset.name} is empty`);
  return indices;
}
