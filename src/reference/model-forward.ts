/**
 * CPU reference forward of a whole Model, layer by layer through the per-kernel references (conv2d.ts, dense.ts,
 * pool.ts, batchnorm.ts, relu.ts): the oracle of the GPU engine's inference and of the activation maps, which
 * read every conv layer's output. Inference semantics: dropout is the identity, batchnorm uses the moving
 * statistics. Every layer's output is rounded to float32, as the GPU and TF.js store activations.
 *
 * `logits` are the pre-softmax scores: the model's output, or, when the model ends in a softmax (a softmax layer
 * or a dense layer with a fused softmax, common in Keras imports), the values that softmax is applied to.
 */
import type { Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import type { Model, Tensor } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { conv2dShapeOf, poolParamsOf } from '../nn/kernel-shapes.ts';
import { batchNormInferenceForward } from './batchnorm.ts';
import { conv2dForward } from './conv2d.ts';
import { denseForward } from './dense.ts';
import { avgPoolForward, maxPoolForward } from './pool.ts';
import { reluForward } from './relu.ts';

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

/** Row-wise softmax over the last axis (max-subtracted so every exponent is <= 0), in float64. */
function softmaxRows(x: Float32Array, width: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < x.length; r += width) {
    let max = -Infinity;
    for (let j = 0; j < width; j++) max = Math.max(max, x[r + j]);
    let sum = 0;
    for (let j = 0; j < width; j++) sum += Math.exp(x[r + j] - max);
    for (let j = 0; j < width; j++) y[r + j] = Math.exp(x[r + j] - max) / sum;
  }
  return y;
}

/** Runs `model` on `batch` preprocessed images `x` (NHWC float32, [batch, ...spec.inputShape]). */
export function referenceForward(model: Model, x: Float32Array, batch: number): ForwardResult {
  const { spec, weights } = model;
  const summary = summarizeModel(spec);
  const inSize = spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
  if (!Number.isInteger(batch) || batch < 1 || x.length !== batch * inSize) {
    throw new RangeError(`referenceForward: model '${spec.name}' expects batch * ${inSize} values (input ${JSON.stringify(spec.inputShape)}), got ${x.length} for batch ${batch}`);
  }
  const weight = (layer: string, name: string): Tensor => {
    const t = weights[layer]?.[name];
    if (!t) throw new Error(`referenceForward: layer '${layer}' has no weight '${name}'`);
    return t;
  };
  const optional = (layer: string, name: string): Float32Array | null => weights[layer]?.[name]?.data ?? null;

  const layers: LayerOutput[] = [];
  let current = x;
  let logits: Float32Array = x;
  summary.layers.forEach((s, i) => {
    const layer = spec.layers[i];
    const [h, w, c] = s.inputShape; // h, w, c are meaningful only for feature-map inputs
    let y: Float32Array;
    let preSoftmax: Float32Array | null = null;
    switch (layer.kind) {
      case 'conv2d': {
        const shape = conv2dShapeOf(layer, s.inputShape, batch);
        y = conv2dForward(current, weight(layer.name, 'kernel').data, optional(layer.name, 'bias'), shape, layer.activation === 'relu');
        break;
      }
      case 'dense': {
        const inF = s.inputShape[0];
        const linearOrRelu = layer.activation === 'softmax' ? 'linear' : layer.activation;
        y = denseForward(current, weight(layer.name, 'kernel').data, optional(layer.name, 'bias'), batch, inF, layer.units, linearOrRelu);
        if (layer.activation === 'softmax') {
          preSoftmax = y;
          y = softmaxRows(y, layer.units);
        }
        break;
      }
      case 'maxpool':
      case 'avgpool': {
        const params = poolParamsOf(layer);
        const pool = layer.kind === 'maxpool' ? maxPoolForward : avgPoolForward;
        y = Float32Array.from(pool(current, [batch, h, w, c], params));
        break;
      }
      case 'batchnorm': {
        const channels = s.inputShape[s.inputShape.length - 1];
        const gamma = optional(layer.name, 'gamma') ?? new Float32Array(channels).fill(1);
        const beta = optional(layer.name, 'beta') ?? new Float32Array(channels);
        const mean = weight(layer.name, 'moving_mean').data;
        const variance = weight(layer.name, 'moving_variance').data;
        y = Float32Array.from(batchNormInferenceForward(current, channels, gamma, beta, mean, variance, layer.epsilon));
        break;
      }
      case 'relu':
        y = Float32Array.from(reluForward(current));
        break;
      case 'softmax':
        preSoftmax = current;
        y = softmaxRows(current, s.inputShape[s.inputShape.length - 1]);
        break;
      case 'dropout': // identity at inference
      case 'flatten': // NHWC is already row-major over (h, w, c): only the shape changes
        y = current.slice();
        break;
    }
    layers.push({ name: layer.name, kind: layer.kind, shape: [batch, ...s.outputShape], data: y });
    logits = preSoftmax ?? y;
    current = y;
  });
  return { layers, output: current, logits };
}
