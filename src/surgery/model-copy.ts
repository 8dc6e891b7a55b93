/**
 * Deep copies of models. Every edit returns a new Model and never touches its input: the history keeps the old
 * version, and a trainer or the page may still hold the old weights.
 */
import type { Model, ModelSpec, ModelWeights } from '../nn/layers.ts';

/** A copy of `spec` that shares nothing with it (specs are plain JSON data). */
export function copySpec(spec: ModelSpec): ModelSpec {
  return structuredClone(spec);
}

/** A copy of every weight tensor (new Float32Arrays). */
export function copyWeights(weights: ModelWeights): ModelWeights {
  const out: ModelWeights = {};
  for (const [layer, tensors] of Object.entries(weights)) {
    out[layer] = {};
    for (const [name, t] of Object.entries(tensors)) out[layer][name] = { shape: [...t.shape], data: t.data.slice() };
  }
  return out;
}

/** A deep copy of `model`. */
export function copyModel(model: Model): Model {
  return { spec: copySpec(model.spec), weights: copyWeights(model.weights) };
}
