/**
 * Any model to an ONNX file (opset 13), laid out as PyTorch's exporter writes a CNN, so that PyTorch users
 * meet what they expect: the input `input` is NCHW float32 [batch, C, H, W] with a symbolic batch; weights are
 * initializers named like PyTorch's state dict (`conv1.weight`, `conv1.bias`, `bn1.running_mean`); convolutions
 * are Conv with OIHW weights; dense layers are Gemm with transB = 1; a Flatten of the NCHW map is in (c, h, w)
 * order, so the rows of the dense layer after it are reordered from ours (h, w, c) once, here
 * (onnx-codecs/onnx-codec.ts says how each layer handles that order). A model whose output is still a flattened
 * map in another order (no dense layer after the flatten) ends with a Gather that puts the features back in ours.
 *
 * The input is the preprocessed image, x = (pixel * scale - mean[c]) / std[c], as a PyTorch model is fed after
 * its transforms; the model's preprocessing, class names and name go to the metadata property `aomStudio` (JSON),
 * which the importer reads back. The output `output` is the model's output: logits, or probabilities when the
 * model ends in a softmax.
 */
import type { Model, Tensor } from '../../nn/layers.ts';
import { summarizeModel } from '../../nn/shapes.ts';
import { preprocessingProblem } from '../../nn/preprocessing.ts';
import { ModelFormatError } from '../model-format-error.ts';
import { onnxCodec } from '../onnx-codec-registry.ts';
import type { FeatureOrder, OnnxWriteContext } from '../onnx-codecs/onnx-codec.ts';
import { METADATA_KEY, metadataOf } from '../tfjs-layers.ts';
import {
  floatTensor, floatValueInfo, int64Tensor, intAttr, onnx, ONNX_IR_VERSION, ONNX_OPSET, type OnnxTypes,
} from './onnx-proto.ts';

export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';
export const ONNX_BATCH = 'batch';

/** The model as the bytes of an .onnx file. Throws ModelFormatError naming the layer for a missing or misshapen weight. */
export function modelToOnnx(model: Model): Uint8Array {
  const { spec, weights } = model;
  if (spec.layers.length === 0) throw new ModelFormatError(`model '${spec.name}': has no layers`);
  const problem = preprocessingProblem(spec.preprocessing, spec.inputShape[2]);
  if (problem) throw new ModelFormatError(`model '${spec.name}': ${problem}`);
  const summary = summarizeModel(spec);

  const nodes: OnnxTypes.INodeProto[] = [];
  const initializers: OnnxTypes.ITensorProto[] = [];
  const used = new Set<string>([ONNX_INPUT]);
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  };

  let current = ONNX_INPUT;
  let order: FeatureOrder = null;
  summary.layers.forEach((s, index) => {
    const layer = spec.layers[index];
    const where = `layer '${layer.name}' (${layer.kind})`;
    const weightOf = (name: string): Tensor | undefined => {
      const t = weights[layer.name]?.[name];
      const shape = s.weightShapes[name];
      if (!t) return undefined;
      const size = shape ? shape.reduce((a, b) => a * b, 1) : -1;
      if (!shape || t.data.length !== size || t.shape.length !== shape.length || t.shape.some((d, k) => d !== shape[k])) {
        throw new ModelFormatError(`${where}: weight '${name}' has shape [${t.shape.join(', ')}] but the layer needs [${(shape ?? []).join(', ')}]`, layer.name);
      }
      return t;
    };
    const context: OnnxWriteContext = {
      inputShape: s.inputShape,
      outputShape: s.outputShape,
      input: current,
      order,
      weight: (name) => {
        const t = weightOf(name);
        if (!t) throw new ModelFormatError(`${where}: weight '${name}' is missing from the model`, layer.name);
        return t;
      },
      optionalWeight: weightOf,
      initializer: (suffix, dims, data) => {
        const name = fresh(`${layer.name}.${suffix}`);
        initializers.push(floatTensor(name, dims, data));
        return name;
      },
      node: (opType, inputs, attributes = []) => {
        const output = fresh(`${layer.name}/${opType}`);
        nodes.push({ name: output, opType, input: inputs, output: [output], attribute: attributes });
        return output;
      },
    };
    const written = onnxCodec(layer).write(layer, context);
    current = written.output;
    order = written.order;
  });

  if (order) {
    // output[:, i] = input[:, order[i]]: our feature i from where ONNX's flatten put it.
    const indices = fresh('output_order');
    initializers.push(int64Tensor(indices, [...order]));
    const output = fresh('output/Gather');
    nodes.push({ name: output, opType: 'Gather', input: [current, indices], output: [output], attribute: [intAttr('axis', 1)] });
    current = output;
  }
  if (current === ONNX_INPUT) {
    nodes.push({ name: ONNX_OUTPUT, opType: 'Identity', input: [current], output: [ONNX_OUTPUT] });
  } else {
    // The last node's output is read by no node: renaming it is renaming one string.
    const last = nodes.find((n) => n.output![0] === current)!;
    last.output = [ONNX_OUTPUT];
  }

  const [h, w, c] = spec.inputShape;
  const out = summary.outputShape;
  const outputDims = out.length === 3 ? [ONNX_BATCH, out[2], out[0], out[1]] : [ONNX_BATCH, ...out];
  const proto: OnnxTypes.IModelProto = {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'aom-studio',
    producerVersion: '0.1.0',
    docString:
      `${spec.name}: input '${ONNX_INPUT}' is NCHW float32 [batch, ${c}, ${h}, ${w}], preprocessed as ` +
      `(pixel * ${spec.preprocessing.scale} - mean[c]) / std[c] with mean ${JSON.stringify(spec.preprocessing.mean)} and std ${JSON.stringify(spec.preprocessing.std)}`,
    metadataProps: [{ key: METADATA_KEY, value: JSON.stringify(metadataOf(spec)) }],
    graph: {
      name: spec.name,
      node: nodes,
      initializer: initializers,
      input: [floatValueInfo(ONNX_INPUT, [ONNX_BATCH, c, h, w])],
      output: [floatValueInfo(ONNX_OUTPUT, outputDims)],
    },
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(proto)).finish();
}
