import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { encode as encodePng } from 'fast-png';
import { DatasetError } from '../../src/data/dataset-error.ts';
import { decodeImage } from '../../src/data/image-decode.ts';
import { folderDatasetName, loadImageFolder, unzipFolder, type FolderFile } from '../../src/data/image-folder.ts';
import { resizeBilinear } from '../../src/data/resize.ts';
import { jpegFile, patternBytes, pngFile } from '../helpers/dataset-files.ts';

const grey = (w: number, h: number, salt = 0) => pngFile(w, h, 1, patternBytes(1, h, w, 1, salt));
const rgb = (w: number, h: number, salt = 0) => pngFile(w, h, 3, patternBytes(1, h, w, 3, salt));

describe('image decoding', () => {
  it('decodes grey, grey+alpha, RGB, RGBA and 16-bit PNGs to grey or RGB bytes', () => {
    const g = decodeImage({ name: 'g.png', bytes: grey(3, 2) });
    expect([g.width, g.height, g.channels, g.hadAlpha]).toEqual([3, 2, 1, false]);
    expect(g.data).toEqual(patternBytes(1, 2, 3, 1));

    const ga = new Uint8Array([10, 255, 20, 0, 30, 128]);
    expect(decodeImage({ name: 'ga.png', bytes: pngFile(3, 1, 2, ga) })).toMatchObject({ channels: 1, hadAlpha: true, data: new Uint8Array([10, 20, 30]) });

    const c = decodeImage({ name: 'c.png', bytes: rgb(4, 3) });
    expect([c.channels, c.data]).toEqual([3, patternBytes(1, 3, 4, 3)]);

    // RGBA whose colour pixels are all grey counts as grey.
    const rgba = new Uint8Array([5, 5, 5, 255, 9, 9, 9, 0]);
    expect(decodeImage({ name: 'a.png', bytes: pngFile(2, 1, 4, rgba) })).toMatchObject({ channels: 1, hadAlpha: true, data: new Uint8Array([5, 9]) });

    const deep = new Uint16Array([0, 257, 65535, 32896]);
    expect(decodeImage({ name: 'd.png', bytes: pngFile(2, 2, 1, deep, 16) }).data).toEqual(new Uint8Array([0, 1, 255, 128]));
  });

  it('expands palettes and low bit depths', () => {
    // 2-bit palette image, 3x1: indices 2, 0, 1 (packed MSB first: 10 00 01 00 = 0x84).
    const palette = encodePng({ width: 3, height: 1, depth: 2, channels: 1, data: new Uint8Array([0x84]), palette: [[255, 0, 0], [0, 255, 0], [0, 0, 255]] });
    expect(decodeImage({ name: 'p.png', bytes: palette })).toMatchObject({ channels: 3, data: new Uint8Array([0, 0, 255, 255, 0, 0, 0, 255, 0]) });
    // 1-bit grey, 10x1 (rows are byte-aligned: 2 bytes), bits 1011000001 -> 255, 0, 255, 255, 0, ..., 255.
    const bits = encodePng({ width: 10, height: 1, depth: 1, channels: 1, data: new Uint8Array([0b10110000, 0b01000000]) });
    expect(Array.from(decodeImage({ name: 'b.png', bytes: bits }).data)).toEqual([255, 0, 255, 255, 0, 0, 0, 0, 0, 255]);
  });

  it('decodes JPEGs (grey content becomes one channel)', () => {
    const flat = new Uint8Array(8 * 8 * 4).fill(200);
    const j = decodeImage({ name: 'j.jpg', bytes: jpegFile(8, 8, flat) });
    expect([j.width, j.height, j.channels]).toEqual([8, 8, 1]);
    expect(Math.abs(j.data[27] - 200)).toBeLessThanOrEqual(2); // JPEG is lossy; a flat grey survives within rounding
    const red = new Uint8Array(8 * 8 * 4);
    for (let p = 0; p < 64; p++) red.set([220, 30, 30, 255], p * 4);
    expect(decodeImage({ name: 'r.jpg', bytes: jpegFile(8, 8, red) }).channels).toBe(3);
  });

  it('names the file of an image that is not one', () => {
    expect(() => decodeImage({ name: 'pets/cat/x.png', bytes: new TextEncoder().encode('hello') })).toThrow(
      /^pets\/cat\/x\.png: is neither a PNG nor a JPEG image/,
    );
    const cut = grey(16, 16).subarray(0, 40);
    expect(() => decodeImage({ name: 'cut.png', bytes: cut })).toThrow(/^cut\.png: is not a valid PNG image/);
  });

  it('resizes bilinearly with half-pixel centres', () => {
    // 1x2 -> 1x4: source x = (ox + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp -> 0, 0.25, 0.75, 1.
    expect(Array.from(resizeBilinear(new Uint8Array([0, 100]), 1, 2, 1, 1, 4))).toEqual([0, 25, 75, 100]);
    // 4x4 -> 2x2 averages each 2x2 block's centre: source 0.5 between pixels 0 and 1.
    const src = Uint8Array.from({ length: 16 }, (_, i) => i * 10);
    expect(Array.from(resizeBilinear(src, 4, 4, 1, 2, 2))).toEqual([25, 45, 105, 125]);
  });
});

describe('image folders', () => {
  const file = (path: string, bytes: Uint8Array): FolderFile => ({ path, bytes });

  it('loads one sub-folder per class, sorted, with labels by class order', () => {
    const d = loadImageFolder(
      [file('dog/b.png', grey(4, 3, 1)), file('cat/a.png', grey(4, 3, 2)), file('dog/a.png', grey(4, 3, 3)), file('README.md', new Uint8Array(3))],
      { source: '/data/pets' },
    );
    expect(d.name).toBe('folder:pets');
    expect(d.classNames).toEqual(['cat', 'dog']);
    expect([d.height, d.width, d.channels, d.train.count]).toEqual([3, 4, 1, 3]);
    expect(Array.from(d.train.labels)).toEqual([0, 1, 1]); // cat/a, dog/a, dog/b
    expect(d.train.images.subarray(12, 24)).toEqual(patternBytes(1, 3, 4, 1, 3)); // dog/a.png
    expect(d.test).toBeNull();
    expect(d.notes.join('\n')).toMatch(/skipped 1 non-image file \(not \.png\/\.jpg\)/);
  });

  it('makes the dataset RGB when any image has colour, repeating grey images into R, G, B', () => {
    const d = loadImageFolder([file('a/1.png', grey(2, 2, 5)), file('b/1.png', rgb(2, 2))], { source: 'mixed' });
    expect(d.channels).toBe(3);
    const g = patternBytes(1, 2, 2, 1, 5);
    expect(Array.from(d.train.images.subarray(0, 6))).toEqual([g[0], g[0], g[0], g[1], g[1], g[1]]);
  });

  it('reads a zip, skipping a wrapping folder and macOS metadata, with train/ and test/ splits', () => {
    const zip = zipSync({
      'pets/train/cat/1.png': grey(5, 5, 1),
      'pets/train/dog/1.png': grey(5, 5, 2),
      'pets/test/dog/2.png': grey(5, 5, 3),
      'pets/notes.txt': new Uint8Array(4),
      '__MACOSX/pets/train/cat/._1.png': new Uint8Array(9),
    });
    const { files, ignored } = unzipFolder({ name: 'pets.zip', bytes: zip });
    expect(ignored).toBe(2);
    const d = loadImageFolder(files, { source: 'pets.zip' });
    expect(d.name).toBe('folder:pets');
    expect([d.train.count, d.test!.count, d.classNames]).toEqual([2, 1, ['cat', 'dog']]);
    expect(Array.from(d.test!.labels)).toEqual([1]);
  });

  it('rejects a folder of mixed sizes, listing them, unless a size is asked for', () => {
    const files = [file('a/1.png', grey(4, 4)), file('a/2.png', grey(4, 4)), file('b/3.png', grey(6, 5))];
    expect(() => loadImageFolder(files, { source: 'shapes' })).toThrow(DatasetError);
    expect(() => loadImageFolder(files, { source: 'shapes' })).toThrow(
      /^shapes: mixes image sizes \(height x width\): 4x4 \(2 images\), 5x6 \(1 image: b\/3\.png\)\. .*folder:<path>@4x4/,
    );
    const d = loadImageFolder(files, { source: 'shapes', size: { height: 4, width: 4 } });
    expect([d.height, d.width, d.train.count]).toEqual([4, 4, 3]);
    expect(d.notes).toContain('1 of 3 images resized to 4x4 (bilinear)');
    expect(d.train.images.subarray(32, 48)).toEqual(resizeBilinear(patternBytes(1, 5, 6, 1), 5, 6, 1, 4, 4));
  });

  it('rejects empty folders, loose images, mixed depths and bad archives', () => {
    expect(() => loadImageFolder([], { source: 'empty' })).toThrow(/^empty: holds no PNG or JPEG images/);
    expect(() => loadImageFolder([file('notes.txt', new Uint8Array(1))], { source: 'txt' })).toThrow(/^txt: holds no PNG or JPEG images/);
    expect(() => loadImageFolder([file('a.png', grey(2, 2)), file('b/c.png', grey(2, 2))], { source: 'flat' })).toThrow(
      /^flat: has images outside any class folder \(a\.png\)/,
    );
    expect(() => loadImageFolder([file('a/b/c.png', grey(2, 2)), file('d/e.png', grey(2, 2))], { source: 'deep' })).toThrow(/^deep: mixes folder depths/);
    expect(() => loadImageFolder([file('test/a/1.png', grey(2, 2))], { source: 'nt' })).toThrow(/^nt: has a test\/ folder but no train\/ folder/);
    expect(() => loadImageFolder([file('train/a/1.png', grey(2, 2)), file('test/b/1.png', grey(2, 2))], { source: 'tt' })).toThrow(
      /^tt: test\/ has classes that train\/ lacks: b/,
    );
    expect(() => loadImageFolder([file('cat/x.png', new Uint8Array(20))], { source: 'p' })).toThrow(/^p\/cat\/x\.png: is neither a PNG nor a JPEG/);
    expect(() => unzipFolder({ name: 'no.zip', bytes: grey(2, 2) })).toThrow(/^no\.zip: is not a zip archive/);
    const zip = zipSync({ 'a/1.png': grey(2, 2) });
    expect(() => unzipFolder({ name: 'cut.zip', bytes: zip.subarray(0, zip.length - 30) })).toThrow(/^cut\.zip: is not a readable zip archive/);
  });

  it('names folder datasets after their last path component', () => {
    expect(folderDatasetName('/data/pets/')).toBe('folder:pets');
    expect(folderDatasetName('C:\\data\\flowers.zip')).toBe('folder:flowers');
  });
});
