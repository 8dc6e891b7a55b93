/**
 * dense <-> ONNX Gemm (transB = 1: B is [out, in], as PyTorch's nn.Linear exports) or MatMul + Add, with a fused
 * ReLU or softmax as a node after it. Our kernel is [in, out]: element (i, o) at i * out + o. After a flatten of an
 * NCHW map our feature i is ONNX's feature order[i] (flatten-order.ts), so ONNX's B row (column, with transB)
 * order[i] is our kernel row i.
 */
import type { DenseLayer } from '../../nn/layers.ts';
import { floatAttribute, intAttribute, intAttr } from '../onnx/onnx-proto.ts';
import type { FeatureOrder, OnnxCodec, OnnxReadContext, OnnxReader } from './onnx-codec.ts';

/** Our [in, out] kernel from ONNX's B, given as [in, out] (transposed: false) or [out, in] (true), in ONNX's feature order. */
function kernelFromOnnx(b: Float32Array, inF: number, outF: number, transposed: boolean, order: FeatureOrder): Float32Array {
  const kernel = new Float32Array(inF * outF);
  for (let i = 0; i < inF; i++) {
    const j = order ? order[i] : i;
    for (let o = 0; o < outF; o++) kernel[i * outF + o] = transposed ? b[o * inF + j] : b[j * outF + o];
  }
  return kernel;
}

function denseFrom(c: OnnxReadContext, b: Float32Array, inF: number, outF: number, transposed: boolean, bias: Float32Array | null, consumed: number) {
  const inputF = c.inputShape.length === 1 ? c.inputShape[0] : null;
  if (inputF !== inF) throw c.fail(`its weight reads ${inF} features but its input is [N, ${c.inputShape.join(', ')}]; a flatten must come first`);
  return {
    layer: { kind: 'dense' as const, name: c.layerName, units: outF, useBias: bias !== null, activation: 'linear' as const },
    weights: { kernel: { shape: [inF, outF], data: kernelFromOnnx(b, inF, outF, transposed, c.order) }, ...(bias ? { bias: { shape: [outF], data: bias } } : {}) },
    order: null,
    consumed,
  };
}

function vectorOf(c: OnnxReadContext, v: { name: string; dims: number[]; data: Float32Array }, size: number): Float32Array {
  // PyTorch writes [out]; other exporters write [1, out].
  if (v.data.length !== size || v.dims.some((d, k) => d !== 1 && k !== v.dims.length - 1)) {
    throw c.fail(`bias '${v.name}' has shape [${v.dims.join(', ')}], not [${size}]`);
  }
  return v.data;
}

const readGemm: OnnxReader<DenseLayer> = (c) => {
  if (intAttribute(c.node, 'transA', 0) !== 0) throw c.fail('transA 1 is not supported');
  const alpha = floatAttribute(c.node, 'alpha', 1);
  const beta = floatAttribute(c.node, 'beta', 1);
  if (alpha !== 1 || beta !== 1) throw c.fail(`alpha ${alpha} and beta ${beta} are not supported (1 only)`);
  const b = c.floatInput(1);
  if (!b || b.dims.length !== 2) throw c.fail('its B (input 1) is not a 2-D initializer');
  const transposed = intAttribute(c.node, 'transB', 0) === 1;
  const [inF, outF] = transposed ? [b.dims[1], b.dims[0]] : [b.dims[0], b.dims[1]];
  const bias = c.floatInput(2);
  if (c.node.input && c.node.input.length > 2 && c.node.input[2] && !bias) throw c.fail('its C (input 2) is not an initializer');
  return denseFrom(c, b.data, inF, outF, transposed, bias ? vectorOf(c, bias, outF) : null, 1);
};

const readMatMul: OnnxReader<DenseLayer> = (c) => {
  const b = c.floatInput(1);
  if (!b || b.dims.length !== 2) throw c.fail('its B (input 1) is not a 2-D initializer');
  const [inF, outF] = b.dims;
  // MatMul + Add (an initializer added to the product) is one dense layer with a bias.
  const next = c.next();
  let bias: Float32Array | null = null;
  if (next?.opType === 'Add') {
    const other = next.input?.findIndex((name) => name !== c.node.output?.[0]) ?? -1;
    const value = other >= 0 ? c.constant(next.input![other]) : null;
    if (value) bias = vectorOf(c, value, outF);
  }
  return denseFrom(c, b.data, inF, outF, false, bias, bias ? 2 : 1);
};

export const denseCodec: OnnxCodec<DenseLayer> = {
  read: { Gemm: readGemm, MatMul: readMatMul },
  write(layer, c) {
    const inF = c.inputShape[0];
    const outF = layer.units;
    const kernel = c.weight('kernel').data;
    // B [out, in] in ONNX's feature order: B[o, order[i]] = kernel[i, o].
    const b = new Float32Array(inF * outF);
    for (let i = 0; i < inF; i++) {
      const j = c.order ? c.order[i] : i;
      for (let o = 0; o < outF; o++) b[o * inF + j] = kernel[i * outF + o];
    }
    const inputs = [c.input, c.initializer('weight', [outF, inF], b)];
    if (layer.useBias) inputs.push(c.initializer('bias', [outF], c.weight('bias').data));
    const y = c.node('Gemm', inputs, [intAttr('transB', 1)]);
    const output = layer.activation === 'relu' ? c.node('Relu', [y]) : layer.activation === 'softmax' ? c.node('Softmax', [y], [intAttr('axis', 1)]) : y;
    return { output, order: null };
  },
};
