/**
 * A layer kind's ONNX codec: the nodes it writes (NCHW, as PyTorch's exporter lays a CNN out) and the operators it
 * reads. One module per kind beside this file, collected in ../onnx-codec-registry.ts, typed so a kind without a
 * codec fails to compile (like the Keras codecs).
 *
 * Layouts. Ours: activations NHWC, conv kernels HWIO, dense kernels [in, out], flatten row-major over (h, w, c).
 * ONNX's (and PyTorch's): activations NCHW, conv weights OIHW, Gemm's B [out, in] with transB = 1, and a Flatten
 * of an NCHW map ordered (c, h, w). So after a flatten of an H x W x C map (H * W > 1), feature i of ours is
 * feature `order[i]` of ONNX's, with i = (h * W + w) * C + c and order[i] = (c * H + h) * W + w
 * (flatten-order.ts). Layers that act element by element (relu, dropout, softmax over the whole vector: it is
 * permutation-equivariant) pass the order on; batchnorm permutes its vectors; dense consumes it (its rows are
 * reordered) and outputs the natural order.
 */
import type { LayerSpec, Tensor } from '../../nn/layers.ts';
import type { OnnxTypes } from '../onnx/onnx-proto.ts';

type INode = OnnxTypes.INodeProto;
type IAttribute = OnnxTypes.IAttributeProto;

/** Feature order of a flat tensor in ONNX: null when it is ours, else ONNX's index of each of our features. */
export type FeatureOrder = Int32Array | null;

export interface OnnxWriteContext {
  /** Per-image shapes of the layer's input and output, ours ([h, w, c] or [features]). */
  inputShape: readonly number[];
  outputShape: readonly number[];
  /** The ONNX tensor the layer reads. */
  input: string;
  /** The order of the input's features in ONNX (flat inputs only). */
  order: FeatureOrder;
  /** The layer's weight `name`; a ModelFormatError naming the layer when it is missing. */
  weight(name: string): Tensor;
  /** The layer's weight `name`, or undefined (batchnorm's gamma/beta when scale/center are off). */
  optionalWeight(name: string): Tensor | undefined;
  /** Adds a float initializer named `<layer>.<suffix>` (PyTorch's naming: conv1.weight, conv1.bias); returns its name. */
  initializer(suffix: string, dims: number[], data: Float32Array): string;
  /** Adds a node reading `inputs`; returns the name of its one output. */
  node(opType: string, inputs: string[], attributes?: IAttribute[]): string;
}

/** What a written layer leaves: the ONNX tensor of its output and that tensor's feature order. */
export interface OnnxWritten {
  output: string;
  order: FeatureOrder;
}

/** One initializer input of a node, decoded. */
export interface InitializerValue {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface OnnxReadContext {
  node: INode;
  /** The node's index in the graph. */
  index: number;
  /** A free layer name for the layer made from this node (from its weight's name, conv1.weight -> conv1, or its own). */
  layerName: string;
  /** Per-image shape of the node's data input, ours. */
  inputShape: readonly number[];
  /** The order of the input's features (flat inputs only). */
  order: FeatureOrder;
  /** The model's opset (of the default domain). */
  opset: number;
  /** Input `i` of the node as a float initializer (or Constant), or null when that input is absent or computed. */
  floatInput(i: number): InitializerValue | null;
  /** The tensor `name` as a float initializer (or Constant), or null when it is computed. */
  constant(name: string): InitializerValue | null;
  /** Input `i` as int64 values (a Reshape's shape), or null. */
  intInput(i: number): number[] | null;
  /** The node after this one, when it reads only this node's output (MatMul + Add). */
  next(): INode | null;
  /** An error naming the node, its op type and its index, for an option we do not implement. */
  fail(problem: string): Error;
}

/** What a read node gives: a layer (or null: the node changes nothing of ours) and how many nodes it took. */
export interface OnnxRead<L extends LayerSpec> {
  layer: L | null;
  weights?: Record<string, Tensor>;
  /** The order of the output's features; default: the input's. */
  order?: FeatureOrder;
  /** Nodes consumed, this one included (2 for MatMul + Add); default 1. */
  consumed?: number;
}

export type OnnxReader<L extends LayerSpec> = (c: OnnxReadContext) => OnnxRead<L>;

export interface OnnxCodec<L extends LayerSpec> {
  /** ONNX op types read as this kind. */
  read: Readonly<Record<string, OnnxReader<L>>>;
  write(layer: L, c: OnnxWriteContext): OnnxWritten;
}
