/**
 * CPU reference forward of a whole Model, layer by layer through each kind's reference (layer-references.ts, over
 * the per-kernel references conv2d.ts, dense.ts, pool.ts, batchnorm.ts, relu.ts): the oracle of the GPU engine's inference and of the activation maps, which
 * read every conv layer's output. Inference semantics: dropout is the identity, batchnorm uses the moving
 * statistics. Every layer's output is rounded to float32, as the GPU and TF.js store activations.
 *
 * `logits` are the pre-softmax scores: the model's output, or, when the model ends in a softmax (a softmax layer
 * or a dense layer with a fused softmax, common in Keras imports), the values that softmax is applied to.
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import type { Model } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { layerReference, type ReferenceContext } from './layer-references.ts';

/** One layer's output for the whole batch; `shape` includes the batch axis first. */
export interface LayerOutput {
  name: string;
  kind: string;
  shape: number[];
  data: Float32Array;
}

export interface ForwardResult {
  /** Every layer's output, in layer order. */
  layers: LayerOutput[];
  /** The last layer's output, [batch, ...outputShape] (probabilities when the model ends in a softmax). */
  output: Float32Array;
  /** Pre-softmax scores (see the file comment), same shape as `output`. */
  logits: Float32Array;
}

/**
 * Raw u8 NHWC pixels to the model's float32 input: x = (p * scale - mean[c]) / std[c], with c = i mod C and
 * C = preprocessing.mean.length (the model's input channels). Computed in float64, rounded once to float32.
 */
export function preprocessImages(pixels: ArrayLike<number>, preprocessing: Preprocessing): Float32Array {
  const { scale, mean, std } = preprocessing;
  const channels = mean.length;
  if (channels === 0 || std.length !== channels) {
    throw new RangeError(`preprocessImages: mean has ${mean.length} values and std ${std.length}; both need one per channel`);
  }
  if (pixels.length % channels !== 0) throw new RangeError(`preprocessImages: ${pixels.length} pixel values are not a multiple of ${channels} channels`);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    x[i] = (pixels[i] * scale - mean[c]) / std[c];
  }
  return x;
}

/** Runs `model` on `batch` preprocessed images `x` (NHWC float32, [batch, ...spec.inputShape]). */
export function referenceForward(model: Model, x: Float32Array, batch: number): ForwardResult {
  const { spec, weights } = model;
  const summary = summarizeModel(spec);
  const inSize = spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
  if (!Number.isInteger(batch) || batch < 1 || x.length !== batch * inSize) {
    throw new RangeError(`referenceForward: model '${spec.name}' expects batch * ${inSize} values (input ${JSON.stringify(spec.inputShape)}), got ${x.length} for batch ${batch}`);
  }
  const layers: LayerOutput[] = [];
  let current = x;
  let logits: Float32Array = x;
  summary.layers.forEach((s, i) => {
    const layer = spec.layers[i];
    const context: ReferenceContext = {
      batch,
      inputShape: s.inputShape,
      outputShape: s.outputShape,
      weight: (name) => {
        const t = weights[layer.name]?.[name];
        if (!t) throw new Error(`referenceForward: layer '${layer.name}' has no weight '${name}'`);
        return t.data;
      },
      optional: (name) => weights[layer.name]?.[name]?.data ?? null,
    };
    const { y, preSoftmax } = layerReference(layer).infer(layer, current, context);
    layers.push({ name: layer.name, kind: layer.kind, shape: [batch, ...s.outputShape], data: y });
    logits = preSoftmax ?? y;
    current = y;
  });
  return { layers, output: current, logits };
}
