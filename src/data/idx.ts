/**
 * IDX files (the format of MNIST, Fashion-MNIST, KMNIST and EMNIST), raw or gzipped.
 *
 * Layout: bytes 0-1 are zero, byte 2 the element type (0x08 = u8, the only one image datasets use), byte 3
 * the number of dimensions d; then d big-endian u32 sizes; then the elements in row-major order.
 * Images are [n, rows, cols] (or [n, rows, cols, channels]); labels are [n].
 * Note: EMNIST stores every image transposed (column-major); we load it as stored, as other tools do.
 */
import { DatasetError } from './dataset-error.ts';
import { makeLabels, validateDataset, type ImageDataset, type ImageSplit, type NamedBytes } from './dataset.ts';
import { gunzipFile, isGzip } from './gzip.ts';

/** IDX element types: code -> [name, bytes per element]. */
const ELEMENT_TYPES: Record<number, [string, number]> = {
  0x08: ['unsigned byte', 1],
  0x09: ['signed byte', 1],
  0x0b: ['short', 2],
  0x0c: ['int', 4],
  0x0d: ['float', 4],
  0x0e: ['double', 8],
};

export interface IdxHeader {
  /** Element type code (0x08 for u8). */
  type: number;
  dims: number[];
  /** 4 + 4 * dims.length. */
  headerBytes: number;
  /** Bytes the elements take: product of dims times the element size. */
  dataBytes: number;
}

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * Reads an IDX header from the first bytes of a file (16 are enough for images). Throws on a wrong magic
 * number, so a file that is not IDX is rejected after reading a few bytes of it.
 */
export function parseIdxHeader(bytes: Uint8Array, file: string): IdxHeader {
  if (bytes.length < 4) throw new DatasetError(file, `is truncated: ${bytes.length} bytes, shorter than an IDX magic number`);
  const type = bytes[2];
  const ndims = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !(type in ELEMENT_TYPES) || ndims < 1) {
    throw new DatasetError(
      file,
      `is not an IDX file: it starts with ${hex(bytes.subarray(0, 4))}, expected 00 00 <type 08..0e> <dimensions>`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new DatasetError(file, `is truncated inside its IDX header (${bytes.length} of ${headerBytes} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const dataBytes = dims.reduce((a, b) => a * b, 1) * ELEMENT_TYPES[type][1];
  return { type, dims, headerBytes, dataBytes };
}

/** Throws unless a file of `totalBytes` holds exactly the header and the elements it declares. */
export function checkIdxSize(header: IdxHeader, totalBytes: number, file: string): void {
  const expected = header.headerBytes + header.dataBytes;
  const shape = header.dims.join('x');
  if (totalBytes < expected) {
    throw new DatasetError(file, `is truncated: its IDX header declares ${shape} elements (${expected} bytes) but the file has ${totalBytes} bytes`);
  }
  if (totalBytes > expected) {
    throw new DatasetError(file, `has ${totalBytes - expected} bytes after the ${shape} elements its IDX header declares; it is not a plain IDX file`);
  }
}

/** Parses a whole IDX file (gunzipping it first when it starts with the gzip magic) of u8 elements. */
export function parseIdx(input: NamedBytes): { dims: number[]; data: Uint8Array } {
  const bytes = isGzip(input.bytes) ? gunzipFile(input.bytes, input.name) : input.bytes;
  const header = parseIdxHeader(bytes, input.name);
  checkIdxSize(header, bytes.length, input.name);
  if (header.type !== 0x08) {
    throw new DatasetError(input.name, `holds ${ELEMENT_TYPES[header.type][0]} elements; image datasets must be unsigned bytes (type 0x08)`);
  }
  return { dims: header.dims, data: bytes.subarray(header.headerBytes) };
}

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  channels: number;
  /** NHWC bytes, a view into the file. */
  images: Uint8Array;
}

/** An IDX images file: [n, rows, cols] (grey) or [n, rows, cols, 1 | 3]. */
export function readIdxImages(input: NamedBytes): IdxImages {
  const { dims, data } = parseIdx(input);
  if (dims.length !== 3 && dims.length !== 4) {
    throw new DatasetError(input.name, `has IDX shape ${dims.join('x')}; an images file is [count, rows, cols] or [count, rows, cols, channels]`);
  }
  const [count, height, width, channels = 1] = dims;
  if (channels !== 1 && channels !== 3) throw new DatasetError(input.name, `has ${channels} channels per pixel; only 1 (grey) or 3 (RGB) are supported`);
  if (height < 1 || width < 1) throw new DatasetError(input.name, `declares empty ${height}x${width} images`);
  return { count, height, width, channels, images: data };
}

/** An IDX labels file: [n] unsigned bytes. */
export function readIdxLabels(input: NamedBytes): Uint8Array {
  const { dims, data } = parseIdx(input);
  if (dims.length !== 1) throw new DatasetError(input.name, `has IDX shape ${dims.join('x')}; a labels file is one-dimensional [count]`);
  return data;
}

export interface IdxPair {
  images: NamedBytes;
  labels: NamedBytes;
}

export interface IdxDatasetOptions {
  name: string;
  /** Class names; without them the classes are named by their label numbers '0', '1', .... */
  classNames?: string[];
  notes?: string[];
}

function readPair(pair: IdxPair): { images: IdxImages; labels: Uint8Array } {
  const images = readIdxImages(pair.images);
  const labels = readIdxLabels(pair.labels);
  if (labels.length !== images.count) {
    throw new DatasetError(
      pair.labels.name,
      `holds ${labels.length} labels but ${pair.images.name} holds ${images.count} images; the two files must describe the same images`,
    );
  }
  return { images, labels };
}

/** Builds a dataset from an IDX training pair and an optional test pair. */
export function loadIdxDataset(files: { train: IdxPair; test?: IdxPair }, options: IdxDatasetOptions): ImageDataset {
  const train = readPair(files.train);
  const test = files.test ? readPair(files.test) : null;
  const shape = (i: IdxImages) => `${i.height}x${i.width}x${i.channels}`;
  if (test && shape(test.images) !== shape(train.images)) {
    throw new DatasetError(files.test!.images.name, `holds ${shape(test.images)} images but the training images are ${shape(train.images)}`);
  }
  let maxLabel = 0;
  for (const [pair, part] of [[files.train, train], [files.test, test]] as const) {
    if (!pair || !part) continue;
    for (let i = 0; i < part.labels.length; i++) {
      const label = part.labels[i];
      if (options.classNames && label >= options.classNames.length) {
        throw new DatasetError(pair.labels.name, `label ${i} is ${label}, but ${options.name} has only ${options.classNames.length} classes`);
      }
      if (label > maxLabel) maxLabel = label;
    }
  }
  const classNames = options.classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  const split = (part: { images: IdxImages; labels: Uint8Array }): ImageSplit => {
    const labels = makeLabels(part.images.count, classNames.length);
    labels.set(part.labels);
    return { images: part.images.images, labels, count: part.images.count };
  };
  return validateDataset({
    name: options.name,
    height: train.images.height,
    width: train.images.width,
    channels: train.images.channels,
    classNames,
    train: split(train),
    test: test ? split(test) : null,
    notes: [...(options.notes ?? []), ...(test ? [] : ['no test files were given: a test split is carved from the training images'])],
  });
}
