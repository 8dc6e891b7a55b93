/**
 * Which kernels of a conv layer in version a are which kernels of that layer in version b. The edits between
 * two versions run up from a to their common ancestor (each undone) and down to b (each applied); following
 * them moves kernel indices: a drop removes kernels and closes the gaps, a widen appends kernels at the end,
 * an insert makes a layer whose kernels are all new. Retrains keep every index.
 */
import type { ModelHistory } from './history.ts';

export interface KernelCorrespondence {
  layer: string;
  /** [kernel in a, kernel in b] for every kernel both versions have, in a's order. */
  pairs: [number, number][];
  /** Kernels of a that b lacks (dropped on the way down, or added on a's side of the tree). */
  onlyInA: number[];
  /** Kernels of b that a lacks (added on the way down, or dropped on a's side). */
  onlyInB: number[];
}

/** Kernels (output channels) of conv layer `layer` in version `id`, or null when it has no such conv layer. */
function kernelCount(history: ModelHistory, id: number, layer: string): number | null {
  const spec = history.get(id).model.spec.layers.find((l) => l.name === layer);
  return spec?.kind === 'conv2d' ? spec.filters : null;
}

/**
 * origin[k] is the index in a of kernel k at the version reached so far (null: a kernel a does not have).
 * Moving over one edge parent -> child ('down') or child -> parent ('up') maps it to the other end's kernels.
 */
type Origin = (number | null)[] | null;

function move(history: ModelHistory, child: number, direction: 'up' | 'down', layer: string, origin: Origin): Origin {
  const parent = history.get(child).parent!;
  const edit = history.get(child).edit;
  const from = kernelCount(history, direction === 'down' ? parent : child, layer);
  const to = kernelCount(history, direction === 'down' ? child : parent, layer);
  if (to === null) return null;
  if (origin === null || from === null) return new Array<number | null>(to).fill(null); // the layer appears here
  if (edit?.kind === 'drop' && edit.layer === layer) {
    const dropped = new Set(edit.kernels);
    if (direction === 'down') return origin.filter((_, k) => !dropped.has(k));
    // Up: parent kernel p is child kernel (number of kept kernels before p); a dropped one is not the child's.
    const out: (number | null)[] = [];
    let kept = 0;
    for (let p = 0; p < to; p++) out.push(dropped.has(p) ? null : origin[kept++]);
    return out;
  }
  if (edit?.kind === 'widen' && edit.layer === layer) {
    // The new kernels are the last `by` of the child; the parent's are its first ones, in order.
    return direction === 'down' ? [...origin, ...new Array<number | null>(to - from).fill(null)] : origin.slice(0, to);
  }
  // Any other edge keeps this layer's kernels; a count that changed all the same is not followed (all new).
  return to === from ? origin : new Array<number | null>(to).fill(null);
}

/** The kernel correspondence of conv layer `layer` between versions a and b, or null if either lacks the layer. */
export function kernelLineage(history: ModelHistory, a: number, b: number, layer: string): KernelCorrespondence | null {
  const countA = kernelCount(history, a, layer);
  const countB = kernelCount(history, b, layer);
  if (countA === null || countB === null) return null;
  const pathA = history.path(a);
  const pathB = history.path(b);
  let common = 0;
  while (common + 1 < Math.min(pathA.length, pathB.length) && pathA[common + 1] === pathB[common + 1]) common++;
  let origin: Origin = Array.from({ length: countA }, (_, k) => k);
  for (let i = pathA.length - 1; i > common; i--) origin = move(history, pathA[i], 'up', layer, origin);
  for (let i = common + 1; i < pathB.length; i++) origin = move(history, pathB[i], 'down', layer, origin);
  const atB: (number | null)[] = origin ?? new Array<number | null>(countB).fill(null);
  const pairs: [number, number][] = [];
  atB.forEach((ka, kb) => ka !== null && pairs.push([ka, kb]));
  pairs.sort((p, q) => p[0] - q[0]);
  const inB = new Set(pairs.map((p) => p[0]));
  return {
    layer,
    pairs,
    onlyInA: Array.from({ length: countA }, (_, k) => k).filter((k) => !inB.has(k)),
    onlyInB: atB.flatMap((ka, kb) => (ka === null ? [kb] : [])),
  };
}
