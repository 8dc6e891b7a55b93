/**
 * A dataset's fingerprint: what a model records about the data it was trained on, so that a later command (or
 * the page) can tell whether it is being evaluated on the same images and therefore on the same validation and
 * test split.
 *
 * It is computed from the content, not from the name, so built-in MNIST in the page, `mnist` in the CLI and
 * `idx:train-images-idx3-ubyte,...` all agree. The hash is FNV-1a (32 bit) over the shape, the counts, every
 * label and a strided sample of image bytes (every IMAGE_STRIDE-th byte of the pool, at most a few MiB read),
 * which changes when an image is added, removed, relabelled or reordered, at a cost of a few milliseconds.
 */
import type { ImageDataset } from './dataset.ts';

export interface DatasetFingerprint {
  /** The dataset's name when the fingerprint was taken (shown to the user; not compared). */
  name: string;
  /** [height, width, channels]. */
  shape: [number, number, number];
  classes: number;
  /** Images of the source's own training split and test split (0 when it has none). */
  trainCount: number;
  testCount: number;
  /** FNV-1a over the content (see the file comment), as 8 hex digits. */
  hash: string;
}

/** Bytes between two sampled image bytes; prime, so the samples walk through every pixel position and channel. */
const IMAGE_STRIDE = 61;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnvByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
}

function fnvWord(hash: number, word: number): number {
  for (let shift = 0; shift < 32; shift += 8) hash = fnvByte(hash, (word >>> shift) & 0xff);
  return hash;
}

export function datasetFingerprint(dataset: ImageDataset): DatasetFingerprint {
  const testCount = dataset.test?.count ?? 0;
  let hash = FNV_OFFSET;
  for (const v of [dataset.height, dataset.width, dataset.channels, dataset.classNames.length, dataset.train.count, testCount]) hash = fnvWord(hash, v);
  for (const split of [dataset.train, dataset.test]) {
    if (!split) continue;
    for (let i = 0; i < split.labels.length; i++) hash = fnvWord(hash, split.labels[i]);
    for (let i = 0; i < split.images.length; i += IMAGE_STRIDE) hash = fnvByte(hash, split.images[i]);
  }
  return {
    name: dataset.name,
    shape: [dataset.height, dataset.width, dataset.channels],
    classes: dataset.classNames.length,
    trainCount: dataset.train.count,
    testCount,
    hash: hash.toString(16).padStart(8, '0'),
  };
}

/** True when two fingerprints describe the same images (names are not compared). */
export function sameDataset(a: DatasetFingerprint, b: DatasetFingerprint): boolean {
  return a.hash === b.hash && a.trainCount === b.trainCount && a.testCount === b.testCount && a.classes === b.classes &&
    a.shape.every((v, i) => v === b.shape[i]);
}

/** One line for messages: `'mnist' (60000 + 10000 images of 28x28x1, 10 classes, #1a2b3c4d)`. */
export function describeFingerprint(f: DatasetFingerprint): string {
  return `'${f.name}' (${f.trainCount} + ${f.testCount} images of ${f.shape.join('x')}, ${f.classes} classes, #${f.hash})`;
}
