/**
 * softmax (over the last axis of ours) <-> ONNX Softmax over axis 1: the features of a flat tensor, the channels
 * of an NCHW map (opset 13's Softmax is over one axis; before 13 it flattened from the axis on, which is the
 * same only for a flat tensor). Over a flat vector the softmax commutes with any reordering of the features,
 * so the feature order passes through.
 */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import { intAttr, intAttribute } from '../onnx/onnx-proto.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';

const read: OnnxReader<SimpleLayerOf<'softmax'>> = (c) => {
  const rank = c.inputShape.length + 1;
  const axis = intAttribute(c.node, 'axis', c.opset >= 13 ? -1 : 1);
  const normalized = axis < 0 ? axis + rank : axis;
  if (rank === 4 && (normalized !== 1 || c.opset < 13)) throw c.fail(`axis ${axis} on a 4-D input is not supported (only over the channels, axis 1, from opset 13)`);
  if (rank === 2 && normalized !== 1) throw c.fail(`axis ${axis} is not supported (only over the features)`);
  return { layer: { kind: 'softmax', name: c.layerName } };
};

export const softmaxCodec: OnnxCodec<SimpleLayerOf<'softmax'>> = {
  read: { Softmax: read },
  write: (_layer, c) => ({ output: c.node('Softmax', [c.input], [intAttr('axis', 1)]), order: c.order }),
};
