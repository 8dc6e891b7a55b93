import { describe, expect, it } from 'vitest';
import { aomFromCounts, csmFromAom, odmFromAom } from '../../src/analysis/maps.ts';
import { kernelStats } from '../../src/analysis/kernel-stats.ts';
import { selectAnalysisSet } from '../../src/analysis/analysis-set.ts';
import { poolLabel } from '../../src/data/dataset.ts';
import { syntheticDataset } from '../helpers/dataset-files.ts';

// K = 2 kernels, C = 3 classes (class 2 has no images), 1 x 2 positions.
const shape = { kernels: 2, classes: 3, height: 1, width: 2 };
const classCounts = Uint32Array.from([4, 2, 0]);
// counts[k, c, p]
const counts = Uint32Array.from([
  4, 2, /* k0 c0 */ 0, 1, /* k0 c1 */ 0, 0, /* k0 c2 */
  2, 0, /* k1 c0 */ 2, 2, /* k1 c1 */ 0, 0, /* k1 c2 */
]);

describe('maps from counts (METHOD.md definitions)', () => {
  it('AOM divides by the class size; a class without images is NaN', () => {
    const aom = aomFromCounts(counts, classCounts, shape);
    expect(Array.from(aom)).toEqual([1, 0.5, 0, 0.5, NaN, NaN, 0.5, 0, 1, 1, NaN, NaN]);
  });

  it('CSM: difference and ratio forms against the mean over the other present classes', () => {
    const aom = aomFromCounts(counts, classCounts, shape);
    const diff = csmFromAom(aom, classCounts, shape);
    // k0 p0: 1 - 0, 0 - 1; k0 p1: 0.5 - 0.5 twice; k1 p0: 0.5 - 1, 1 - 0.5; k1 p1: 0 - 1, 1 - 0.
    expect(Array.from(diff)).toEqual([1, 0, -1, 0, NaN, NaN, -0.5, -1, 0.5, 1, NaN, NaN]);
    const ratio = csmFromAom(aom, classCounts, shape, 'ratio', 0);
    expect(Array.from(ratio)).toEqual([1, 0, -1, 0, NaN, NaN, -1 / 3, -1, 1 / 3, 1, NaN, NaN].map(Math.fround));
  });

  it('ODM: mean |AOM_k - AOM_l| over present classes and positions, symmetric', () => {
    const aom = aomFromCounts(counts, classCounts, shape);
    const odm = odmFromAom(aom, classCounts, shape);
    const d = (0.5 + 0.5 + 1 + 0.5) / 4;
    expect(Array.from(odm)).toEqual([0, d, d, 0]);
  });

  it('kernel statistics: occurrence = 1 - APoZ weighted by class size, strongest class, nearest kernel', () => {
    const aom = aomFromCounts(counts, classCounts, shape);
    const csm = csmFromAom(aom, classCounts, shape);
    const odm = odmFromAom(aom, classCounts, shape);
    const [k0, k1] = kernelStats(counts, classCounts, csm, odm, shape, [0.25, -0.5]);
    expect(k0.occurrence).toBe(7 / 12); // (4 + 2 + 0 + 1) firings of 6 images x 2 positions
    expect(k0.classOccurrence).toEqual([0.75, 0.25, NaN]);
    expect([k0.strongestClass, k0.selectivity]).toEqual([0, 0.5]);
    expect([k1.strongestClass, k1.selectivity]).toEqual([1, 0.75]);
    expect([k0.nearest, k0.distance, k1.nearest]).toEqual([1, 0.625, 0]);
    expect([k0.ablationImpact, k1.ablationImpact]).toEqual([0.25, -0.5]);
  });
});

describe('analysis set', () => {
  it('takes N per class, seeded, from the split only, and notes a short class', () => {
    const dataset = syntheticDataset([6, 5, 2], [2, 2, 1]);
    const split = Uint32Array.from({ length: 13 }, (_, i) => i).filter((i) => i !== 4);
    const a = selectAnalysisSet(dataset, split, { perClass: 3, seed: 7 });
    const b = selectAnalysisSet(dataset, split, { perClass: 3, seed: 7 });
    const c = selectAnalysisSet(dataset, split, { perClass: 3, seed: 8 });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(a.perClassCounts).toEqual([3, 3, 2]);
    expect(a.notes).toEqual([`class 'class 2' has only 2 images in the split (asked for 3)`]);
    expect([...a.indices].every((i) => split.includes(i))).toBe(true);
    expect([...a.indices]).toEqual([...a.indices].sort((x, y) => x - y));
    expect(Array.from(a.indices)).not.toEqual(Array.from(c.indices));
    const whole = selectAnalysisSet(dataset, split);
    expect(whole.indices.length).toBe(12);
    expect(whole.perClassCounts).toEqual([0, 1, 2].map((k) => [...split].filter((i) => poolLabel(dataset, i) === k).length));
  });
});
