/** relu <-> ONNX Relu (element-wise: the feature order passes through). */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import type { OnnxCodec } from './onnx-codec.ts';

export const reluCodec: OnnxCodec<SimpleLayerOf<'relu'>> = {
  read: { Relu: (c) => ({ layer: { kind: 'relu', name: c.layerName } }) },
  write: (_layer, c) => ({ output: c.node('Relu', [c.input]), order: c.order }),
};
