/**
 * The L1-norm filter criterion of Li, Kadav, Durdanovic, Samet and Graf, "Pruning Filters for Efficient ConvNets"
 * (ICLR 2017): a filter's importance is the sum of the absolute values of its weights, and the filters with the
 * smallest sums are dropped. The bias is not part of the sum (the paper sums the kernel weights only).
 *
 * Weights are HWIO, kernel[dy, dx, c, k] at ((dy * kw + dx) * cin + c) * cout + k, so filter k's kh*kw*cin
 * weights are every cout-th value starting at k:
 *   s[k] = sum over dy < kh, dx < kw, c < cin of |kernel[dy, dx, c, k]|
 */
import type { Model } from '../nn/layers.ts';
import { pickByScore, requireConvLayer } from './kernel-ranking.ts';
import { PruningError } from './pruning-error.ts';

/** s[k] for every filter k of conv layer `layer`. */
export function filterL1Norms(model: Model, layer: string): number[] {
  const conv = requireConvLayer(model.spec, layer);
  const kernel = model.weights[layer]?.kernel;
  if (!kernel) throw new PruningError(`layer '${layer}' of model '${model.spec.name}' has no kernel weights`, layer);
  const cout = conv.filters;
  if (kernel.shape.length !== 4 || kernel.shape[3] !== cout || kernel.data.length % cout !== 0) {
    throw new PruningError(`layer '${layer}': kernel of shape [${kernel.shape.join(', ')}] is not HWIO with ${cout} filters`, layer);
  }
  const sums = new Array<number>(cout).fill(0);
  // Consecutive runs of cout values are one (dy, dx, c) tap for every filter.
  for (let i = 0; i < kernel.data.length; i++) sums[i % cout] += Math.abs(kernel.data[i]);
  return sums;
}

/** The `count` filters of `layer` with the smallest L1 norms (ties: the lower index), ascending. */
export function pickByL1Norm(model: Model, layer: string, count: number): number[] {
  return pickByScore(layer, filterL1Norms(model, layer), count, 'lowest');
}
