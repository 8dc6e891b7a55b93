/**
 * Dropping kernels: the output channels `kernels` of a conv layer (or units of a dense layer) are removed, with
 * their kernel columns and biases, their batch-norm entries and the consumer's weights that read them (the next
 * conv's input channels, or after a flatten the dense rows (h * W + w) * C + k of every position). The model gets
 * physically smaller. The function changes by exactly what the dropped channels contributed: nothing, for a
 * kernel that never activates (a dead ReLU).
 */
import type { Model } from '../nn/layers.ts';
import { remapChannels, traceChannels } from './channel-routes.ts';
import { SurgeryError } from './surgery-error.ts';

/** A copy of `model` without output channels `kernels` of layer `layer` (indices may repeat and come in any order). */
export function dropKernels(model: Model, layer: string, kernels: readonly number[]): Model {
  const route = traceChannels(model, layer);
  const C = route.channels;
  if (kernels.length === 0) throw new SurgeryError(`drop in layer '${layer}': no kernels given`, layer);
  for (const k of kernels) {
    if (!Number.isInteger(k) || k < 0 || k >= C) {
      throw new SurgeryError(`drop in layer '${layer}': kernel ${k} is out of range; the layer has kernels 0..${C - 1}`, layer);
    }
  }
  const dropped = new Set(kernels);
  if (dropped.size >= C) {
    throw new SurgeryError(`drop in layer '${layer}': cannot drop all ${C} kernels; at least one must stay`, layer);
  }
  const kept = Array.from({ length: C }, (_, k) => k).filter((k) => !dropped.has(k));
  return remapChannels(model, route, { source: kept, outgoingScale: kept.map(() => 1) });
}
