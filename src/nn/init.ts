/**
 * Seeded weight initialisation.
 *
 * Conv and dense kernels: He-uniform (He et al., "Delving Deep into Rectifiers", ICCV 2015; Keras's
 * `he_uniform`), w ~ U(-limit, limit) with limit = sqrt(6 / fanIn), fanIn = kH*kW*inC for a conv and inF for a
 * dense layer. Why: a ReLU zeroes half of its inputs on average, so to keep the variance of the activations
 * constant from layer to layer each weight needs Var(w) = 2 / fanIn; a uniform distribution on (-l, l) has
 * variance l^2 / 3, hence l = sqrt(6 / fanIn). With this, deep ReLU stacks like cifar-ref start training at once
 * instead of with vanishing or exploding activations. (The last, linear dense layer uses the same rule: its
 * inputs come out of a ReLU too.)
 * Biases 0; batchnorm gamma 1, beta 0, moving mean 0, moving variance 1 (the identity at inference).
 *
 * Every layer draws from its own stream, seeded by (seed, layer name): inserting or editing one layer does not
 * change the initial weights of the others, and the same seed always gives the same model.
 */
import { layerKind } from './layer-registry.ts';
import { summarizeModel } from './shapes.ts';
import type { LayerSpec, Model, ModelSpec, ModelWeights, Tensor } from './layers.ts';

export { heUniformLimit } from './layer-kinds/weight-init.ts';

/**
 * Initial weights of one layer (its kind's rule), given the shapes of its weights (from summarizeLayer) and the
 * model seed. Returns an empty record for layers without weights.
 */
export function initLayerWeights(layer: LayerSpec, weightShapes: Record<string, number[]>, seed: number): Record<string, Tensor> {
  return layerKind(layer).init(layer, weightShapes, seed);
}

/** Initial weights of every layer of `spec` (layers without weights get no entry). */
export function initWeights(spec: ModelSpec, seed: number): ModelWeights {
  const summary = summarizeModel(spec);
  const weights: ModelWeights = {};
  spec.layers.forEach((layer, i) => {
    const w = initLayerWeights(layer, summary.layers[i].weightShapes, seed);
    if (Object.keys(w).length > 0) weights[layer.name] = w;
  });
  return weights;
}

/** A freshly initialised model of `spec`. */
export function initModel(spec: ModelSpec, seed: number): Model {
  return { spec, weights: initWeights(spec, seed) };
}
