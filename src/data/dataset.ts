/**
 * The in-memory dataset every other part of aom-studio consumes: labelled images as NHWC bytes.
 *
 * Index space ("the pool"): a dataset's images are numbered train first, then test —
 * pool index i < train.count is train image i; i >= train.count is test image i - train.count.
 * Splits (splits.ts) are index lists into this pool, and the GPU copy (gpu-dataset.ts) stores the pool in
 * that order, so one index means the same image everywhere.
 */
import { DatasetError } from './dataset-error.ts';

/** A run of labelled images: `images` is NHWC u8 (`count * height * width * channels` bytes). */
export interface ImageSplit {
  images: Uint8Array;
  /** Integer class indices, one per image (Uint16Array only when there are more than 256 classes). */
  labels: Uint8Array | Uint16Array;
  count: number;
}

export interface ImageDataset {
  /** e.g. 'mnist', 'fashion-mnist', 'cifar10', 'idx:train-images-idx3-ubyte', 'folder:pets'. */
  name: string;
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB). */
  channels: number;
  classNames: string[];
  train: ImageSplit;
  /** The source's own test split, or null when it has none (splits.ts then carves one from train). */
  test: ImageSplit | null;
  /** What the loader decided on the user's behalf, e.g. which CIFAR batches it found. */
  notes: string[];
}

/** Bytes of one image. */
export const imageBytes = (d: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number => d.height * d.width * d.channels;

/** Number of images in the pool (train then test). */
export const poolSize = (d: ImageDataset): number => d.train.count + (d.test?.count ?? 0);

/** The split and local index holding pool image `i`. */
function locate(d: ImageDataset, i: number): { split: ImageSplit; local: number } {
  if (!Number.isInteger(i) || i < 0 || i >= poolSize(d)) {
    throw new RangeError(`${d.name}: image index ${i} is outside the dataset (0..${poolSize(d) - 1})`);
  }
  return i < d.train.count ? { split: d.train, local: i } : { split: d.test!, local: i - d.train.count };
}

/** The label of pool image `i`. */
export function poolLabel(d: ImageDataset, i: number): number {
  const { split, local } = locate(d, i);
  return split.labels[local];
}

/** The bytes of pool image `i` (a view, HWC). */
export function poolImage(d: ImageDataset, i: number): Uint8Array {
  const { split, local } = locate(d, i);
  const n = imageBytes(d);
  return split.images.subarray(local * n, (local + 1) * n);
}

/** The smallest label array type that holds `classCount` classes. */
export function makeLabels(count: number, classCount: number): Uint8Array | Uint16Array {
  return classCount <= 256 ? new Uint8Array(count) : new Uint16Array(count);
}

/**
 * Checks the invariants every loader promises (sizes agree, labels name existing classes), so a bug in a
 * loader fails here with the dataset's name rather than later as a wrong image on the GPU.
 */
export function validateDataset(d: ImageDataset): ImageDataset {
  const where = d.name;
  for (const [what, value] of [['height', d.height], ['width', d.width], ['channels', d.channels]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new DatasetError(where, `image ${what} must be a positive integer, got ${value}`);
  }
  if (d.classNames.length < 1) throw new DatasetError(where, 'the dataset has no classes');
  const splits: [string, ImageSplit | null][] = [['train', d.train], ['test', d.test]];
  for (const [splitName, split] of splits) {
    if (!split) continue;
    if (split.images.length !== split.count * imageBytes(d)) {
      throw new DatasetError(
        where,
        `${splitName} split holds ${split.images.length} image bytes, expected ${split.count} x ${d.height}x${d.width}x${d.channels} = ${split.count * imageBytes(d)}`,
      );
    }
    if (split.labels.length !== split.count) {
      throw new DatasetError(where, `${splitName} split has ${split.labels.length} labels for ${split.count} images`);
    }
    for (let i = 0; i < split.count; i++) {
      if (split.labels[i] >= d.classNames.length) {
        throw new DatasetError(where, `${splitName} image ${i} has label ${split.labels[i]}, but there are only ${d.classNames.length} classes`);
      }
    }
  }
  if (d.train.count < 1) throw new DatasetError(where, 'the training split is empty');
  return d;
}

/** A file's bytes with the name errors should show (a path, a URL or an archive member). */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}
