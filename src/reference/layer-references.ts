/**
 * The CPU reference of every layer kind, through the per-kernel references (conv2d.ts, dense.ts, pool.ts, …): the
 * oracle of the GPU network's forward (model-forward.ts) and of its backward (model-gradients.ts). Typed like
 * src/nn/layer-registry.ts, so a kind of LayerSpec without a reference fails to compile here too.
 *
 * Every layer's output is rounded to float32, as the GPU and TF.js store activations. Inference semantics:
 * dropout is the identity, batchnorm uses the moving statistics. Training: batchnorm uses the batch's statistics,
 * dropout the layer's seed for the step, and a softmax (a final softmax layer or a dense layer's fused one) is
 * left to the loss, which reads the logits.
 */
import { conv2dShapeOf, poolParamsOf } from '../nn/kernel-shapes.ts';
import type { LayerKindName, LayerOf, LayerSpec } from '../nn/layers.ts';
import { batchNormBackward, batchNormInferenceForward, batchNormTrainingForward } from './batchnorm.ts';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dBiasGrad, conv2dForward } from './conv2d.ts';
import { denseBackward, denseForward } from './dense.ts';
import { dropoutBackward, dropoutForward } from './dropout.ts';
import { globalAvgPoolBackward, globalAvgPoolForward } from './global-avg-pool.ts';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './pool.ts';
import { reluBackward, reluForward } from './relu.ts';

/** What a kind's reference is given about the layer it runs. */
export interface ReferenceContext {
  batch: number;
  /** Per-image input and output shapes. */
  inputShape: number[];
  outputShape: number[];
  /** The layer's weight `name`; throws naming the layer and the weight when it is missing. */
  weight(name: string): Float32Array;
  /** The weight, or null when the layer has none of that name (a bias-less conv, batchnorm without scale). */
  optional(name: string): Float32Array | null;
}

export interface TrainingContext extends ReferenceContext {
  /** The dropout seed of this layer for this step. */
  dropoutSeed: number;
}

/** The gradients of a layer's input and of its trainable weights (by weight name). */
export interface LayerGradients {
  dx: Float32Array;
  grads: Record<string, Float32Array>;
}

export interface LayerReference<L extends LayerSpec> {
  /** Inference forward; `preSoftmax` is what a softmax the layer applied was applied to (the logits). */
  infer(layer: L, x: Float32Array, c: ReferenceContext): { y: Float32Array; preSoftmax?: Float32Array };
  /** Training forward, and the backward from the gradient of its output (the closure keeps what it needs). */
  train(layer: L, x: Float32Array, c: TrainingContext): { y: Float32Array; backward(dy: Float32Array): LayerGradients };
}

const f32 = (a: ArrayLike<number>): Float32Array => Float32Array.from(a);
const nhwc = (c: ReferenceContext): [number, number, number, number] => [c.batch, c.inputShape[0], c.inputShape[1], c.inputShape[2]];
const channelsOf = (c: ReferenceContext): number => c.outputShape[c.outputShape.length - 1];
/** A layer that computes nothing at this step: y = x (a copy, so later layers never alias the input), dx = dy. */
const identity = { y: (x: Float32Array) => x.slice(), backward: (dy: Float32Array): LayerGradients => ({ dx: dy, grads: {} }) };

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

/** The gradient before a fused ReLU: dy where y > 0. */
const beforeRelu = (activation: string, dy: Float32Array, y: Float32Array) => (activation === 'relu' ? f32(reluBackward(dy, y)) : dy);

const conv2d: LayerReference<LayerOf<'conv2d'>> = {
  infer: (layer, x, c) => ({
    y: conv2dForward(x, c.weight('kernel'), c.optional('bias'), conv2dShapeOf(layer, c.inputShape, c.batch), layer.activation === 'relu'),
  }),
  train(layer, x, c) {
    const shape = conv2dShapeOf(layer, c.inputShape, c.batch);
    const kernel = c.weight('kernel');
    const y = conv2dForward(x, kernel, c.optional('bias'), shape, layer.activation === 'relu');
    return {
      y,
      backward(dy) {
        const g = beforeRelu(layer.activation, dy, y);
        const grads: Record<string, Float32Array> = { kernel: conv2dBackpropFilter(x, g, shape) };
        if (layer.useBias) grads.bias = conv2dBiasGrad(g, layer.filters);
        return { dx: conv2dBackpropInput(g, kernel, shape), grads };
      },
    };
  },
};

const dense: LayerReference<LayerOf<'dense'>> = {
  infer(layer, x, c) {
    const linearOrRelu = layer.activation === 'relu' ? 'relu' : 'linear';
    const y = denseForward(x, c.weight('kernel'), c.optional('bias'), c.batch, c.inputShape[0], layer.units, linearOrRelu);
    return layer.activation === 'softmax' ? { y: softmaxRows(y, layer.units), preSoftmax: y } : { y };
  },
  train(layer, x, c) {
    const kernel = c.weight('kernel');
    const inF = c.inputShape[0];
    const y = denseForward(x, kernel, c.optional('bias'), c.batch, inF, layer.units, layer.activation === 'relu' ? 'relu' : 'linear');
    return {
      y,
      backward(dy) {
        const r = denseBackward(x, kernel, beforeRelu(layer.activation, dy, y), c.batch, inF, layer.units);
        const grads: Record<string, Float32Array> = { kernel: r.dw };
        if (layer.useBias) grads.bias = r.db;
        return { dx: r.dx, grads };
      },
    };
  },
};

const maxpool: LayerReference<LayerOf<'maxpool'>> = {
  infer: (layer, x, c) => ({ y: f32(maxPoolForward(x, nhwc(c), poolParamsOf(layer))) }),
  train: (layer, x, c) => ({
    y: f32(maxPoolForward(x, nhwc(c), poolParamsOf(layer))),
    backward: (dy) => ({ dx: f32(maxPoolBackward(x, dy, nhwc(c), poolParamsOf(layer))), grads: {} }),
  }),
};

const avgpool: LayerReference<LayerOf<'avgpool'>> = {
  infer: (layer, x, c) => ({ y: f32(avgPoolForward(x, nhwc(c), poolParamsOf(layer))) }),
  train: (layer, x, c) => ({
    y: f32(avgPoolForward(x, nhwc(c), poolParamsOf(layer))),
    backward: (dy) => ({ dx: f32(avgPoolBackward(dy, nhwc(c), poolParamsOf(layer))), grads: {} }),
  }),
};

const globalavgpool: LayerReference<LayerOf<'globalavgpool'>> = {
  infer: (_layer, x, c) => ({ y: f32(globalAvgPoolForward(x, nhwc(c))) }),
  train: (_layer, x, c) => ({
    y: f32(globalAvgPoolForward(x, nhwc(c))),
    backward: (dy) => ({ dx: f32(globalAvgPoolBackward(dy, nhwc(c))), grads: {} }),
  }),
};

const batchnorm: LayerReference<LayerOf<'batchnorm'>> = {
  infer(layer, x, c) {
    const channels = channelsOf(c);
    const gamma = c.optional('gamma') ?? new Float32Array(channels).fill(1);
    const beta = c.optional('beta') ?? new Float32Array(channels);
    return { y: f32(batchNormInferenceForward(x, channels, gamma, beta, c.weight('moving_mean'), c.weight('moving_variance'), layer.epsilon)) };
  },
  train(layer, x, c) {
    const channels = channelsOf(c);
    const gamma = c.optional('gamma') ?? new Float32Array(channels).fill(1);
    const r = batchNormTrainingForward(x, channels, gamma, c.optional('beta') ?? new Float32Array(channels), layer.epsilon);
    return {
      y: f32(r.y),
      backward(dy) {
        const g = batchNormBackward(x, dy, channels, gamma, r.mean, r.invStd);
        const grads: Record<string, Float32Array> = {};
        if (layer.scale) grads.gamma = f32(g.dgamma);
        if (layer.center) grads.beta = f32(g.dbeta);
        return { dx: f32(g.dx), grads };
      },
    };
  },
};

const dropout: LayerReference<LayerOf<'dropout'>> = {
  infer: (_layer, x) => ({ y: identity.y(x) }),
  train: (layer, x, c) =>
    layer.rate === 0
      ? { y: identity.y(x), backward: identity.backward }
      : {
          y: f32(dropoutForward(x, layer.rate, c.dropoutSeed)),
          backward: (dy) => ({ dx: f32(dropoutBackward(dy, layer.rate, c.dropoutSeed)), grads: {} }),
        },
};

// NHWC is already row-major over (h, w, c): a flatten only changes the shape.
const flatten: LayerReference<LayerOf<'flatten'>> = {
  infer: (_layer, x) => ({ y: identity.y(x) }),
  train: (_layer, x) => ({ y: identity.y(x), backward: identity.backward }),
};

const relu: LayerReference<LayerOf<'relu'>> = {
  infer: (_layer, x) => ({ y: f32(reluForward(x)) }),
  train(_layer, x) {
    const y = f32(reluForward(x));
    return { y, backward: (dy) => ({ dx: f32(reluBackward(dy, y)), grads: {} }) };
  },
};

const softmax: LayerReference<LayerOf<'softmax'>> = {
  infer: (_layer, x, c) => ({ y: softmaxRows(x, c.inputShape[c.inputShape.length - 1]), preSoftmax: x }),
  // Training leaves the softmax to the loss: the logits pass through.
  train: (_layer, x) => ({ y: identity.y(x), backward: identity.backward }),
};

export const LAYER_REFERENCES: { readonly [K in LayerKindName]: LayerReference<LayerOf<K>> } = {
  conv2d,
  dense,
  maxpool,
  avgpool,
  globalavgpool,
  batchnorm,
  dropout,
  flatten,
  relu,
  softmax,
};

/** The reference of `layer`'s kind (the one cast the mapped type makes safe, as src/nn/layer-registry.ts's layerKind). */
export function layerReference<L extends LayerSpec>(layer: L): LayerReference<L> {
  const reference = Object.hasOwn(LAYER_REFERENCES, layer.kind) ? LAYER_REFERENCES[layer.kind as LayerKindName] : undefined;
  if (!reference) throw new Error(`layer '${layer.name}': no CPU reference for kind '${layer.kind}'`);
  return reference as unknown as LayerReference<L>;
}
