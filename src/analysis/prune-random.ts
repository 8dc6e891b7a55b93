/**
 * The random baseline: `count` of a layer's kernels drawn uniformly without replacement. Seeded (src/nn/random.ts)
 * with a stream per layer name, so one seed gives the same choice in a layer every time, and the choices in two
 * layers are independent of each other and of the order in which the layers are pruned.
 */
import { createRng } from '../nn/random.ts';
import { checkDropCount } from './kernel-ranking.ts';

/** `count` distinct kernels of 0..kernels-1 of `layer`, drawn with `seed`; ascending. */
export function pickAtRandom(layer: string, kernels: number, count: number, seed: number): number[] {
  checkDropCount(layer, count, kernels);
  const rng = createRng(seed, `random pruning of ${layer}`);
  const pool = Array.from({ length: kernels }, (_, k) => k);
  // The first `count` steps of a Fisher-Yates shuffle: position i gets a uniform pick among pool[i..].
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.next() * (kernels - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count).sort((a, b) => a - b);
}
