import { describe, expect, it } from 'vitest';
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { DatasetError } from '../../src/data/dataset-error.ts';
import { loadDatasetFromSpec } from '../../src/data/dataset-files-node.ts';
import { parseDatasetSpec } from '../../src/data/spec.ts';
import { cifarRecords, idxFile, patternBytes, pngFile, tarFile, useScratchDir } from '../helpers/dataset-files.ts';

const scratch = useScratchDir();
const write = (name: string, bytes: Uint8Array) => {
  const path = join(scratch(), name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
};
/** A sparse file: `size` bytes on paper, `head` written at its start, no disk used for the rest. */
const sparse = (name: string, size: number, head: Uint8Array) => {
  const path = join(scratch(), name);
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  closeSync(fd);
  truncateSync(path, size);
  return path;
};
const timed = async (work: () => Promise<unknown>) => {
  const start = performance.now();
  const error = await work().then(() => null, (e: Error) => e);
  return { error, ms: performance.now() - start };
};

describe('dataset specs', () => {
  it('parses every form', () => {
    expect(parseDatasetSpec('mnist')).toEqual({ kind: 'mnist' });
    expect(parseDatasetSpec('fashion-mnist')).toEqual({ kind: 'fashion-mnist', dir: '/usr/share/datasets/fashion-mnist' });
    expect(parseDatasetSpec('fashion-mnist:/x')).toEqual({ kind: 'fashion-mnist', dir: '/x' });
    expect(parseDatasetSpec('idx:a,b')).toEqual({ kind: 'idx', train: { images: 'a', labels: 'b' } });
    expect(parseDatasetSpec('idx:a,b;c,d')).toEqual({ kind: 'idx', train: { images: 'a', labels: 'b' }, test: { images: 'c', labels: 'd' } });
    expect(parseDatasetSpec('cifar10:c.tar.gz')).toEqual({ kind: 'cifar10', path: 'c.tar.gz' });
    expect(parseDatasetSpec('cifar100:/d')).toEqual({ kind: 'cifar100', path: '/d' });
    expect(parseDatasetSpec('folder:pets.zip')).toEqual({ kind: 'folder', path: 'pets.zip' });
    expect(parseDatasetSpec('folder:/a@b/pets@64x48')).toEqual({ kind: 'folder', path: '/a@b/pets', size: { height: 64, width: 48 } });
  });

  it('rejects malformed specs, listing the accepted forms', () => {
    expect(() => parseDatasetSpec('imagenet:/x')).toThrow(/^dataset spec 'imagenet:\/x': 'imagenet' is not a dataset kind; expected mnist \| fashion-mnist/);
    expect(() => parseDatasetSpec('idx:a')).toThrow(/idx needs an images file and a labels file/);
    expect(() => parseDatasetSpec('idx:a,b;c')).toThrow(DatasetError);
    expect(() => parseDatasetSpec('cifar10')).toThrow(/cifar10 needs the path/);
    expect(() => parseDatasetSpec('mnist:/x')).toThrow(/built-in MNIST takes no path/);
    expect(() => parseDatasetSpec('folder:x@0x5')).toThrow(/image size 0x5 is outside/);
  });
});

describe('loading from files', () => {
  it('loads idx: pairs, raw and gzipped', async () => {
    const trainImages = write('idx/train-img', idxFile([3, 2, 2], patternBytes(3, 2, 2, 1)));
    const trainLabels = write('idx/train-lbl.gz', gzipSync(idxFile([3], [0, 1, 1])));
    const testImages = write('idx/test-img.gz', gzipSync(idxFile([1, 2, 2], patternBytes(1, 2, 2, 1, 4))));
    const testLabels = write('idx/test-lbl', idxFile([1], [1]));
    const d = await loadDatasetFromSpec(`idx:${trainImages},${trainLabels};${testImages},${testLabels}`);
    expect([d.name, d.train.count, d.test!.count, d.classNames]).toEqual(['idx:train-img', 3, 1, ['0', '1']]);
  });

  it('rejects a gzipped IDX whose trailer disagrees with its header before inflating it', async () => {
    const gz = gzipSync(idxFile([40, 8, 8], patternBytes(40, 8, 8, 1)));
    const cut = write('idx/cut.gz', gz.subarray(0, gz.length - 20));
    const labels = write('idx/l40', idxFile([40], new Array(40).fill(0)));
    await expect(loadDatasetFromSpec(`idx:${cut},${labels}`)).rejects.toThrow(/cut\.gz: is truncated or damaged: its IDX header declares 40x8x8 elements/);
  });

  it('rejects huge files that are not datasets after reading only their first bytes', async () => {
    // 1.5 GiB on paper (sparse: no disk used). Reading it all would take seconds and 1.5 GiB of memory.
    const junk = sparse('huge.bin', 1.5 * 2 ** 30, new TextEncoder().encode('this is a disk image, not a dataset'));
    const labels = write('huge-labels', idxFile([1], [0]));
    for (const [spec, message] of [
      [`idx:${junk},${labels}`, /huge\.bin: is not an IDX file: it starts with 74 68 69 73/],
      [`cifar10:${junk}`, /huge\.bin: is not a whole number of CIFAR-10 records/],
      [`folder:${junk}`, /huge\.bin: is neither a directory nor a zip archive/],
    ] as const) {
      const { error, ms } = await timed(() => loadDatasetFromSpec(spec));
      expect(error?.message).toMatch(message);
      expect(ms).toBeLessThan(1000);
    }
    // A valid IDX header with the wrong file size is caught from the header and the size alone.
    const header = sparse('huge-idx', 2 ** 30, idxFile([10, 28, 28], []).subarray(0, 16));
    const { error, ms } = await timed(() => loadDatasetFromSpec(`idx:${header},${labels}`));
    expect(error?.message).toMatch(/huge-idx: has 1073733968 bytes after the 10x28x28 elements/);
    expect(ms).toBeLessThan(1000);
    const tooBig = sparse('too-big.tar.gz', 3 * 2 ** 30, new Uint8Array([0x1f, 0x8b]));
    await expect(loadDatasetFromSpec(`cifar10:${tooBig}`)).rejects.toThrow(/too-big\.tar\.gz: is 3\.00 GiB, more than the 2\.00 GiB a dataset file may be/);
    const gzNotTar = write('not-tar.tar.gz', gzipSync(new Uint8Array(4096).fill(65)));
    await expect(loadDatasetFromSpec(`cifar10:${gzNotTar}`)).rejects.toThrow(/not-tar\.tar\.gz: is gzipped but does not hold a tar archive/);
  });

  it('names missing files and folders', async () => {
    await expect(loadDatasetFromSpec(`idx:${join(scratch(), 'nope')},x`)).rejects.toThrow(/nope: does not exist/);
    await expect(loadDatasetFromSpec(`fashion-mnist:${scratch()}`)).rejects.toThrow(/holds no train-images-idx3-ubyte \(or train-images-idx3-ubyte\.gz\)/);
    await expect(loadDatasetFromSpec(`idx:${scratch()},x`)).rejects.toThrow(/is a directory, expected a file/);
  });

  it('loads CIFAR from a folder of .bin files and from one .bin, checking each batch first', async () => {
    const pixel = (n: number, c: number) => n + c;
    write('c10/data_batch_2.bin', cifarRecords([3, 4], pixel));
    write('c10/test_batch.bin', cifarRecords([5], pixel));
    const d = await loadDatasetFromSpec(`cifar10:${join(scratch(), 'c10')}`);
    expect([d.train.count, d.test!.count]).toEqual([2, 1]);
    expect(d.notes).toContain('loaded 1 of 5 CIFAR-10 training batches: data_batch_2.bin');
    const single = await loadDatasetFromSpec(`cifar10:${join(scratch(), 'c10', 'data_batch_2.bin')}`);
    expect(single.train.count).toBe(2);
    write('c10bad/data_batch_1.bin', cifarRecords([1], pixel).subarray(0, 3000));
    await expect(loadDatasetFromSpec(`cifar10:${join(scratch(), 'c10bad')}`)).rejects.toThrow(/data_batch_1\.bin: is not a whole number of CIFAR-10 records/);
    const tar = write('c100.tar', tarFile([{ name: 'cifar-100-binary/train.bin', data: cifarRecords([7], pixel, [2]) }]));
    expect((await loadDatasetFromSpec(`cifar100:${tar}`)).train.labels[0]).toBe(7);
  });

  it('loads image folders from a directory (resized on request) and from a .zip', async () => {
    const png = (w: number, h: number) => pngFile(w, h, 3, patternBytes(1, h, w, 3));
    write('pets/cat/1.png', png(6, 4));
    write('pets/dog/1.png', png(8, 8));
    write('pets/.DS_Store', new Uint8Array(3));
    write('pets/dog/notes.txt', new Uint8Array(3));
    const dir = join(scratch(), 'pets');
    await expect(loadDatasetFromSpec(`folder:${dir}`)).rejects.toThrow(/pets: mixes image sizes/);
    const d = await loadDatasetFromSpec(`folder:${dir}@4x4`);
    expect([d.name, d.height, d.width, d.channels, d.classNames]).toEqual(['folder:pets', 4, 4, 3, ['cat', 'dog']]);
    expect(d.notes).toContain('skipped 1 non-image file (not .png/.jpg)');
    const zip = write('flowers.zip', zipSync({ 'flowers/rose/a.png': png(3, 3), 'flowers/tulip/b.png': png(3, 3) }));
    const z = await loadDatasetFromSpec(`folder:${zip}`);
    expect([z.name, z.train.count, z.classNames]).toEqual(['folder:flowers', 2, ['rose', 'tulip']]);
    write('empty/cat/readme.txt', new Uint8Array(1));
    await expect(loadDatasetFromSpec(`folder:${join(scratch(), 'empty')}`)).rejects.toThrow(/empty: holds no PNG or JPEG images/);
  });
});
