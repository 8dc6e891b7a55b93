/**
 * globalavgpool ([H, W, C] -> [C]) <-> ONNX GlobalAveragePool, whose output is [N, C, 1, 1]: written with a Flatten
 * after it, so the ONNX tensor is [N, C] like ours. Read: the Flatten or Reshape that PyTorch writes after it then
 * meets a flat input and adds nothing (flatten.ts).
 */
import type { GlobalAvgPoolLayer } from '../../nn/layers.ts';
import { intAttr } from '../onnx/onnx-proto.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';

const read: OnnxReader<GlobalAvgPoolLayer> = (c) => {
  if (c.inputShape.length !== 3) throw c.fail(`needs a 4-D NCHW input, but its input is [N, ${c.inputShape.join(', ')}]`);
  return { layer: { kind: 'globalavgpool', name: c.layerName }, order: null };
};

export const globalAvgPoolCodec: OnnxCodec<GlobalAvgPoolLayer> = {
  read: { GlobalAveragePool: read },
  write: (_layer, c) => ({ output: c.node('Flatten', [c.node('GlobalAveragePool', [c.input])], [intAttr('axis', 1)]), order: null }),
};
