/**
 * Image-folder datasets: one sub-folder per class of PNG/JPEG files (`<class>/<image>`), optionally split as
 * `train/<class>/<image>` and `test/<class>/<image>`; from a directory (dataset-files-node.ts) or a .zip (page drop
 * or CLI path). Wrapping folders (a zip of `pets/cat/1.png`) are skipped. Class names are the sub-folder names
 * in code-point order; a class's label is its position in that order.
 *
 * Size policy: all images must have one size, or a mixed folder is rejected with the sizes it holds, unless
 * the caller asks for a size, in which case every image is resized to it (bilinear, resize.ts).
 * Channel policy: the dataset is grey (1 channel) when every pixel of every image has R = G = B, else RGB
 * (3 channels; grey images are repeated into R, G and B). Alpha is dropped.
 */
import { unzipBounded } from './bounded-unzip.ts';
import { MAX_DATASET_FILE_BYTES } from './gzip.ts';
import { countOf, DatasetError, listSome } from './dataset-error.ts';
import { makeLabels, validateDataset, type ImageDataset, type ImageSplit } from './dataset.ts';
import { decodeImage, type DecodedImage } from './image-decode.ts';
import { resizeBilinear } from './resize.ts';

/** A file of the folder: its path relative to the folder's root ('/'-separated) and its bytes. */
export interface FolderFile {
  path: string;
  bytes: Uint8Array;
}

export interface FolderOptions {
  /** Shown in messages and used for the dataset's name, e.g. '/data/pets' or 'pets.zip'. */
  source: string;
  /** Resize every image to this size; without it, images of mixed sizes are an error. */
  size?: { height: number; width: number };
}

const IMAGE_EXTENSION = /\.(png|jpe?g)$/i;
const SPLIT_FOLDERS = new Set(['train', 'test']);

/** Whether a path names an image file we load (by extension) outside hidden folders and macOS metadata. */
export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSION.test(path) && !isIgnoredPath(path);
}

/** Hidden files and folders ('.DS_Store', '.git/...') and the '__MACOSX' folder zip tools add. */
export const isIgnoredPath = (path: string): boolean => path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');

/** The dataset name for a folder or zip path: 'folder:' + its last component without '.zip'. */
export function folderDatasetName(source: string): string {
  const trimmed = source.replace(/[/\\]+$/, '');
  const base = trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
  return `folder:${base.replace(/\.zip$/i, '') || trimmed}`;
}

/** Extracts the image files of a .zip (other entries are counted, not inflated). */
export function unzipFolder(zip: { name: string; bytes: Uint8Array }): { files: FolderFile[]; ignored: number } {
  const b = zip.bytes;
  // Sizes bounded before inflating and again while inflating; unsafe paths refused (bounded-unzip.ts).
  const { files, skipped } = unzipBounded(
    b,
    { maxEntries: 1_000_000, maxEntryBytes: 256 * 1024 * 1024, maxTotalBytes: MAX_DATASET_FILE_BYTES, wanted: isImagePath },
    (problem) => new DatasetError(zip.name, problem),
  );
  return { files: [...files].map(([path, bytes]) => ({ path, bytes })), ignored: skipped };
}

/** Splits paths into components and removes wrapping folders shared by every path. */
function layout(files: readonly FolderFile[], source: string): { split: 'train' | 'test'; className: string; file: FolderFile }[] {
  let parts = files.map((f) => f.path.split('/').filter((p) => p.length > 0));
  for (;;) {
    const first = parts[0][0];
    const shared = parts.every((p) => p.length >= 3 && p[0] === first);
    if (!shared || SPLIT_FOLDERS.has(first)) break;
    parts = parts.map((p) => p.slice(1));
  }
  const depths = new Set(parts.map((p) => p.length));
  const usesSplits = depths.size === 1 && depths.has(3) && parts.every((p) => SPLIT_FOLDERS.has(p[0]));
  if (usesSplits) {
    if (!parts.some((p) => p[0] === 'train')) throw new DatasetError(source, 'has a test/ folder but no train/ folder');
    return parts.map((p, i) => ({ split: p[0] as 'train' | 'test', className: p[1], file: files[i] }));
  }
  if (depths.size === 1 && depths.has(2)) return parts.map((p, i) => ({ split: 'train', className: p[0], file: files[i] }));
  const loose = files.filter((_, i) => parts[i].length === 1).map((f) => f.path);
  throw new DatasetError(
    source,
    loose.length
      ? `has images outside any class folder (${listSome(loose)}); put each image in a sub-folder named after its class`
      : `mixes folder depths (${listSome(files.map((f) => f.path))}); expected <class>/<image>, or train/<class>/<image> and test/<class>/<image>`,
  );
}

/** Builds a dataset from a folder's files (all of them; non-image files are skipped and counted in a note). */
export function loadImageFolder(all: readonly FolderFile[], options: FolderOptions): ImageDataset {
  const { source } = options;
  const files = all.filter((f) => isImagePath(f.path));
  const skipped = all.length - files.length;
  if (files.length === 0) {
    throw new DatasetError(source, 'holds no PNG or JPEG images; expected one sub-folder per class of .png/.jpg files');
  }
  const placed = layout(files, source).sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  const classNames = [...new Set(placed.filter((p) => p.split === 'train').map((p) => p.className))].sort();
  const strays = placed.filter((p) => !classNames.includes(p.className));
  if (strays.length) {
    throw new DatasetError(source, `test/ has classes that train/ lacks: ${listSome([...new Set(strays.map((p) => p.className))])}`);
  }

  const decoded = placed.map((p) => decodeImage({ name: `${source}/${p.file.path}`, bytes: p.file.bytes }));
  const size = options.size ?? commonSize(decoded, placed.map((p) => p.file.path), source);
  const channels = decoded.some((d) => d.channels === 3) ? 3 : 1;
  const notes = [
    `${countOf(decoded.length, 'image')} in ${countOf(classNames.length, 'class', 'classes')}; ${channels === 1 ? 'grey (every pixel has R = G = B)' : 'RGB'}`,
  ];
  if (options.size) {
    const resized = decoded.filter((d) => d.height !== size.height || d.width !== size.width).length;
    notes.push(`${resized} of ${decoded.length} images resized to ${size.height}x${size.width} (bilinear)`);
  }
  if (decoded.some((d) => d.hadAlpha)) notes.push('alpha channels were dropped');
  if (skipped) notes.push(`skipped ${countOf(skipped, 'non-image file')} (not .png/.jpg)`);

  const build = (split: 'train' | 'test'): ImageSplit | null => {
    const members = placed.map((p, i) => ({ p, d: decoded[i] })).filter(({ p }) => p.split === split);
    if (members.length === 0) return null;
    const bytes = size.height * size.width * channels;
    const images = new Uint8Array(members.length * bytes);
    const labels = makeLabels(members.length, classNames.length);
    members.forEach(({ p, d }, n) => {
      labels[n] = classNames.indexOf(p.className);
      const fitted = d.height === size.height && d.width === size.width ? d.data : resizeBilinear(d.data, d.height, d.width, d.channels, size.height, size.width);
      writeChannels(fitted, d.channels, images.subarray(n * bytes, (n + 1) * bytes), channels);
    });
    return { images, labels, count: members.length };
  };
  const train = build('train')!;
  const test = build('test');
  if (!test) notes.push('no test/ folder: a test split is carved from the images');
  return validateDataset({ name: folderDatasetName(source), height: size.height, width: size.width, channels, classNames, train, test, notes });
}

/** The one size all images share, or a DatasetError listing the sizes found. */
function commonSize(decoded: readonly DecodedImage[], paths: readonly string[], source: string): { height: number; width: number } {
  const bySize = new Map<string, string[]>();
  decoded.forEach((d, i) => {
    const key = `${d.height}x${d.width}`;
    bySize.set(key, [...(bySize.get(key) ?? []), paths[i]]);
  });
  if (bySize.size > 1) {
    const sizes = [...bySize.entries()].sort((a, b) => b[1].length - a[1].length);
    const described = sizes.map(([key, list], i) => `${key} (${countOf(list.length, 'image')}${i > 0 ? `: ${listSome(list)}` : ''})`);
    throw new DatasetError(
      source,
      `mixes image sizes (height x width): ${described.join(', ')}. All images must have one size: resize them, ` +
        `or choose a size to resize them to (CLI: folder:<path>@${sizes[0][0]})`,
    );
  }
  return { height: decoded[0].height, width: decoded[0].width };
}

/** Copies HWC pixels from `from` to `to` channels (1 -> 3 repeats the grey value; 3 -> 1 never happens). */
function writeChannels(src: Uint8Array, from: number, dst: Uint8Array, to: number): void {
  if (from === to) {
    dst.set(src);
    return;
  }
  for (let p = 0; p < src.length; p++) dst[p * 3] = dst[p * 3 + 1] = dst[p * 3 + 2] = src[p];
}
