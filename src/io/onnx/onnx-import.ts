/**
 * An ONNX file to a Model, for CNNs laid out as PyTorch's exporter (torch.onnx.export) writes them: one NCHW
 * float input [batch, C, H, W] (the batch symbolic or fixed), weights as initializers (or Constant nodes), and a
 * chain of the operators the codecs read (onnx-codec-registry.ts: Conv, BatchNormalization in inference form,
 * Relu, MaxPool, AveragePool, GlobalAveragePool, Flatten, a Reshape that only flattens, Gemm, MatMul + Add,
 * Dropout, Softmax; Identity and Constant pass). Everything is converted once, here, to our NHWC / HWIO /
 * [in, out] layout, including the rows of the first dense layer after a flatten (ONNX flattens (c, h, w), we
 * (h, w, c)).
 *
 * The file is untrusted: its size is bounded before decoding, every tensor's declared size is checked against
 * its bytes before anything is allocated for it, tensors stored outside the file (external data, a path) are
 * refused, and the `aomStudio` metadata property is validated field by field. Every error names the file; an
 * operator we do not read names the node, its op type and its index.
 *
 * Preprocessing: from the `aomStudio` metadata property when the file has one (files this tool exported);
 * otherwise pixels scaled to [0, 1], as for any model without preprocessing (README: how to add the property for
 * a model trained on normalised inputs).
 */
import type { LayerSpec, Model, ModelSpec, ModelWeights } from '../../nn/layers.ts';
import { summarizeLayer, summarizeModel, ModelSpecError } from '../../nn/shapes.ts';
import { unitScalePreprocessing } from '../../nn/preprocessing.ts';
import { ModelFormatError } from '../model-format-error.ts';
import { ONNX_READERS } from '../onnx-codec-registry.ts';
import type { FeatureOrder, InitializerValue, OnnxReadContext } from '../onnx-codecs/onnx-codec.ts';
import { METADATA_KEY, readAomStudioMetadata } from '../tfjs-layers.ts';
import { parseUntrustedJson } from '../untrusted-json.ts';
import { attribute, FLOAT, INT64, int64, onnx, type OnnxTypes } from './onnx-proto.ts';

/** Largest .onnx file read (the largest model this tool trains is a few MiB). */
export const MAX_ONNX_BYTES = 1024 * 1024 * 1024;
/** Largest tensor, in values (1 GiB of float32). */
const MAX_TENSOR_VALUES = 256 * 1024 * 1024;
const MAX_NODES = 100_000;
const MAX_METADATA_CHARS = 1024 * 1024;

type ITensor = OnnxTypes.ITensorProto;
type INode = OnnxTypes.INodeProto;

/** The file's bytes as a Model; throws ModelFormatError naming `file` (and the node, when one is at fault). */
export function modelFromOnnx(bytes: Uint8Array, file: string): Model {
  if (bytes.byteLength > MAX_ONNX_BYTES) {
    throw new ModelFormatError(`${file}: is ${bytes.byteLength.toLocaleString('en')} bytes, more than the ${MAX_ONNX_BYTES.toLocaleString('en')} an ONNX model may have here`);
  }
  let proto: OnnxTypes.ModelProto;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelFormatError(`${file}: is not an ONNX model (protobuf decoding failed: ${(error as Error).message})`);
  }
  const graph = proto.graph;
  const nodes = graph?.node ?? [];
  if (!graph || nodes.length === 0) throw new ModelFormatError(`${file}: is not an ONNX model (it has no graph with nodes)`);
  if (nodes.length > MAX_NODES) throw new ModelFormatError(`${file}: has ${nodes.length} nodes, more than ${MAX_NODES}`);
  const opset = defaultOpset(proto, file);

  // Constants: initializers, then Constant nodes (their `value` tensor), by tensor name.
  const constants = new Map<string, ITensor>();
  for (const t of graph.initializer ?? []) constants.set(t.name ?? '', t);
  for (const node of nodes) {
    if (node.opType === 'Constant' && node.output?.[0]) {
      const value = attribute(node, 'value')?.t;
      if (value) constants.set(node.output[0], { ...value, name: node.output[0] });
    }
  }
  const floatCache = new Map<string, InitializerValue>();
  const floatConstant = (name: string): InitializerValue | null => {
    const t = constants.get(name);
    if (!t) return null;
    let v = floatCache.get(name);
    if (!v) {
      v = { name, dims: tensorDims(t, file), data: floatData(t, file) };
      floatCache.set(name, v);
    }
    return v;
  };

  const { name: inputName, shape: inputShape } = graphInput(graph, constants, file);
  const layers: LayerSpec[] = [];
  const weights: ModelWeights = {};
  const names = new Set<string>();
  let shape: number[] = [...inputShape];
  let current = inputName;
  let order: FeatureOrder = null;

  for (let index = 0; index < nodes.length; ) {
    const node = nodes[index];
    const what = `node '${node.name || `#${index}`}' (${node.opType}, index ${index})`;
    const fail = (problem: string) => new ModelFormatError(`${file}: ${what}: ${problem}`);
    if (node.domain && node.domain !== 'ai.onnx') throw fail(`is in the operator domain '${node.domain}', not ONNX's own`);
    if (node.opType === 'Constant') {
      index++;
      continue;
    }
    if (node.input?.[0] !== current) {
      throw fail(
        `reads '${node.input?.[0] ?? ''}', not '${current}' (the output of the node before it); only chains of operators, ` +
          'one path from the input to the output as a sequential CNN exports, are supported',
      );
    }
    if (node.opType === 'Identity') {
      current = node.output?.[0] ?? '';
      index++;
      continue;
    }
    const reader = ONNX_READERS.get(node.opType ?? '');
    if (!reader) {
      throw fail(`the operator ${node.opType} is not supported (supported: ${[...ONNX_READERS.keys(), 'Identity', 'Constant'].join(', ')})`);
    }
    const context: OnnxReadContext = {
      node, index, opset, inputShape: shape, order,
      layerName: layerNameFor(node, index, names),
      floatInput: (i) => (node.input?.[i] ? floatConstant(node.input[i]) : null),
      constant: floatConstant,
      intInput: (i) => {
        const t = node.input?.[i] ? constants.get(node.input[i]) : undefined;
        return t ? intData(t, file) : null;
      },
      next: () => {
        const after = nodes[index + 1];
        return after && (after.input ?? []).includes(node.output?.[0] ?? '') ? after : null;
      },
      fail,
    };
    const read = reader(context);
    const consumed = read.consumed ?? 1;
    const last = nodes[index + consumed - 1];
    current = last.output?.[0] ?? '';
    if (read.order !== undefined) order = read.order;
    if (read.layer) {
      const layer = read.layer;
      let summary;
      try {
        summary = summarizeLayer(layer, shape);
      } catch (error) {
        if (error instanceof ModelSpecError) throw fail(error.message);
        throw error;
      }
      for (const [weight, expected] of Object.entries(summary.weightShapes)) {
        const t = read.weights?.[weight];
        if (!t || t.data.length !== expected.reduce((a, b) => a * b, 1)) throw fail(`weight '${weight}' [${expected.join(', ')}] could not be read`);
      }
      names.add(layer.name);
      layers.push(layer);
      if (read.weights && Object.keys(read.weights).length > 0) weights[layer.name] = read.weights;
      shape = summary.outputShape;
    }
    index += consumed;
  }

  const outputName = graph.output?.[0]?.name;
  if ((graph.output ?? []).length !== 1 || outputName !== current) {
    throw new ModelFormatError(`${file}: the graph's output ${JSON.stringify((graph.output ?? []).map((o) => o.name))} is not the end of its chain of nodes ('${current}'); one output is supported`);
  }
  if (order) {
    throw new ModelFormatError(`${file}: the output is a flattened NCHW map with no dense layer after the flatten; its (c, h, w) feature order has no equivalent here`);
  }
  if (layers.length === 0) throw new ModelFormatError(`${file}: has no layer this tool can represent`);

  const channels = inputShape[2];
  const metadataText = (proto.metadataProps ?? []).find((p) => p.key === METADATA_KEY)?.value;
  let metadata: ReturnType<typeof readAomStudioMetadata> = {};
  if (metadataText !== undefined && metadataText !== null) {
    const where = `${file}: metadata property '${METADATA_KEY}'`;
    let value: unknown;
    try {
      value = parseUntrustedJson(metadataText, where, MAX_METADATA_CHARS);
    } catch (error) {
      throw new ModelFormatError((error as Error).message);
    }
    metadata = readAomStudioMetadata(value, channels, where);
  }
  const spec: ModelSpec = {
    name: metadata.name ?? (graph.name || file.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '')),
    inputShape,
    layers,
    preprocessing: metadata.preprocessing ?? unitScalePreprocessing(channels),
  };
  let summary;
  try {
    summary = summarizeModel(spec);
  } catch (error) {
    if (error instanceof ModelSpecError) throw new ModelFormatError(`${file}: ${error.message}`, error.layer);
    throw error;
  }
  if (metadata.classNames) {
    const out = summary.outputShape;
    if (out.length !== 1 || out[0] !== metadata.classNames.length) {
      throw new ModelFormatError(`${file}: metadata lists ${metadata.classNames.length} class names but the model outputs [${out.join(', ')}]`);
    }
    spec.classNames = metadata.classNames;
  }
  if (metadata.split) spec.split = metadata.split;
  return { spec, weights };
}

/** The version of the default (ai.onnx) operator set the file imports. */
function defaultOpset(proto: OnnxTypes.ModelProto, file: string): number {
  const entry = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const version = entry ? int64(entry.version) : 0;
  if (version < 9) throw new ModelFormatError(`${file}: imports ONNX opset ${version || 'none'}; opset 9 or later is supported`);
  return version;
}

/** The one graph input that is not a constant: NCHW float32 with a batch axis; our [h, w, c]. */
function graphInput(graph: OnnxTypes.IGraphProto, constants: Map<string, ITensor>, file: string): { name: string; shape: [number, number, number] } {
  const inputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ''));
  if (inputs.length !== 1) throw new ModelFormatError(`${file}: has ${inputs.length} graph inputs besides its weights (${inputs.map((i) => `'${i.name}'`).join(', ')}); one image input is supported`);
  const input = inputs[0];
  const tensor = input.type?.tensorType;
  const where = `${file}: input '${input.name}'`;
  if (!tensor || tensor.elemType !== FLOAT) throw new ModelFormatError(`${where} is not a float32 tensor`);
  const dims = tensor.shape?.dim ?? [];
  // A dimension is a number (dimValue) or a name (dimParam, symbolic); a decoded message has at most one set.
  const fixed = dims.map((d) => (!d.dimParam && d.dimValue !== null && d.dimValue !== undefined && int64(d.dimValue) > 0 ? int64(d.dimValue) : null));
  if (dims.length !== 4 || fixed.slice(1).some((d) => d === null || d < 1 || d > 65536)) {
    const text = dims.map((d, k) => (fixed[k] ?? d.dimParam ?? '?')).join(', ');
    throw new ModelFormatError(`${where} has shape [${text}]; an NCHW image batch [batch, channels, height, width] of fixed image size is supported`);
  }
  const [, c, h, w] = fixed as number[];
  return { name: input.name!, shape: [h, w, c] };
}

function tensorDims(t: ITensor, file: string): number[] {
  const dims = (t.dims ?? []).map((d) => int64(d));
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new ModelFormatError(`${file}: tensor '${t.name}' has dims ${JSON.stringify(dims)}`);
  return dims;
}

/** The tensor's element count, bounded before anything is allocated for it. */
function tensorSize(t: ITensor, file: string): number {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0) {
    throw new ModelFormatError(`${file}: tensor '${t.name}' keeps its data in an external file; export with the weights inside the .onnx (save_as_external_data=False)`);
  }
  const size = tensorDims(t, file).reduce((a, b) => a * b, 1);
  if (size > MAX_TENSOR_VALUES) throw new ModelFormatError(`${file}: tensor '${t.name}' declares ${size} values, more than ${MAX_TENSOR_VALUES}`);
  return size;
}

function floatData(t: ITensor, file: string): Float32Array {
  if (t.dataType !== FLOAT) throw new ModelFormatError(`${file}: tensor '${t.name}' has data type ${t.dataType}, not float32 (1); only float32 weights are supported`);
  const size = tensorSize(t, file);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== size * 4) throw new ModelFormatError(`${file}: tensor '${t.name}' has ${raw.length} bytes of data, its shape needs ${size * 4}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const values = t.floatData ?? [];
  if (values.length !== size) throw new ModelFormatError(`${file}: tensor '${t.name}' has ${values.length} values, its shape needs ${size}`);
  return Float32Array.from(values);
}

function intData(t: ITensor, file: string): number[] {
  if (t.dataType !== INT64) throw new ModelFormatError(`${file}: tensor '${t.name}' has data type ${t.dataType}, not int64 (7)`);
  const size = tensorSize(t, file);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    if (raw.length !== size * 8) throw new ModelFormatError(`${file}: tensor '${t.name}' has ${raw.length} bytes of data, its shape needs ${size * 8}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: size }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  const values = (t.int64Data ?? []).map((v) => int64(v));
  if (values.length !== size) throw new ModelFormatError(`${file}: tensor '${t.name}' has ${values.length} values, its shape needs ${size}`);
  return values;
}

/**
 * A layer name for the node: its weight's module path (PyTorch names initializers `conv1.weight`, so `conv1`),
 * else its own name less a trailing '/<op type>', made a valid layer name (letters, digits, '.', '_', '-'),
 * else op type and index; unique among `taken`.
 */
function layerNameFor(node: INode, index: number, taken: Set<string>): string {
  const weight = node.input?.[1] ?? '';
  const fromWeight = /^(.+)\.weight$/.exec(weight)?.[1];
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[^A-Za-z0-9]+/, '').replace(/_+$/, '');
  // A node name ends in its op type ('/conv1/Conv', ours 'conv1/Relu'): the module path before it names the layer.
  const full = (node.name ?? '').replace(/_\d+$/, '');
  const suffix = `/${node.opType ?? ''}`;
  const own = full.endsWith(suffix) ? full.slice(0, -suffix.length) : (node.name ?? '');
  let base = clean(fromWeight ?? own);
  if (!base) base = `${(node.opType ?? 'node').toLowerCase()}${index}`;
  let name = base;
  for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
  return name;
}
