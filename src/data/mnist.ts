/**
 * MNIST and Fashion-MNIST: four IDX files each (train/test images/labels). The page fetches the built-in MNIST
 * files as Vite asset URLs (builtin-mnist.ts) and the CLI reads them from disk (dataset-files-node.ts); both hand the
 * bytes to these functions, so the two load identical datasets.
 */
import type { ImageDataset, NamedBytes } from './dataset.ts';
import { loadIdxDataset } from './idx.ts';

/** Digits. */
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The official Fashion-MNIST labels (Zalando Research, 2017), in label order. */
export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The official file names (each may also come gzipped, with `.gz` appended). */
export const MNIST_FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistFiles = Record<keyof typeof MNIST_FILE_NAMES, NamedBytes>;

/** MNIST-layout IDX files as a dataset; `variant` picks the name and class names. */
export function loadMnistFiles(files: MnistFiles, variant: 'mnist' | 'fashion-mnist' = 'mnist'): ImageDataset {
  return loadIdxDataset(
    {
      train: { images: files.trainImages, labels: files.trainLabels },
      test: { images: files.testImages, labels: files.testLabels },
    },
    { name: variant, classNames: variant === 'mnist' ? MNIST_CLASS_NAMES : FASHION_MNIST_CLASS_NAMES },
  );
}
