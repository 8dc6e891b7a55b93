/**
 * maxpool <-> ONNX MaxPool, avgpool <-> AveragePool (count_include_pad 0: the mean over the window's taps inside
 * the input, as TensorFlow's 'same' average pooling). Both kinds share their window (onnx-window.ts).
 */
import type { PoolLayerOf } from '../../nn/layers.ts';
import { intAttr, intAttribute } from '../onnx/onnx-proto.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';
import { readWindow, windowAttributes } from './onnx-window.ts';

const readMax: OnnxReader<PoolLayerOf<'maxpool'>> = (c) => {
  if ((c.node.output ?? []).filter(Boolean).length > 1) throw c.fail('its Indices output is not supported');
  if (intAttribute(c.node, 'storage_order', 0) !== 0) throw c.fail('storage_order 1 is not supported');
  const { kernelSize, strides, padding } = readWindow(c);
  return { layer: { kind: 'maxpool', name: c.layerName, poolSize: kernelSize, strides, padding } };
};

const readAvg: OnnxReader<PoolLayerOf<'avgpool'>> = (c) => {
  const { kernelSize, strides, padding } = readWindow(c);
  if (padding === 'same' && intAttribute(c.node, 'count_include_pad', 0) !== 0) {
    throw c.fail('count_include_pad 1 is not supported with padding (the mean is over the taps inside the input)');
  }
  return { layer: { kind: 'avgpool', name: c.layerName, poolSize: kernelSize, strides, padding } };
};

export const maxpoolCodec: OnnxCodec<PoolLayerOf<'maxpool'>> = {
  read: { MaxPool: readMax },
  write: (layer, c) => ({ output: c.node('MaxPool', [c.input], windowAttributes({ kernelSize: layer.poolSize, strides: layer.strides, padding: layer.padding }, c.inputShape)), order: null }),
};

export const avgpoolCodec: OnnxCodec<PoolLayerOf<'avgpool'>> = {
  read: { AveragePool: readAvg },
  write: (layer, c) => ({
    output: c.node('AveragePool', [c.input], [
      ...windowAttributes({ kernelSize: layer.poolSize, strides: layer.strides, padding: layer.padding }, c.inputShape),
      intAttr('count_include_pad', 0),
    ]),
    order: null,
  }),
};
