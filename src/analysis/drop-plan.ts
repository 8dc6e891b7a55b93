/**
 * How many kernels a pruning run drops from each conv layer, in the order the layers are pruned: the model's
 * order, first conv layer to last, the order in which `tune --auto` walks the method (METHOD.md), so that a
 * baseline drops layer L, retrains, then moves on to the next layer, exactly as the AOM-guided run did. Layers
 * that lose no kernel are left out (tune retrains only after a layer it edited).
 */
import type { ModelSpec } from '../nn/layers.ts';
import { checkDropCount, requireConvLayer } from './kernel-ranking.ts';
import { convLayerNames } from './map-source.ts';
import { PruningError } from './pruning-error.ts';

export interface LayerDrop {
  layer: string;
  /** Kernels to drop (>= 1). */
  count: number;
}

/**
 * The plan for `counts` (layer name -> kernels to drop), checked against `spec`: every name is a conv layer and
 * keeps at least one kernel; PruningError naming the first layer that does not fit.
 */
export function dropPlan(spec: ModelSpec, counts: ReadonlyMap<string, number>): LayerDrop[] {
  for (const [layer, count] of counts) checkDropCount(layer, count, requireConvLayer(spec, layer).filters);
  return convLayerNames(spec)
    .filter((layer) => (counts.get(layer) ?? 0) > 0)
    .map((layer) => ({ layer, count: counts.get(layer)! }));
}

/**
 * A plan of drops in a given order, a layer possibly more than once (a `tune --auto --passes N` run drops from a
 * layer on each pass, retraining in between): checked like dropPlan, on the kernels left after the earlier
 * drops, so that a layer keeps at least one kernel in the end.
 */
export function sequencePlan(spec: ModelSpec, steps: readonly LayerDrop[]): LayerDrop[] {
  const left = new Map<string, number>();
  for (const { layer, count } of steps) {
    const kernels = left.get(layer) ?? requireConvLayer(spec, layer).filters;
    checkDropCount(layer, count, kernels);
    left.set(layer, kernels - count);
  }
  return steps.filter((s) => s.count > 0).map((s) => ({ ...s }));
}

/**
 * The plan that drops `fraction` of every conv layer's kernels: round(fraction * K) of a layer of K kernels, at
 * most K - 1 (one must stay); a layer where that rounds to 0 is left as it is.
 */
export function fractionPlan(spec: ModelSpec, fraction: number): LayerDrop[] {
  if (!(fraction > 0 && fraction < 1)) throw new PruningError(`the fraction of kernels to drop must be in (0, 1), got ${fraction}`);
  const counts = new Map<string, number>();
  for (const layer of convLayerNames(spec)) {
    const K = requireConvLayer(spec, layer).filters;
    counts.set(layer, Math.min(K - 1, Math.round(fraction * K)));
  }
  return dropPlan(spec, counts);
}

/** One sweep point: a fraction and the plan that drops it from every conv layer. */
export interface SweepPlan { fraction: number; drops: LayerDrop[] }

/**
 * The plan of each sweep fraction (fractionPlan), and the fractions that round to no kernel in any layer, which a
 * caller leaves out and tells the user about (the CLI warns, the page notes it in the report).
 */
export function sweepPlans(spec: ModelSpec, fractions: readonly number[]): { plans: SweepPlan[]; empty: number[] } {
  const plans: SweepPlan[] = [];
  const empty: number[] = [];
  for (const fraction of fractions) {
    const drops = fractionPlan(spec, fraction);
    if (drops.length === 0) empty.push(fraction);
    else plans.push({ fraction, drops });
  }
  return { plans, empty };
}
