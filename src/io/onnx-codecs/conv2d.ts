/**
 * conv2d <-> ONNX Conv (group 1, dilations 1), weights OIHW <-> our HWIO, and a fused ReLU as a Relu node after
 * it. HWIO element (y, x, i, o) is at ((y * kW + x) * C + i) * K + o; OIHW element (o, i, y, x) at
 * ((o * C + i) * kH + y) * kW + x.
 */
import type { Conv2dLayer } from '../../nn/layers.ts';
import { intAttribute } from '../onnx/onnx-proto.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codec.ts';
import { readWindow, windowAttributes } from './onnx-window.ts';

function hwioToOihw(data: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
      }
    }
  }
  return out;
}

function oihwToHwio(data: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < cin; i++) {
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + i) * cout + o] = data[((o * cin + i) * kh + y) * kw + x];
      }
    }
  }
  return out;
}

const read: OnnxReader<Conv2dLayer> = (c) => {
  const w = c.floatInput(1);
  if (!w) throw c.fail('its weight (input 1) is not an initializer; only constant weights are supported');
  if (w.dims.length !== 4) throw c.fail(`weight '${w.name}' has shape [${w.dims.join(', ')}], not [out, in, kH, kW]`);
  const [cout, cin, kh, kw] = w.dims;
  if (intAttribute(c.node, 'group', 1) !== 1) throw c.fail(`group ${intAttribute(c.node, 'group', 1)} is not supported (1 only)`);
  if (c.inputShape.length === 3 && cin !== c.inputShape[2]) {
    throw c.fail(`weight '${w.name}' reads ${cin} channels but the input has ${c.inputShape[2]}`);
  }
  const window = readWindow(c, [kh, kw]);
  if (window.kernelSize[0] !== kh || window.kernelSize[1] !== kw) {
    throw c.fail(`kernel_shape [${window.kernelSize.join(', ')}] differs from weight '${w.name}' [${kh}, ${kw}]`);
  }
  const b = c.floatInput(2);
  if (c.node.input && c.node.input.length > 2 && c.node.input[2] && !b) throw c.fail('its bias (input 2) is not an initializer');
  if (b && (b.dims.length !== 1 || b.dims[0] !== cout)) throw c.fail(`bias '${b.name}' has shape [${b.dims.join(', ')}], not [${cout}]`);
  const weights = { kernel: { shape: [kh, kw, cin, cout], data: oihwToHwio(w.data, kh, kw, cin, cout) }, ...(b ? { bias: { shape: [cout], data: b.data } } : {}) };
  return {
    layer: { kind: 'conv2d', name: c.layerName, filters: cout, ...window, useBias: b !== null, activation: 'linear' },
    weights,
  };
};

export const conv2dCodec: OnnxCodec<Conv2dLayer> = {
  read: { Conv: read },
  write(layer, c) {
    const [kh, kw] = layer.kernelSize;
    const cin = c.inputShape[2];
    const w = c.initializer('weight', [layer.filters, cin, kh, kw], hwioToOihw(c.weight('kernel').data, kh, kw, cin, layer.filters));
    const inputs = [c.input, w];
    if (layer.useBias) inputs.push(c.initializer('bias', [layer.filters], c.weight('bias').data));
    const y = c.node('Conv', inputs, windowAttributes(layer, c.inputShape));
    return { output: layer.activation === 'relu' ? c.node('Relu', [y]) : y, order: null };
  },
};
