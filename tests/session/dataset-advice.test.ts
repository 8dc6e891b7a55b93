/**
 * What the page says when a shipped reference meets another dataset: fashion-ref on MNIST (or any other data) is
 * told how to open Fashion-MNIST; on Fashion-MNIST opened from its four IDX files, as the page's file picker reads
 * them, the fingerprint matches the one fashion-ref recorded, so there is neither advice nor split warning.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FASHION_MNIST_DIR } from '../../src/data/spec.ts';
import { datasetFingerprint } from '../../src/data/fingerprint.ts';
import { loadModelDir } from '../../src/io/model-files-node.ts';
import { datasetAdvice } from '../../src/session/dataset-advice.ts';
import { splitForModel } from '../../src/session/split-policy.ts';
import { datasetFromUserFiles } from '../../src/session/user-files.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

describe('dataset advice', () => {
  it('tells fashion-ref on other data to open Fashion-MNIST, and says nothing on Fashion-MNIST opened from its IDX files', async () => {
    const fashionRef = await loadModelDir('src/models/fashion-ref/model.json');
    const other = squaresDataset({ train: 40, test: 8 });
    expect(datasetAdvice(fashionRef.spec, datasetFingerprint(other))).toBe(
      "'fashion-ref' was trained on Fashion-MNIST, but the loaded dataset is 'squares'. Fashion-MNIST is not built into the page: open its four IDX files " +
        '(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz) with the Dataset panel\'s "Files…" picker ' +
        '(or drop them on it); on Debian they are in /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist).',
    );
    // mnist-ref is told to load the built-in MNIST; a model without a record, or of an unknown dataset, gets nothing.
    const mnistRef = await loadModelDir('src/models/mnist-ref/model.json');
    expect(datasetAdvice(mnistRef.spec, datasetFingerprint(other))).toMatch(/^'mnist-ref' was trained on MNIST, .* load the built-in MNIST/);
    expect(datasetAdvice({ name: 'x', split: undefined }, datasetFingerprint(other))).toBeNull();
    const unknown = { ...fashionRef.spec.split!, dataset: { ...fashionRef.spec.split!.dataset, name: 'folder:pets' } };
    expect(datasetAdvice({ name: 'x', split: unknown }, datasetFingerprint(other))).toBeNull();

    // Fashion-MNIST as the page reads the user's files (Debian's dataset-fashion-mnist; the data tests need it too).
    const files = await Promise.all(FILES.map(async (name) => ({ path: name, bytes: new Uint8Array(await readFile(join(DEFAULT_FASHION_MNIST_DIR, name))) })));
    const fashion = datasetFromUserFiles(files);
    expect(datasetAdvice(fashionRef.spec, datasetFingerprint(fashion))).toBeNull();
    expect(splitForModel(fashion, fashionRef.spec).warnings).toEqual([]);
    // Same file names as MNIST's, but the content says Fashion-MNIST: its own name and class names.
    expect(fashion.name).toBe('fashion-mnist');
    expect(fashion.classNames.slice(0, 2)).toEqual(['T-shirt/top', 'Trouser']);
  });
});
