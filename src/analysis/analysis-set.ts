/**
 * The analysis set: the images the maps are counted over. Any split of any dataset (pool indices, splits.ts),
 * whole, or a seeded class-balanced subset: the split's images of each class are shuffled with the split
 * module's seeded shuffle (pcgHash, the same on every machine) and the first `perClass` kept. A class with
 * fewer images keeps all of them, and a note says so. Indices are returned ascending.
 */
import { poolLabel, type ImageDataset } from '../data/dataset.ts';
import { shuffleIndices } from '../data/splits.ts';

export interface AnalysisSet {
  indices: Uint32Array;
  /** Images of each class in the set. */
  perClassCounts: number[];
  notes: string[];
}

export interface AnalysisSetOptions {
  /** Images per class; omit for the whole split. */
  perClass?: number;
  /** Seed of the per-class shuffle; default 0. */
  seed?: number;
}

export function selectAnalysisSet(dataset: ImageDataset, split: ArrayLike<number>, options: AnalysisSetOptions = {}): AnalysisSet {
  const { perClass, seed = 0 } = options;
  if (perClass !== undefined && (!Number.isInteger(perClass) || perClass < 1)) {
    throw new RangeError(`analysis set of ${dataset.name}: images per class must be a positive integer, got ${perClass}`);
  }
  const byClass: number[][] = dataset.classNames.map(() => []);
  for (let i = 0; i < split.length; i++) byClass[poolLabel(dataset, split[i])].push(split[i]);
  const notes: string[] = [];
  const chosen: number[] = [];
  byClass.forEach((members, c) => {
    if (perClass === undefined) {
      chosen.push(...members);
      return;
    }
    // A distinct stream per class, so a class's choice does not depend on the other classes' sizes.
    const shuffled = shuffleIndices(Uint32Array.from(members), (Math.imul(seed >>> 0, 0x9e3779b1) + c) >>> 0);
    if (members.length < perClass) notes.push(`class '${dataset.classNames[c]}' has only ${members.length} images in the split (asked for ${perClass})`);
    chosen.push(...shuffled.subarray(0, perClass));
  });
  const indices = Uint32Array.from(chosen).sort();
  const perClassCounts = byClass.map(() => 0);
  for (const i of indices) perClassCounts[poolLabel(dataset, i)] += 1;
  if (indices.length === 0) throw new RangeError(`analysis set of ${dataset.name}: the split has no images`);
  return { indices, perClassCounts, notes };
}
