/**
 * Whether a model and a dataset fit each other, decided before any GPU work (the fact itself is
 * src/nn/model-fit.ts, which the inference runner and the trainer check too); the session adds what does fit:
 * the built-in architectures for that input shape, or importing a model, for the CLI and the page alike.
 */
import type { ImageDataset } from '../data/dataset.ts';
import { ARCHITECTURES } from '../nn/architectures.ts';
import type { ModelSpec } from '../nn/layers.ts';
import { ModelDatasetMismatchError, modelDatasetMismatch } from '../nn/model-fit.ts';

export { ModelDatasetMismatchError };

/** Names of the built-in architectures that take `dataset`'s images. */
export function architecturesFor(dataset: Pick<ImageDataset, 'height' | 'width' | 'channels'>): string[] {
  return Object.entries(ARCHITECTURES)
    .filter(([, make]) => {
      const [h, w, c] = make().inputShape;
      return h === dataset.height && w === dataset.width && c === dataset.channels;
    })
    .map(([name]) => name);
}

/** What does not fit, with what would, as one sentence; null when `spec` runs on `dataset`. */
export function fitProblem(spec: ModelSpec, dataset: ImageDataset): string | null {
  const problem = modelDatasetMismatch(spec, dataset);
  if (!problem) return null;
  const fitting = architecturesFor(dataset);
  return fitting.length > 0
    ? `${problem}; use a model that takes them: a built-in ${fitting.join(' or ')} (with one output per class), or import one`
    : `${problem}; import a model that takes them (no built-in architecture does)`;
}

/** Throws ModelDatasetMismatchError (with what fits) when `spec` cannot run on `dataset`'s images. */
export function checkModelFitsDataset(spec: ModelSpec, dataset: ImageDataset): void {
  const problem = fitProblem(spec, dataset);
  if (problem) throw new ModelDatasetMismatchError(problem);
}
