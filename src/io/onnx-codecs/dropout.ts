/**
 * dropout <-> ONNX Dropout, the identity at inference (opset 13: without training_mode it passes its input
 * through). Read: the ratio input, when constant, is the rate; else ONNX's default 0.5. A training_mode input or
 * a mask output is refused (this tool reads inference graphs).
 */
import type { DropoutLayer } from '../../nn/layers.ts';
import { floatAttribute } from '../onnx/onnx-proto.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';

const read: OnnxReader<DropoutLayer> = (c) => {
  if ((c.node.input ?? []).length > 2 && c.node.input![2]) throw c.fail('a training_mode input is not supported (inference graphs only)');
  const ratio = c.floatInput(1);
  const rate = ratio && ratio.data.length === 1 ? ratio.data[0] : floatAttribute(c.node, 'ratio', 0.5);
  if (!(rate >= 0 && rate < 1)) throw c.fail(`ratio ${rate} is not in [0, 1)`);
  return { layer: { kind: 'dropout', name: c.layerName, rate } };
};

export const dropoutCodec: OnnxCodec<DropoutLayer> = {
  read: { Dropout: read },
  write: (_layer, c) => ({ output: c.node('Dropout', [c.input]), order: c.order }),
};
