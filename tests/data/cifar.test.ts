import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'fflate';
import { CIFAR10_CLASS_NAMES, loadCifarArchive, loadCifarFiles } from '../../src/data/cifar.ts';
import { DatasetError } from '../../src/data/dataset-error.ts';
import type { ImageDataset } from '../../src/data/dataset.ts';
import { readTar } from '../../src/data/tar.ts';
import { cifarRecords, tarFile } from '../helpers/dataset-files.ts';

/** Pixel value of synthetic image n, channel c, row y, column x: distinct per plane so a transposition shows. */
const pixel = (n: number, c: number, y: number, x: number) => (n * 13 + c * 80 + y * 3 + x * 5) & 0xff;
const meta = new TextEncoder().encode(CIFAR10_CLASS_NAMES.map((n) => n.toUpperCase()).join('\n') + '\n\n');
const batch = (labels: number[]) => cifarRecords(labels, pixel);

describe('CIFAR binary', () => {
  it('converts planar records to NHWC and loads a subset of training batches with a note', () => {
    const tar = tarFile([
      { name: 'cifar-10-batches-bin/batches.meta.txt', data: meta },
      { name: 'cifar-10-batches-bin/data_batch_3.bin', data: batch([7, 8]) },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: batch([1, 2, 3]) },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: batch([4]) },
      { name: 'cifar-10-batches-bin/readme.html', data: new Uint8Array(10) },
    ]);
    const d = loadCifarArchive({ name: 'c10.tar.gz', bytes: gzipSync(tar) }, 'cifar10');
    expect(d.name).toBe('cifar10');
    expect([d.height, d.width, d.channels]).toEqual([32, 32, 3]);
    expect(d.classNames[0]).toBe('AIRPLANE'); // read from batches.meta.txt, not the built-in list
    // Batches in numeric order (1 then 3), whatever their order in the archive.
    expect(Array.from(d.train.labels)).toEqual([1, 2, 3, 7, 8]);
    expect(d.notes).toContain('loaded 2 of 5 CIFAR-10 training batches: data_batch_1.bin, data_batch_3.bin');
    // NHWC: image 3 (first of batch 3, synthetic n = 0), row 5, column 9, channel 2 (blue).
    expect(d.train.images[3 * 3072 + (5 * 32 + 9) * 3 + 2]).toBe(pixel(0, 2, 5, 9));
    expect(d.train.images[1 * 3072 + (31 * 32 + 0) * 3 + 1]).toBe(pixel(1, 1, 31, 0));
    expect(d.test!.count).toBe(1);
  });

  it('loads CIFAR-100 fine labels; missing names and test fall back with notes', () => {
    const train = cifarRecords([99, 0, 42], pixel, [19, 0, 5]);
    const d = loadCifarFiles([{ name: 'dir/train.bin', bytes: train }], 'cifar100', 'dir');
    expect(Array.from(d.train.labels)).toEqual([99, 0, 42]);
    expect(d.classNames.length).toBe(100);
    expect([d.classNames[0], d.classNames[99]]).toEqual(['apple', 'worm']);
    expect(d.test).toBeNull();
    expect(d.notes.join('\n')).toMatch(/no test\.bin: a test split is carved/);
    expect(d.notes.join('\n')).toMatch(/no fine_label_names\.txt: using the official CIFAR-100 class names/);
  });

  it('rejects a tar without the expected members, listing what it holds', () => {
    const tar = tarFile([{ name: 'x/notes.txt', data: new Uint8Array(3) }, { name: 'x/test_batch.bin', data: batch([0]) }]);
    expect(() => loadCifarArchive({ name: 'odd.tar', bytes: tar }, 'cifar10')).toThrow(DatasetError);
    expect(() => loadCifarArchive({ name: 'odd.tar', bytes: tar }, 'cifar10')).toThrow(
      /^odd\.tar: holds no CIFAR-10 training batch \(expected data_batch_1\.bin, .*\); found odd\.tar:x\/notes\.txt, odd\.tar:x\/test_batch\.bin/,
    );
    const c100 = tarFile([{ name: 'cifar-100-binary/train.bin', data: cifarRecords([1], pixel, [1]) }]);
    expect(() => loadCifarArchive({ name: 'c100.tar', bytes: c100 }, 'cifar10')).toThrow(/look like CIFAR-100 files: use the cifar100: spec/);
  });

  it('rejects truncated batches, bad labels, bad class lists and duplicates', () => {
    const whole = batch([1, 2]);
    expect(() => loadCifarFiles([{ name: 'data_batch_1.bin', bytes: whole.subarray(0, 5000) }], 'cifar10', 'd')).toThrow(
      /^data_batch_1\.bin: is not a whole number of CIFAR-10 records: 5000 bytes is not a multiple of 3073/,
    );
    const badLabel = whole.slice();
    badLabel[3073] = 200;
    expect(() => loadCifarFiles([{ name: 'data_batch_1.bin', bytes: badLabel }], 'cifar10', 'd')).toThrow(
      /data_batch_1\.bin: is not a CIFAR-10 batch: record 1 has label 200, but there are 10 classes/,
    );
    const shortMeta = new TextEncoder().encode('cat\ndog\n');
    expect(() =>
      loadCifarFiles([{ name: 'data_batch_1.bin', bytes: whole }, { name: 'batches.meta.txt', bytes: shortMeta }], 'cifar10', 'd'),
    ).toThrow(/batches\.meta\.txt: lists 2 class names; CIFAR-10 has 10/);
    expect(() =>
      loadCifarFiles([{ name: 'a/data_batch_1.bin', bytes: whole }, { name: 'b/data_batch_1.bin', bytes: whole }], 'cifar10', 'd'),
    ).toThrow(/d: holds data_batch_1\.bin twice \(a\/data_batch_1\.bin and b\/data_batch_1\.bin\)/);
  });

  it('rejects truncated and non-tar archives', () => {
    const tar = tarFile([{ name: 'data_batch_1.bin', data: batch([1, 2]) }]);
    expect(() => readTar(tar.subarray(0, 4000), 'cut.tar')).toThrow(/^cut\.tar: is truncated: member data_batch_1\.bin needs 6146 bytes from byte 512/);
    expect(() => readTar(new Uint8Array(2048).fill(7), 'junk.tar')).toThrow(/junk\.tar: is not a tar archive/);
    expect(() => loadCifarArchive({ name: 'cut.tar.gz', bytes: gzipSync(tar).subarray(0, 100) }, 'cifar10')).toThrow(/cut\.tar\.gz: is truncated/);
    const damaged = tar.slice();
    damaged[1024 + 6144 + 10] = 1; // a non-zero byte where the end-of-archive block should be
    expect(() => readTar(damaged, 'bad.tar')).toThrow(/bad\.tar: is damaged: the block at byte 7168 is not a tar header/);
  });
});

describe('the CIFAR-10 sample (../shared/data/cifar-10-sample.tar.gz)', () => {
  const path = '../shared/data/cifar-10-sample.tar.gz'; // relative to the repo root: CI clones the repo beside shared/
  let dataset: ImageDataset;
  let tar: Uint8Array;
  beforeAll(() => {
    const gz = new Uint8Array(readFileSync(path));
    tar = gunzipSync(gz); // once per file: the archive is 58 MB
    dataset = loadCifarArchive({ name: path, bytes: tar }, 'cifar10'); // the loader accepts an already-inflated .tar too
  });

  it('holds one training batch and the test batch, with the official class names', () => {
    expect(dataset.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect([dataset.train.count, dataset.test!.count]).toEqual([10000, 10000]);
    expect(dataset.notes).toEqual(['loaded 1 of 5 CIFAR-10 training batches: data_batch_1.bin']);
    const perClass = new Array(10).fill(0);
    for (const l of dataset.test!.labels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(1000)); // the official test batch is balanced
  });

  it('matches the raw records byte for byte (independent indexing)', () => {
    const member = readTar(tar, path).find((e) => e.name.endsWith('data_batch_1.bin'))!;
    for (const n of [0, 1, 4567, 9999]) {
      const record = member.data.subarray(n * 3073, (n + 1) * 3073);
      expect(dataset.train.labels[n]).toBe(record[0]);
      for (const [y, x, c] of [[0, 0, 0], [31, 31, 2], [7, 20, 1]]) {
        expect(dataset.train.images[n * 3072 + y * 96 + x * 3 + c]).toBe(record[1 + c * 1024 + y * 32 + x]);
      }
    }
  });
});
