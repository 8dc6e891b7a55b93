/**
 * flatten <-> ONNX Flatten (axis 1) or a Reshape that only flattens (shape [-1, F], [0, -1] or [0, F], as
 * `x.view(-1, F)` and `x.flatten(1)` export). ONNX flattens the NCHW map in (c, h, w) order and ours in
 * (h, w, c): the order is carried to the layer that reads the features (flatten-order.ts). A flatten of a flat
 * tensor (after global average pooling) is nothing to ours: read, it adds no layer; written, no node.
 */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import { intAttr, intAttribute } from '../onnx/onnx-proto.ts';
import { flattenOrder } from './flatten-order.ts';
import type { OnnxCodec, OnnxReadContext, OnnxReader } from './onnx-codec.ts';

type FlattenLayer = SimpleLayerOf<'flatten'>;

const flattenOf = (c: OnnxReadContext) =>
  c.inputShape.length === 1 ? { layer: null } : { layer: { kind: 'flatten' as const, name: c.layerName }, order: flattenOrder(c.inputShape) };

const readFlatten: OnnxReader<FlattenLayer> = (c) => {
  const axis = intAttribute(c.node, 'axis', 1);
  const rank = c.inputShape.length + 1;
  if (axis !== 1 && axis !== 1 - rank) throw c.fail(`axis ${axis} is not supported: only axis 1 (keep the batch, flatten the rest)`);
  return flattenOf(c);
};

const readReshape: OnnxReader<FlattenLayer> = (c) => {
  const shape = c.intInput(1);
  if (!shape) throw c.fail('its shape (input 1) is not a constant; only a Reshape to a constant [batch, features] is supported');
  const features = c.inputShape.reduce((a, b) => a * b, 1);
  const flattens = shape.length === 2 && (shape[0] === 0 || shape[0] === -1) && (shape[1] === features || (shape[1] === -1 && shape[0] === 0));
  if (!flattens) {
    throw c.fail(`shape ${JSON.stringify(shape)} does not flatten its [N, ${c.inputShape.join(', ')}] input to [N, ${features}]; only flattening Reshapes are supported`);
  }
  return flattenOf(c);
};

export const flattenCodec: OnnxCodec<FlattenLayer> = {
  read: { Flatten: readFlatten, Reshape: readReshape },
  write: (_layer, c) =>
    c.inputShape.length === 1 ? { output: c.input, order: c.order } : { output: c.node('Flatten', [c.input], [intAttr('axis', 1)]), order: flattenOrder(c.inputShape) },
};
