/**
 * onnx's own message types (ModelProto, GraphProto, NodeProto, TensorProto, …) from the npm package `onnx-proto`:
 * onnx.proto compiled by protobufjs into static encoders and decoders, so no file of ours parses protobuf by hand.
 * The package is CommonJS (`module.exports = { onnx }`); a default import is its module.exports in Node, in
 * Vite's dependency bundle and in vitest alike.
 *
 * Also here: what every ONNX reader and writer of ours needs around those types — int64 values (protobufjs gives
 * a `Long` where the `long` package is installed, a number where it is not), attributes, and float tensors.
 */
import onnxProto from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from 'onnx-proto';
import type { onnx as O } from 'onnx-proto';

/** The opset we write; every operator we emit has had its current form since 13. */
export const ONNX_OPSET = 13;
/** IR version 7 is the one opset 13 shipped with (onnx 1.8); readers of 1.8 and later open it. */
export const ONNX_IR_VERSION = 7;

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

/** A protobuf int64 (number, or a Long with low/high words) as a JS number; throws past 2^53. */
export function int64(value: number | { low: number; high: number; toNumber?: () => number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  const n = value.toNumber ? value.toNumber() : value.high * 0x100000000 + (value.low >>> 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int64 value ${n} is beyond 2^53`);
  return n;
}

/** Attribute `name` of `node`, or undefined. */
export function attribute(node: O.INodeProto, name: string): O.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export const intAttr = (name: string, i: number): O.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
export const intsAttr = (name: string, ints: number[]): O.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints });
export const floatAttr = (name: string, f: number): O.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f });

/** A float32 initializer in raw little-endian bytes (the form torch.onnx.export writes). */
export function floatTensor(name: string, dims: number[], data: Float32Array): O.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (data.length !== size) throw new RangeError(`tensor '${name}': ${data.length} values for shape [${dims.join(', ')}]`);
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return { name, dims, dataType: FLOAT, rawData: bytes };
}

/** An int64 initializer (Reshape's shape input). */
export function int64Tensor(name: string, values: number[]): O.ITensorProto {
  return { name, dims: [values.length], dataType: INT64, int64Data: values };
}

/** A tensor's type for a graph input or output: float32 with `dims` (a string is a symbolic dimension). */
export function floatValueInfo(name: string, dims: (number | string)[]): O.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

/** An INT attribute's value, or `fallback` when the node does not set it. */
export function intAttribute(node: O.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? int64(a.i) : fallback;
}

/** An INTS attribute's values, or `fallback`. */
export function intsAttribute(node: O.INodeProto, name: string, fallback: number[]): number[] {
  const a = attribute(node, name);
  return a ? (a.ints ?? []).map((v) => int64(v)) : fallback;
}

/** A FLOAT attribute's value, or `fallback`. */
export function floatAttribute(node: O.INodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a ? (a.f ?? 0) : fallback;
}

/** A STRING attribute's value (protobuf bytes, UTF-8), or `fallback`. */
export function stringAttribute(node: O.INodeProto, name: string, fallback: string): string {
  const a = attribute(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : fallback;
}
