/**
 * The page refuses a dataset larger than it can hold before reading it whole: the inflated size of gzip files
 * comes from their last four bytes, and the message names the files and both sizes.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/dataset-error.ts';
import { checkPageDatasetSize, inflatedSize } from '../../src/session/user-files.ts';

describe('page dataset size', () => {
  it('reads a gzip file\'s inflated size from its trailer and other files\' from their size', async () => {
    const raw = new Uint8Array(300_000).fill(7);
    const gz = new File([gzipSync(raw)], 'train-images-idx3-ubyte.gz');
    expect(gz.size).toBeLessThan(10_000);
    const plain = new File([new Uint8Array(1234)], 'train-labels-idx1-ubyte');
    expect(await inflatedSize([gz, plain])).toBe(300_000 + 1234);
  });

  it('refuses files over the limit with both sizes, and takes files under it', async () => {
    const gz = new File([gzipSync(new Uint8Array(3 * 2 ** 20))], 'cifar-10-binary.tar.gz');
    await expect(checkPageDatasetSize([gz], 2 * 2 ** 20)).rejects.toBeInstanceOf(DatasetError);
    await expect(checkPageDatasetSize([gz], 2 * 2 ** 20)).rejects.toThrow(/cifar-10-binary\.tar\.gz: would take 3\.0 MiB once read and inflated; the page holds datasets of at most 2\.0 MiB/);
    await expect(checkPageDatasetSize([gz], 4 * 2 ** 20)).resolves.toBeUndefined();
  });
});
