import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/dataset-error.ts';
import { poolImage, poolLabel, poolSize, validateDataset } from '../../src/data/dataset.ts';
import { channelStatistics } from '../../src/data/normalisation.ts';
import { shuffleIndices, splitDataset } from '../../src/data/splits.ts';
import { syntheticDataset } from '../helpers/dataset-files.ts';

const perClassCount = (labels: (i: number) => number, indices: Uint32Array, classes: number) => {
  const counts = new Array(classes).fill(0);
  for (const i of indices) counts[labels(i)]++;
  return counts;
};

describe('splits', () => {
  it('carves class-stratified validation and test splits that partition the training images', () => {
    const d = syntheticDataset([50, 30, 7]);
    const s = splitDataset(d, { seed: 5, validationFraction: 0.2, testFraction: 0.1 });
    const label = (i: number) => poolLabel(d, i);
    // Per class: test round(0.1 n), validation round(0.2 n), the rest train.
    expect(perClassCount(label, s.test, 3)).toEqual([5, 3, 1]);
    expect(perClassCount(label, s.validation, 3)).toEqual([10, 6, 1]);
    expect(perClassCount(label, s.train, 3)).toEqual([35, 21, 5]);
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 87 }, (_, i) => i)); // disjoint and complete
    expect(s.testFraction).toBe(0.1);
    for (const list of [s.train, s.validation, s.test]) expect(Array.from(list)).toEqual([...list].sort((a, b) => a - b));
  });

  it('is reproducible from its seed and changes with it', () => {
    const d = syntheticDataset([40, 40]);
    const a = splitDataset(d, { seed: 1 });
    expect(splitDataset(d, { seed: 1 }).validation).toEqual(a.validation);
    expect(splitDataset(d, { seed: 2 }).validation).not.toEqual(a.validation);
  });

  it("keeps the source's own test split as the pool's tail", () => {
    const d = syntheticDataset([10, 10], [2, 2, 1], 6);
    const s = splitDataset(d, { validationFraction: 0.1 });
    expect(Array.from(s.test)).toEqual([20, 21, 22, 23, 24, 25]);
    expect(s.testFraction).toBeNull();
    expect(s.validation.length).toBe(2);
    expect(poolSize(d)).toBe(26);
    expect(poolImage(d, 21)).toEqual(d.test!.images.subarray(4, 8));
    expect(poolLabel(d, 21)).toBe(d.test!.labels[1]);
  });

  it('rejects fractions that leave nothing to train on', () => {
    const d = syntheticDataset([5, 5]);
    expect(() => splitDataset(d, { validationFraction: 1.2 })).toThrow(/synthetic: validation fraction must be in \[0, 1\), got 1\.2/);
    expect(() => splitDataset(d, { validationFraction: 0.6, testFraction: 0.4 })).toThrow(DatasetError);
  });

  it('shuffles an epoch as a seeded permutation', () => {
    const indices = Uint32Array.from({ length: 100 }, (_, i) => i * 3);
    const a = shuffleIndices(indices, 9);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from(indices));
    expect(a).toEqual(shuffleIndices(indices, 9));
    expect(a).not.toEqual(indices);
  });
});

describe('normalisation', () => {
  it('gives the mean and population std of pixel/255 per channel over the chosen images', () => {
    const d = syntheticDataset([6, 5], [3, 2, 3]);
    const indices = Uint32Array.from([0, 3, 4, 10]);
    const { mean, std } = channelStatistics(d, indices);
    for (let c = 0; c < 3; c++) {
      const values: number[] = [];
      for (const i of indices) {
        const image = poolImage(d, i);
        for (let p = c; p < image.length; p += 3) values.push(image[p] / 255);
      }
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length;
      expect(mean[c]).toBeCloseTo(m, 12);
      expect(std[c]).toBeCloseTo(Math.sqrt(v), 12);
    }
  });

  it('maps a constant channel to std 1 instead of dividing by zero', () => {
    const d = syntheticDataset([2], [2, 2, 1]);
    d.train.images.fill(7);
    expect(channelStatistics(d, [0, 1])).toEqual({ mean: [7 / 255], std: [1] });
  });

  it('checks dataset invariants with the dataset name', () => {
    const d = syntheticDataset([2, 2]);
    d.train.labels[1] = 9;
    expect(() => validateDataset(d)).toThrow(/^synthetic: train image 1 has label 9, but there are only 2 classes/);
  });
});
