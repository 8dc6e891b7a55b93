/**
 * CPU reference of one training step's gradients for a whole Model: training-mode forward (batch-norm with batch
 * statistics, dropout with the step's per-layer seed), softmax cross-entropy on the logits, then the backward pass
 * through each kind's reference (layer-references.ts). The oracle of GpuNetwork's backward. Activations are
 * rounded to float32 after every layer, as the GPU stores them.
 */
import type { Model } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { layerReference, type LayerGradients } from './layer-references.ts';
import { softmaxCrossEntropy } from './softmax-cross-entropy.ts';

export interface ReferenceGradients {
  meanLoss: number;
  logits: Float32Array;
  /** Gradient of the mean loss by `${layer}/${weight}` (trainable weights only). */
  grads: Map<string, Float32Array>;
}

/**
 * @param dropoutSeed the u32 seed of dropout layer `layerIndex` for this step (GpuNetwork derives it from the
 *   step seed with dropoutLayerSeed).
 */
export function referenceGradients(
  model: Model,
  x: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  dropoutSeed: (layerIndex: number) => number,
): ReferenceGradients {
  const { spec, weights } = model;
  const summary = summarizeModel(spec);
  const backwards: Array<(dy: Float32Array) => LayerGradients> = [];
  let current = x;
  spec.layers.forEach((layer, i) => {
    const { inputShape, outputShape } = summary.layers[i];
    const step = layerReference(layer).train(layer, current, {
      batch,
      inputShape,
      outputShape,
      dropoutSeed: dropoutSeed(i),
      weight: (name) => {
        const t = weights[layer.name]?.[name];
        if (!t) throw new Error(`referenceGradients: layer '${layer.name}' has no weight '${name}'`);
        return t.data;
      },
      optional: (name) => weights[layer.name]?.[name]?.data ?? null,
    });
    backwards.push(step.backward);
    current = step.y;
  });

  const classes = summary.outputShape.reduce((a, b) => a * b, 1);
  const loss = softmaxCrossEntropy(current, labels, classes);
  const grads = new Map<string, Float32Array>();
  let dy: Float32Array = Float32Array.from(loss.dlogits);
  for (let i = spec.layers.length - 1; i >= 0; i--) {
    const step = backwards[i](dy);
    for (const [name, grad] of Object.entries(step.grads)) grads.set(`${spec.layers[i].name}/${name}`, grad);
    dy = step.dx;
  }
  return { meanLoss: loss.meanLoss, logits: current, grads };
}
