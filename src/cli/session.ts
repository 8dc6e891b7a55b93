/**
 * What the model-handling commands (train, eval, predict, analyze, tune) share, on top of the session core
 * (src/session): resolving `--model` (a built-in architecture name, a model.json or a .onnx path) and `--dataset` (a
 * spec) into a model and the model's own split (split-policy.ts: the split recorded in the model, or the
 * default), refusing a model that does not fit the data (fit-check.ts), and telling the user on stderr what
 * they must know about the split.
 */
import { loadDatasetFromSpec } from '../data/dataset-files-node.ts';
import type { ImageDataset } from '../data/dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import { ARCHITECTURES, architectureByName, architectureForClasses } from '../nn/architectures.ts';
import { initModel } from '../nn/init.ts';
import type { Model } from '../nn/layers.ts';
import { isOnnxPath, loadModelFile } from '../io/model-files-node.ts';
import { checkModelFitsDataset } from '../session/fit-check.ts';
import { splitForModel, type ModelSplit, type SplitChoice } from '../session/split-policy.ts';
import type { CommandIo } from './command-io.ts';
import { UsageError } from './usage-error.ts';

export { ModelDatasetMismatchError } from '../session/fit-check.ts';

export interface ModelAndSplit {
  model: Model;
  builtIn: boolean;
  split: SplitDataset;
  modelSplit: ModelSplit;
}

/**
 * Loads `--dataset`, resolves `--model` and draws the model's split. A built-in architecture gets fresh weights
 * from `seed`, the class names of the data and its input preprocessing from the split's training images; a
 * saved model keeps its own weights, preprocessing and recorded split. Warnings about the split go to stderr.
 */
export async function loadModelAndSplit(
  /** `model`: a built-in name or a path, or a model already read (a project's version). */
  options: { model: string | Model; dataset: string; seed: number; choice?: SplitChoice },
  io: CommandIo,
): Promise<ModelAndSplit> {
  const dataset = await loadDatasetFromSpec(options.dataset);
  const { model, builtIn } =
    typeof options.model === 'string' ? await resolveModel(options.model, options.seed, dataset.classNames.length) : { model: options.model, builtIn: false };
  checkModelFitsDataset(model.spec, dataset);
  const modelSplit = splitForModel(dataset, model.spec, options.choice);
  if (builtIn) {
    model.spec.preprocessing = modelSplit.split.normalisation;
    model.spec.classNames = [...dataset.classNames];
  }
  for (const warning of modelSplit.warnings) io.stderr(`warning: ${warning}\n`);
  return { model, builtIn, split: modelSplit.split, modelSplit };
}

/**
 * A model from `--model`: a built-in architecture (fresh weights from `seed`, one output per class when `classes`
 * is given), a saved model.json or an ONNX file.
 */
export async function resolveModel(text: string, seed: number, classes?: number): Promise<{ model: Model; builtIn: boolean }> {
  if (Object.hasOwn(ARCHITECTURES, text)) {
    const spec = classes === undefined ? architectureByName(text) : architectureForClasses(text, classes);
    return { model: initModel(spec, seed), builtIn: true };
  }
  if (!text.endsWith('.json') && !isOnnxPath(text)) {
    throw new UsageError(`--model must be one of ${Object.keys(ARCHITECTURES).join(', ')} or a path to a model.json or a .onnx file, got '${text}'`);
  }
  return { model: await loadModelFile(text), builtIn: false };
}

/** The dataset of `spec` (for commands that need no model). */
export const loadDataset = (spec: string): Promise<ImageDataset> => loadDatasetFromSpec(spec);

export type SplitName = 'train' | 'validation' | 'test';

export function splitIndices(split: SplitDataset, name: string): Uint32Array {
  if (name !== 'train' && name !== 'validation' && name !== 'test') throw new UsageError(`--split must be train, validation or test, got '${name}'`);
  const indices = split[name];
  if (indices.length === 0) throw new UsageError(`the ${name} split of ${split.dataset.name} is empty`);
  return indices;
}
