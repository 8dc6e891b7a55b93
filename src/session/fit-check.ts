/**
 * Whether a model and a dataset fit each other, decided before any GPU work: the model's input must be the
 * dataset's image shape, and it must have an output per class. The error says what does not fit and offers what
 * does (the built-in architectures for that input shape, or importing a model), for the CLI and the page alike.
 */
import type { ImageDataset } from '../data/dataset.ts';
import { ARCHITECTURES } from '../nn/architectures.ts';
import type { ModelSpec } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';

export class ModelDatasetMismatchError extends Error {
  override name = 'ModelDatasetMismatchError';
  constructor(
    message: string,
    /** Built-in architectures whose input is the dataset's image shape. */
    readonly fitting: string[],
  ) {
    super(message);
  }
}

/** Names of the built-in architectures that take `dataset`'s images. */
export function architecturesFor(dataset: Pick<ImageDataset, 'height' | 'width' | 'channels'>): string[] {
  return Object.entries(ARCHITECTURES)
    .filter(([, make]) => {
      const [h, w, c] = make().inputShape;
      return h === dataset.height && w === dataset.width && c === dataset.channels;
    })
    .map(([name]) => name);
}

function offer(fitting: string[]): string {
  return fitting.length > 0
    ? `use a model that takes them: a built-in ${fitting.join(' or ')}, or import one`
    : 'import a model that takes them (no built-in architecture does)';
}

/** Throws ModelDatasetMismatchError when `spec` cannot run on `dataset`'s images or has too few outputs. */
export function checkModelFitsDataset(spec: ModelSpec, dataset: ImageDataset): void {
  const [h, w, c] = spec.inputShape;
  const fitting = architecturesFor(dataset);
  if (h !== dataset.height || w !== dataset.width || c !== dataset.channels) {
    throw new ModelDatasetMismatchError(
      `model '${spec.name}' takes ${h}x${w}x${c} images but dataset '${dataset.name}' has ${dataset.height}x${dataset.width}x${dataset.channels} images; ${offer(fitting)}`,
      fitting,
    );
  }
  const outputs = summarizeModel(spec).outputShape.reduce((a, b) => a * b, 1);
  if (outputs < dataset.classNames.length) {
    throw new ModelDatasetMismatchError(
      `model '${spec.name}' has ${outputs} outputs but dataset '${dataset.name}' has ${dataset.classNames.length} classes; ${offer(fitting)}`,
      fitting,
    );
  }
}
