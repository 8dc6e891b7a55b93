/**
 * Deepening: insert a conv layer initialised to the identity (Net2DeeperNet, Chen, Goodfellow & Shlens, ICLR
 * 2016) after a layer whose output is never negative (a conv with a fused ReLU, a relu layer, or pooling or
 * dropout after one). The new conv has C filters of size kh x kw on C input channels, stride 1, 'same' padding,
 * zero bias and a fused ReLU; filter k has a single 1, at the tap that reads input channel k at the output's own
 * position, so conv(x) = x and relu(conv(relu(x))) = relu(x): the model computes the same function.
 *
 * The identity tap: with TF's 'same' padding and stride 1 (src/gpu/kernels/window-geometry.ts), output o reads input
 * o + t - padBefore at tap t, so the tap t = padBefore reads input o. padBefore = floor((k - 1) / 2), the centre
 * for odd k (and the tap left of centre for even k, where TF pads one more after than before).
 *
 * A width W larger than C adds W - C fresh kernels (He-uniform incoming, zero outgoing; widen-layer.ts), which
 * still preserves the function. A width smaller than C cannot: some channel would have nowhere to go.
 */
import { windowGeometry } from '../gpu/kernels/window-geometry.ts';
import type { Conv2dLayer, Model } from '../nn/layers.ts';
import { layerKind } from '../nn/layer-registry.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { copyModel } from './model-copy.ts';
import { SurgeryError } from './surgery-error.ts';
import { widenLayer } from './widen-layer.ts';

export interface InsertOptions {
  /** [kh, kw] of the new conv; default [3, 3]. */
  kernelSize?: [number, number];
  /** Filters of the new conv; default (and minimum) the channels of the layer it follows. */
  width?: number;
  /** Name of the new layer; default `<after>_deep` (with a number when taken). */
  name?: string;
  /** Seed of the fresh kernels when width exceeds the channels (default 0). */
  seed?: number;
}

/** Why the output of layer `index` can be negative, or null when it never is (so an identity ReLU conv keeps it). */
function negativeOutputReason(model: Model, index: number): string | null {
  const layer = model.spec.layers[index];
  const sign = layerKind(layer).outputSign(layer);
  switch (sign.type) {
    case 'non-negative':
      return null;
    case 'as-input':
      // Pooling and dropout keep the sign; what matters is their input.
      return index === 0 ? 'its input is the raw model input' : negativeOutputReason(model, index - 1);
    case 'any':
      return sign.reason;
  }
}

/** A name not used by any layer of the model: `<base>`, else `<base>2`, `<base>3`, … */
export function uniqueLayerName(model: Model, base: string): string {
  const taken = new Set(model.spec.layers.map((l) => l.name));
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

/** A copy of `model` with an identity-initialised conv + ReLU inserted right after layer `after`. */
export function insertLayer(model: Model, after: string, options: InsertOptions = {}): Model {
  const { spec } = model;
  const index = spec.layers.findIndex((l) => l.name === after);
  if (index < 0) throw new SurgeryError(`model '${spec.name}' has no layer '${after}' (layers: ${spec.layers.map((l) => l.name).join(', ')})`, after);
  const shape = summarizeModel(spec).layers[index].outputShape;
  if (shape.length !== 3) {
    throw new SurgeryError(`insert after '${after}': its output is flat [${shape.join(', ')}], a conv layer needs a feature map [height, width, channels]`, after);
  }
  const reason = negativeOutputReason(model, index);
  if (reason !== null) {
    throw new SurgeryError(
      `insert after '${after}': its output can be negative (${reason}), and the identity conv's ReLU would clip it; insert after a ReLU (a conv with activation relu, or a relu layer) to keep the function`,
      after,
    );
  }
  const [h, w, channels] = shape;
  const kernelSize = options.kernelSize ?? [3, 3];
  const [kh, kw] = kernelSize;
  if (!Number.isInteger(kh) || !Number.isInteger(kw) || kh < 1 || kw < 1) {
    throw new SurgeryError(`insert after '${after}': kernel size must be positive integers, got ${kh}x${kw}`, after);
  }
  const width = options.width ?? channels;
  if (!Number.isInteger(width) || width < channels) {
    throw new SurgeryError(
      `insert after '${after}': width ${width} is not function-preserving; the identity conv needs at least the ${channels} channels of '${after}' (insert at width ${channels}, then drop kernels)`,
      after,
    );
  }
  const name = options.name ?? uniqueLayerName(model, `${after}_deep`);
  if (spec.layers.some((l) => l.name === name)) throw new SurgeryError(`insert after '${after}': a layer is already named '${name}'`, name);

  const layer: Conv2dLayer = {
    kind: 'conv2d', name, filters: channels, kernelSize: [kh, kw], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu',
  };
  const { padTop, padLeft } = windowGeometry(h, w, kh, kw, 1, 1, 'same');
  // HWIO [kh, kw, C, C]: kernel[padTop, padLeft, k, k] = 1, index ((padTop * kw + padLeft) * C + k) * C + k.
  const kernel = new Float32Array(kh * kw * channels * channels);
  for (let k = 0; k < channels; k++) kernel[((padTop * kw + padLeft) * channels + k) * channels + k] = 1;

  const out = copyModel(model);
  out.spec.layers.splice(index + 1, 0, layer);
  out.weights[name] = {
    kernel: { shape: [kh, kw, channels, channels], data: kernel },
    bias: { shape: [channels], data: new Float32Array(channels) },
  };
  return width > channels ? widenLayer(out, name, width - channels, { mode: 'fresh', seed: options.seed ?? 0 }) : out;
}
