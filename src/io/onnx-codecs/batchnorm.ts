/**
 * batchnorm <-> ONNX BatchNormalization in inference form (scale, B, mean, var as initializers; one output):
 * y = (x - mean) / sqrt(var + epsilon) * scale + B per channel, as ours with the moving statistics. Without
 * scale/center ours has no gamma/beta; ONNX needs them, so they are written as ones/zeros. After a flatten the
 * vectors are per feature, in ONNX's feature order (flatten-order.ts).
 */
import type { BatchNormLayer } from '../../nn/layers.ts';
import { floatAttr, floatAttribute, intAttribute } from '../onnx/onnx-proto.ts';
import { fromOnnxOrder, toOnnxOrder } from './flatten-order.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';

const read: OnnxReader<BatchNormLayer> = (c) => {
  if (intAttribute(c.node, 'training_mode', 0) !== 0 || (c.node.output ?? []).filter(Boolean).length > 1) {
    throw c.fail('only the inference form is supported (training_mode 0, one output)');
  }
  const channels = c.inputShape[c.inputShape.length - 1];
  const names = ['scale', 'B', 'mean', 'var'];
  const vectors = names.map((what, k) => {
    const v = c.floatInput(k + 1);
    if (!v) throw c.fail(`its ${what} (input ${k + 1}) is not an initializer`);
    if (v.data.length !== channels) throw c.fail(`${what} '${v.name}' has ${v.data.length} values for ${channels} channels`);
    return fromOnnxOrder(v.data, c.order);
  });
  const shape = [channels];
  return {
    layer: { kind: 'batchnorm', name: c.layerName, epsilon: floatAttribute(c.node, 'epsilon', 1e-5), momentum: floatAttribute(c.node, 'momentum', 0.9), center: true, scale: true },
    weights: {
      gamma: { shape, data: vectors[0] },
      beta: { shape, data: vectors[1] },
      moving_mean: { shape, data: vectors[2] },
      moving_variance: { shape, data: vectors[3] },
    },
  };
};

export const batchnormCodec: OnnxCodec<BatchNormLayer> = {
  read: { BatchNormalization: read },
  write(layer, c) {
    const channels = c.inputShape[c.inputShape.length - 1];
    const vector = (name: string, fill: number) => toOnnxOrder(c.optionalWeight(name)?.data ?? new Float32Array(channels).fill(fill), c.order);
    const inputs = [
      c.input,
      c.initializer('weight', [channels], vector('gamma', 1)),
      c.initializer('bias', [channels], vector('beta', 0)),
      c.initializer('running_mean', [channels], toOnnxOrder(c.weight('moving_mean').data, c.order)),
      c.initializer('running_var', [channels], toOnnxOrder(c.weight('moving_variance').data, c.order)),
    ];
    // ONNX's momentum is Keras's: the weight of the running value (PyTorch's is 1 minus it).
    return { output: c.node('BatchNormalization', inputs, [floatAttr('epsilon', layer.epsilon), floatAttr('momentum', layer.momentum)]), order: c.order };
  },
};
