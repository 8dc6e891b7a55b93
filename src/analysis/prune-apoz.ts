/**
 * The APoZ criterion of Hu, Peng, Tai and Tang, "Network Trimming" (2016): the Average Percentage of Zeros of a
 * kernel's output after its ReLU over a set of images; the kernels whose outputs are zero most often are dropped.
 *
 * It comes from the same occurrence counts the maps are made of (analyze-model.ts, counted after the layer's
 * nonlinearity with tau = 0): counts[k, c, p] images of class c in which kernel k is > 0 at position p, n_c
 * images of class c, N = sum_c n_c, P = H * W positions. Every (image, position) pair is one output value, so
 *   APoZ[k] = 1 - sum_{c,p} counts[k, c, p] / (N * P)
 * which is 1 minus the class-frequency-weighted mean of the AOM, the `occurrence` of kernel-stats.ts. With a
 * threshold tau > 0 the counts measure "above tau" instead, and this is the share of outputs at or below tau.
 */
import type { MapShape } from './maps.ts';
import { pickByScore } from './kernel-ranking.ts';
import { PruningError } from './pruning-error.ts';

/** APoZ[k] of every kernel from the u32 counts [K, C, H, W] and the images per class [C]. */
export function apozFromCounts(counts: Uint32Array, classCounts: Uint32Array, shape: MapShape, layer = 'layer'): number[] {
  const { kernels: K, classes: C } = shape;
  const P = shape.height * shape.width;
  if (counts.length !== K * C * P) throw new PruningError(`APoZ of '${layer}': ${counts.length} counts, expected K*C*H*W = ${K * C * P}`, layer);
  if (classCounts.length !== C) throw new PruningError(`APoZ of '${layer}': ${classCounts.length} class counts, expected ${C}`, layer);
  let images = 0;
  for (let c = 0; c < C; c++) images += classCounts[c];
  if (images === 0) throw new PruningError(`APoZ of '${layer}': the analysis set has no images`, layer);
  const apoz: number[] = [];
  for (let k = 0; k < K; k++) {
    let fired = 0;
    // Kernel k's counts are one contiguous run of C * P values.
    for (let i = k * C * P; i < (k + 1) * C * P; i++) fired += counts[i];
    apoz.push(1 - fired / (images * P));
  }
  return apoz;
}

/** The `count` kernels of `layer` with the highest APoZ (ties: the lower index), ascending. */
export function pickByApoz(layer: string, apoz: readonly number[], count: number): number[] {
  return pickByScore(layer, apoz, count, 'highest');
}
