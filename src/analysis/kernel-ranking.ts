/**
 * What every pruning criterion shares: finding the conv layer it ranks (with an error that lists the conv layers
 * when the name is wrong), checking how many kernels may be dropped from it, and picking the `count` kernels
 * with the lowest (or highest) score. Ties go to the lower kernel index, so a choice never depends on sort
 * stability or on the platform.
 */
import type { Conv2dLayer, ModelSpec } from '../nn/layers.ts';
import { PruningError } from './pruning-error.ts';

/** The conv2d layer `name` of `spec`; PruningError naming it (and the conv layers there are) otherwise. */
export function requireConvLayer(spec: ModelSpec, name: string): Conv2dLayer {
  const layer = spec.layers.find((l) => l.name === name);
  const convs = spec.layers.filter((l) => l.kind === 'conv2d').map((l) => l.name);
  if (!layer) throw new PruningError(`model '${spec.name}' has no layer '${name}' (conv layers: ${convs.join(', ') || 'none'})`, name);
  if (layer.kind !== 'conv2d') throw new PruningError(`layer '${name}' of model '${spec.name}' is a ${layer.kind}, not a conv2d; only conv kernels are pruned (conv layers: ${convs.join(', ') || 'none'})`, name);
  return layer;
}

/** Throws unless `count` kernels can be dropped from a layer of `kernels`: a whole number, and one must stay. */
export function checkDropCount(layer: string, count: number, kernels: number): void {
  if (!Number.isInteger(count) || count < 0) throw new PruningError(`layer '${layer}': the number of kernels to drop must be a whole number >= 0, got ${count}`, layer);
  if (count >= kernels) {
    throw new PruningError(`layer '${layer}' has ${kernels} kernel${kernels === 1 ? '' : 's'}: cannot drop ${count} (at most ${kernels - 1}, one must stay)`, layer);
  }
}

/**
 * The `count` kernels of `layer` with the lowest scores (`drop: 'lowest'`) or the highest (`'highest'`), ties to
 * the lower index; returned ascending. Scores must be finite or infinite numbers, never NaN (a NaN would make
 * the order meaningless).
 */
export function pickByScore(layer: string, scores: readonly number[], count: number, drop: 'lowest' | 'highest'): number[] {
  checkDropCount(layer, count, scores.length);
  const nan = scores.findIndex((s) => Number.isNaN(s));
  if (nan >= 0) throw new PruningError(`layer '${layer}': kernel ${nan} has no score (NaN); cannot rank the kernels`, layer);
  const sign = drop === 'lowest' ? 1 : -1;
  const order = scores.map((_, k) => k).sort((a, b) => sign * (scores[a] - scores[b]) || a - b);
  return order.slice(0, count).sort((a, b) => a - b);
}
