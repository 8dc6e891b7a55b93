/**
 * Synthetic dataset files for the data tests: IDX, tar, CIFAR records, PNG, JPEG and zip, built in memory
 * with the formats' own definitions (and fflate / fast-png / jpeg-js for compression), plus a scratch
 * directory that is removed after the test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { encode as encodePng, type ImageData as PngImageData } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import type { ImageDataset } from '../../src/data/dataset.ts';

/** An IDX file: 00 00 type ndims, big-endian u32 dims, then the elements (u8 unless another type is given). */
export function idxFile(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const header = 4 + 4 * dims.length;
  const elementBytes = type === 0x08 || type === 0x09 ? 1 : type === 0x0b ? 2 : type === 0x0e ? 8 : 4;
  const out = new Uint8Array(header + data.length * elementBytes);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  if (elementBytes === 1) out.set(Array.from(data, (v) => v & 0xff), header);
  return out;
}

/** Deterministic image bytes: a pattern that differs per image, row, column and channel. */
export function patternBytes(count: number, height: number, width: number, channels: number, salt = 0): Uint8Array {
  const out = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + salt * 101 + (i >> 7)) & 0xff;
  return out;
}

/** A POSIX ustar archive of regular files (names up to 100 bytes), ending with two zero blocks. */
export function tarFile(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const ascii = (header: Uint8Array, offset: number, text: string) => header.set(new TextEncoder().encode(text), offset);
  for (const entry of entries) {
    const header = new Uint8Array(512);
    ascii(header, 0, entry.name);
    ascii(header, 100, '0000644\0');
    ascii(header, 108, '0000000\0');
    ascii(header, 116, '0000000\0');
    ascii(header, 124, `${entry.data.length.toString(8).padStart(11, '0')}\0`);
    ascii(header, 136, '00000000000\0');
    ascii(header, 156, '0');
    ascii(header, 257, 'ustar\u000000');
    ascii(header, 148, '        ');
    const sum = header.reduce((a, b) => a + b, 0);
    ascii(header, 148, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(header, entry.data, new Uint8Array((512 - (entry.data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * CIFAR records: for each image, the label byte(s) then 3072 planar bytes (R plane, G plane, B plane).
 * `pixel(n, c, y, x)` gives the value; `coarse` adds CIFAR-100's leading coarse label.
 */
export function cifarRecords(labels: number[], pixel: (n: number, c: number, y: number, x: number) => number, coarse?: number[]): Uint8Array {
  const labelBytes = coarse ? 2 : 1;
  const record = labelBytes + 3072;
  const out = new Uint8Array(labels.length * record);
  labels.forEach((label, n) => {
    const base = n * record;
    if (coarse) out[base] = coarse[n];
    out[base + labelBytes - 1] = label;
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[base + labelBytes + c * 1024 + y * 32 + x] = pixel(n, c, y, x);
    }
  });
  return out;
}

/** A PNG of the given samples (channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; depth 8 or 16). */
export function pngFile(width: number, height: number, channels: number, data: Uint8Array | Uint16Array, depth: 8 | 16 = 8): Uint8Array {
  const image: PngImageData = { width, height, channels, depth, data };
  return encodePng(image);
}

/** A baseline JPEG of RGB(A) pixels at quality 95. */
export function jpegFile(width: number, height: number, rgba: Uint8Array): Uint8Array {
  return new Uint8Array(encodeJpeg({ width, height, data: rgba }, 95).data);
}

/** A scratch directory for this test file, removed in afterAll. */
export function useScratchDir(prefix = 'aom-data-'): () => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/**
 * An in-memory dataset with `perClass[k]` training images of class k (labels interleaved, not sorted, so a
 * split that forgets to stratify shows), pattern pixels, and optionally `testCount` test images.
 */
export function syntheticDataset(perClass: number[], shape: [number, number, number] = [4, 3, 2], testCount = 0): ImageDataset {
  const [height, width, channels] = shape;
  const labels: number[] = [];
  const remaining = [...perClass];
  while (remaining.some((n) => n > 0)) {
    remaining.forEach((n, k) => {
      if (n > 0) {
        labels.push(k);
        remaining[k]--;
      }
    });
  }
  const split = (count: number, salt: number, labelOf: (i: number) => number) => ({
    images: patternBytes(count, height, width, channels, salt),
    labels: Uint8Array.from({ length: count }, (_, i) => labelOf(i)),
    count,
  });
  return {
    name: 'synthetic',
    height,
    width,
    channels,
    classNames: perClass.map((_, k) => `class ${k}`),
    train: split(labels.length, 1, (i) => labels[i]),
    test: testCount ? split(testCount, 2, (i) => i % perClass.length) : null,
    notes: [],
  };
}
