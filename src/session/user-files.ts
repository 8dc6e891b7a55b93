/**
 * The user's dropped or picked files, recognised by name and content and handed to the data layer's pure
 * loaders (the same ones the CLI uses on disk):
 *   - IDX files (raw or .gz): images and labels paired by name (train/t10k), MNIST class names when the
 *     official MNIST names are used, or Fashion-MNIST's name and class names when the content is Fashion-MNIST's;
 *   - CIFAR: a .tar/.tar.gz archive, or loose data_batch_N.bin / test_batch.bin / train.bin (CIFAR-100);
 *   - image folders: loose .png/.jpg files with their folder paths (a dropped or picked directory), or a .zip.
 * Anything else is a DatasetError that names the file and says what was expected, so the page can show it
 * in place.
 */
import { DatasetError, listSome } from '../data/dataset-error.ts';
import type { ImageDataset, NamedBytes } from '../data/dataset.ts';
import { isGzip, gunzipFile } from '../data/gzip.ts';
import { loadIdxDataset, parseIdxHeader } from '../data/idx.ts';
import { loadCifarArchive, loadCifarFiles, cifarMemberNames } from '../data/cifar.ts';
import { isTarHeader } from '../data/tar.ts';
import { isImagePath, loadImageFolder, unzipFolder, folderDatasetName } from '../data/image-folder.ts';
import { FASHION_MNIST_CLASS_NAMES, MNIST_CLASS_NAMES } from '../data/mnist.ts';
import { datasetFingerprint } from '../data/fingerprint.ts';
import { formatBytes } from '../gpu/context.ts';

/** A user file: its path (with folders, for a dropped directory) and bytes. */
export interface UserFile {
  path: string;
  bytes: Uint8Array;
}

/**
 * The most dataset bytes the page takes (once inflated). A page holds a dataset twice for a moment while it
 * decodes (the files and the decoded images), and a browser tab that outgrows its memory is killed with
 * everything in it, so a larger dataset is refused before it is read; the CLI has no such limit.
 */
export const PAGE_DATASET_LIMIT_BYTES = 2 * 2 ** 30;

/**
 * The bytes `files` will take once read and inflated, known without reading them whole: a gzip file's size is
 * in its last four bytes (ISIZE, the inflated size modulo 2^32; a compressed file far smaller than that means
 * 4 GiB more, which no dataset file here comes near), any other file's is its own.
 */
export async function inflatedSize(files: readonly File[]): Promise<number> {
  let total = 0;
  for (const file of files) {
    let size = file.size;
    if (/\.(gz|tgz)$/i.test(file.name) && file.size >= 18) {
      const tail = new DataView(await file.slice(file.size - 4).arrayBuffer());
      size = Math.max(file.size, tail.getUint32(0, true));
    }
    total += size;
  }
  return total;
}

/** Refuses, before reading them, files that would make a dataset larger than the page can hold (both sizes named). */
export async function checkPageDatasetSize(files: readonly File[], limit = PAGE_DATASET_LIMIT_BYTES): Promise<void> {
  const size = await inflatedSize(files);
  if (size > limit) {
    const what = files.length === 1 ? files[0].name : `${files.length} files (${listSome(files.map((f) => f.name))})`;
    throw new DatasetError(
      what,
      `would take ${formatBytes(size)} once read and inflated; the page holds datasets of at most ${formatBytes(limit)} (the CLI has no such limit)`,
    );
  }
}

/** Reads File objects (the path is webkitRelativePath when the browser gives one). */
export async function readUserFiles(files: readonly File[]): Promise<UserFile[]> {
  return Promise.all(
    files.map(async (file) => ({
      path: (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
    })),
  );
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const EXPECTED =
  'expected IDX image+label files (raw or .gz), a CIFAR-10/100 .tar.gz or its .bin batches, a .zip of class folders, ' +
  'or a folder of class sub-folders of .png/.jpg images';

/** Builds a dataset from the user's files; throws a DatasetError naming the offending file. */
export function datasetFromUserFiles(files: readonly UserFile[]): ImageDataset {
  if (files.length === 0) throw new DatasetError('dataset files', `none were given; ${EXPECTED}`);
  const first = files[0];
  if (files.length === 1) {
    const b = first.bytes;
    if (b.length >= 2 && b[0] === 0x50 && b[1] === 0x4b) {
      const { files: images, ignored } = unzipFolder({ name: first.path, bytes: b });
      const dataset = loadImageFolder(images, { source: first.path });
      if (ignored) dataset.notes.push(`skipped ${ignored} non-image file(s) in the zip`);
      return dataset;
    }
    if (looksLikeTar(first)) return loadCifarArchive({ name: first.path, bytes: b }, cifarVariantOf(first.path));
  }
  const images = files.filter((f) => isImagePath(f.path));
  if (images.length > 0) {
    if (images.length !== files.length) {
      const other = files.filter((f) => !isImagePath(f.path)).map((f) => f.path);
      throw new DatasetError(other[0], `is not an image, but other files are; an image folder holds only .png/.jpg files (also: ${listSome(other)})`);
    }
    const root = images[0].path.includes('/') ? images[0].path.slice(0, images[0].path.indexOf('/')) : 'dropped images';
    return loadImageFolder(images.map((f) => ({ path: f.path, bytes: f.bytes })), { source: folderDatasetName(root) });
  }
  const bins = files.filter((f) => baseName(f.path).endsWith('.bin') || baseName(f.path).endsWith('.txt'));
  if (bins.length === files.length) {
    const names = files.map((f) => baseName(f.path));
    const variant = names.some((n) => cifarMemberNames('cifar100').includes(n) && !cifarMemberNames('cifar10').includes(n)) ? 'cifar100' : 'cifar10';
    return loadCifarFiles(files.map((f) => ({ name: f.path, bytes: f.bytes })), variant, `${files.length} dropped file(s)`);
  }
  return idxDataset(files);
}

function looksLikeTar(file: UserFile): boolean {
  if (/\.(tar|tar\.gz|tgz)$/i.test(file.path)) return true;
  if (!isGzip(file.bytes)) return isTarHeader(file.bytes.subarray(0, 512));
  return false;
}

function cifarVariantOf(path: string): 'cifar10' | 'cifar100' {
  return /cifar-?100/i.test(path) ? 'cifar100' : 'cifar10';
}

/** IDX images and labels, paired by role; the test pair is the one whose name says 't10k' or 'test'. */
function idxDataset(files: readonly UserFile[]): ImageDataset {
  const decoded: (NamedBytes & { dims: number })[] = files.map((f) => {
    const bytes = isGzip(f.bytes) ? gunzipFile(f.bytes, f.path) : f.bytes;
    let dims: number;
    try {
      dims = parseIdxHeader(bytes, f.path).dims.length;
    } catch (error) {
      if (error instanceof DatasetError) throw new DatasetError(f.path, `${error.problem}; ${EXPECTED}`);
      throw error;
    }
    return { name: f.path, bytes, dims };
  });
  const isTest = (name: string) => /t10k|test/i.test(baseName(name));
  const pick = (test: boolean, labels: boolean) => decoded.filter((f) => isTest(f.name) === test && (f.dims === 1) === labels);
  const [trainImages, trainLabels, testImages, testLabels] = [pick(false, false), pick(false, true), pick(true, false), pick(true, true)];
  for (const [group, what] of [[trainImages, 'training images'], [trainLabels, 'training labels'], [testImages, 'test images'], [testLabels, 'test labels']] as const) {
    if (group.length > 1) throw new DatasetError(group[1].name, `is a second IDX file of ${what} (${group[0].name} is one); drop one pair per split`);
  }
  if (!trainImages[0] || !trainLabels[0]) {
    throw new DatasetError(
      decoded[0].name,
      'needs its partner: an IDX dataset takes an images file (3 or 4 dimensions) and a labels file (1 dimension), ' +
        "plus optionally a test pair whose names contain 't10k' or 'test'",
    );
  }
  if ((testImages.length > 0) !== (testLabels.length > 0)) {
    throw new DatasetError((testImages[0] ?? testLabels[0]).name, 'is a test file without its partner (test images and test labels go together)');
  }
  const official = /train-images-idx3-ubyte/.test(trainImages[0].name);
  const dataset = loadIdxDataset(
    { train: { images: trainImages[0], labels: trainLabels[0] }, test: testImages[0] ? { images: testImages[0], labels: testLabels[0] } : undefined },
    { name: `idx:${baseName(trainImages[0].name)}`, classNames: official ? MNIST_CLASS_NAMES : undefined },
  );
  // MNIST and Fashion-MNIST ship under the same file names; only the content tells them apart. The fingerprint
  // does not hash class names, so renaming keeps it (and the split a model records) unchanged.
  if (official && datasetFingerprint(dataset).hash === FASHION_MNIST_HASH) {
    return { ...dataset, name: 'fashion-mnist', classNames: [...FASHION_MNIST_CLASS_NAMES] };
  }
  return dataset;
}

/** The content fingerprint (src/data/fingerprint.ts) of the official Fashion-MNIST, as fashion-ref records it. */
const FASHION_MNIST_HASH = '317a9122';
