/**
 * CPU reference of one training step's gradients for a whole Model: training-mode forward (batch-norm with batch
 * statistics, dropout with the step's per-layer seed), softmax cross-entropy on the logits, then the backward pass
 * through the per-kernel references. The oracle of GpuNetwork's backward. Activations are rounded to float32 after
 * every layer, as the GPU stores them.
 */
import type { Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import type { Nhwc } from '../gpu/kernels/pool-contract.ts';
import type { Conv2dLayer, Model } from '../nn/layers.ts';
import { conv2dShapeOf, poolParamsOf } from '../nn/kernel-shapes.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { batchNormBackward, batchNormTrainingForward } from './batchnorm.ts';
import { conv2dBackpropFilter, conv2dBackpropInput, conv2dBiasGrad, conv2dForward } from './conv2d.ts';
import { denseBackward, denseForward } from './dense.ts';
import { dropoutBackward, dropoutForward } from './dropout.ts';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './pool.ts';
import { reluBackward, reluForward } from './relu.ts';
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
  const w = (layer: string, name: string) => weights[layer]?.[name]?.data ?? null;
  const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
  const inputs: Float32Array[] = [];
  const outputs: Float32Array[] = [];
  const saved: Array<{ mean?: Float64Array; invStd?: Float64Array; pre?: Float32Array }> = [];
  const convShape = (i: number): Conv2dShape => conv2dShapeOf(spec.layers[i] as Conv2dLayer, summary.layers[i].inputShape, batch);
  const nhwc = (i: number): Nhwc => {
    const [h, wd, c] = summary.layers[i].inputShape;
    return [batch, h, wd, c];
  };
  const channelsOf = (i: number) => summary.layers[i].outputShape[summary.layers[i].outputShape.length - 1];

  let current = x;
  spec.layers.forEach((layer, i) => {
    inputs.push(current);
    const s: (typeof saved)[number] = {};
    let y: Float32Array;
    switch (layer.kind) {
      case 'conv2d':
        y = conv2dForward(current, w(layer.name, 'kernel')!, w(layer.name, 'bias'), convShape(i), layer.activation === 'relu');
        break;
      case 'dense':
        y = denseForward(current, w(layer.name, 'kernel')!, w(layer.name, 'bias'), batch, summary.layers[i].inputShape[0], layer.units, layer.activation === 'relu' ? 'relu' : 'linear');
        break;
      case 'relu':
        y = f32(reluForward(current));
        break;
      case 'maxpool':
      case 'avgpool': {
        const params = poolParamsOf(layer);
        y = f32((layer.kind === 'maxpool' ? maxPoolForward : avgPoolForward)(current, nhwc(i), params));
        break;
      }
      case 'batchnorm': {
        const c = channelsOf(i);
        const r = batchNormTrainingForward(current, c, w(layer.name, 'gamma') ?? new Float32Array(c).fill(1), w(layer.name, 'beta') ?? new Float32Array(c), layer.epsilon);
        s.mean = r.mean;
        s.invStd = r.invStd;
        y = f32(r.y);
        break;
      }
      case 'dropout':
        y = layer.rate === 0 ? current.slice() : f32(dropoutForward(current, layer.rate, dropoutSeed(i)));
        break;
      case 'flatten':
      case 'softmax':
        y = current.slice(); // logits: a final softmax is left to the loss
        break;
    }
    saved.push(s);
    outputs.push(y);
    current = y;
  });

  const classes = summary.outputShape.reduce((a, b) => a * b, 1);
  const loss = softmaxCrossEntropy(current, labels, classes);
  const grads = new Map<string, Float32Array>();
  let dy: Float32Array = f32(loss.dlogits);
  for (let i = spec.layers.length - 1; i >= 0; i--) {
    const layer = spec.layers[i];
    const xIn = inputs[i];
    const y = outputs[i];
    let dx: Float32Array;
    switch (layer.kind) {
      case 'conv2d': {
        const g = layer.activation === 'relu' ? f32(reluBackward(dy, y)) : dy;
        const shape = convShape(i);
        grads.set(`${layer.name}/kernel`, conv2dBackpropFilter(xIn, g, shape));
        if (layer.useBias) grads.set(`${layer.name}/bias`, conv2dBiasGrad(g, layer.filters));
        dx = conv2dBackpropInput(g, w(layer.name, 'kernel')!, shape);
        break;
      }
      case 'dense': {
        const g = layer.activation === 'relu' ? f32(reluBackward(dy, y)) : dy;
        const r = denseBackward(xIn, w(layer.name, 'kernel')!, g, batch, summary.layers[i].inputShape[0], layer.units);
        grads.set(`${layer.name}/kernel`, r.dw);
        if (layer.useBias) grads.set(`${layer.name}/bias`, r.db);
        dx = r.dx;
        break;
      }
      case 'relu':
        dx = f32(reluBackward(dy, y));
        break;
      case 'maxpool':
      case 'avgpool': {
        const params = poolParamsOf(layer);
        dx = f32(layer.kind === 'maxpool' ? maxPoolBackward(xIn, dy, nhwc(i), params) : avgPoolBackward(dy, nhwc(i), params));
        break;
      }
      case 'batchnorm': {
        const c = channelsOf(i);
        const r = batchNormBackward(xIn, dy, c, w(layer.name, 'gamma') ?? new Float32Array(c).fill(1), saved[i].mean!, saved[i].invStd!);
        if (layer.scale) grads.set(`${layer.name}/gamma`, f32(r.dgamma));
        if (layer.center) grads.set(`${layer.name}/beta`, f32(r.dbeta));
        dx = f32(r.dx);
        break;
      }
      case 'dropout':
        dx = layer.rate === 0 ? dy : f32(dropoutBackward(dy, layer.rate, dropoutSeed(i)));
        break;
      case 'flatten':
      case 'softmax':
        dx = dy;
        break;
    }
    dy = dx;
  }
  return { meanLoss: loss.meanLoss, logits: current, grads };
}
