/**
 * Whether a model can run on a dataset's images at all: its input must be the images' shape, and it must have an
 * output per class. Checked on the CPU before any GPU work (the inference runner does it first), so a model that
 * does not fit is told in the user's terms (both shapes) rather than by a buffer-size message from deep inside
 * the gather. The session core's fit check adds what to use instead; this is the fact it builds on.
 */
import type { ImageDataset } from '../data/dataset.ts';
import type { ModelSpec } from './layers.ts';
import { summarizeModel } from './shapes.ts';

export class ModelDatasetMismatchError extends Error {
  override name = 'ModelDatasetMismatchError';
}

type DatasetShape = Pick<ImageDataset, 'name' | 'height' | 'width' | 'channels' | 'classNames'>;

/** What does not fit between `spec` and `dataset`, as a sentence naming both, or null when they fit. */
export function modelDatasetMismatch(spec: ModelSpec, dataset: DatasetShape): string | null {
  const [h, w, c] = spec.inputShape;
  if (spec.inputShape.length !== 3 || h !== dataset.height || w !== dataset.width || c !== dataset.channels) {
    return (
      `model '${spec.name}' takes ${spec.inputShape.join('x')} images but dataset '${dataset.name}' has ` +
      `${dataset.height}x${dataset.width}x${dataset.channels} images`
    );
  }
  const outputs = summarizeModel(spec).outputShape.reduce((a, b) => a * b, 1);
  if (outputs < dataset.classNames.length) {
    return `model '${spec.name}' has ${outputs} outputs but dataset '${dataset.name}' has ${dataset.classNames.length} classes`;
  }
  return null;
}

/** Throws ModelDatasetMismatchError when `spec` cannot run on `dataset`'s images. */
export function requireModelFitsDataset(spec: ModelSpec, dataset: DatasetShape): void {
  const problem = modelDatasetMismatch(spec, dataset);
  if (problem) throw new ModelDatasetMismatchError(problem);
}
