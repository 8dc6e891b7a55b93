/**
 * The ONNX codec of every layer kind (onnx-codecs/), typed like src/nn/layer-registry.ts: a kind of LayerSpec
 * without a codec is a compile error. The readers of all codecs, by ONNX op type, are what onnx-import.ts reads.
 */
import type { LayerKindName, LayerOf, LayerSpec } from '../nn/layers.ts';
import type { OnnxCodec, OnnxReader } from './onnx-codecs/onnx-codec.ts';
import { batchnormCodec } from './onnx-codecs/batchnorm.ts';
import { conv2dCodec } from './onnx-codecs/conv2d.ts';
import { denseCodec } from './onnx-codecs/dense.ts';
import { dropoutCodec } from './onnx-codecs/dropout.ts';
import { flattenCodec } from './onnx-codecs/flatten.ts';
import { globalAvgPoolCodec } from './onnx-codecs/global-avg-pool.ts';
import { avgpoolCodec, maxpoolCodec } from './onnx-codecs/pooling.ts';
import { reluCodec } from './onnx-codecs/relu.ts';
import { softmaxCodec } from './onnx-codecs/softmax.ts';

export const ONNX_CODECS: { readonly [K in LayerKindName]: OnnxCodec<LayerOf<K>> } = {
  conv2d: conv2dCodec,
  dense: denseCodec,
  maxpool: maxpoolCodec,
  avgpool: avgpoolCodec,
  globalavgpool: globalAvgPoolCodec,
  batchnorm: batchnormCodec,
  dropout: dropoutCodec,
  flatten: flattenCodec,
  relu: reluCodec,
  softmax: softmaxCodec,
};

/** The codec of `layer`'s kind (the one cast the mapped type makes safe, as in layerKind). */
export function onnxCodec<L extends LayerSpec>(layer: L): OnnxCodec<L> {
  return ONNX_CODECS[layer.kind as LayerKindName] as unknown as OnnxCodec<L>;
}

/** Every op type some codec reads, with its reader. */
export const ONNX_READERS: ReadonlyMap<string, OnnxReader<LayerSpec>> = new Map(
  Object.values(ONNX_CODECS).flatMap((codec) => Object.entries(codec.read) as [string, OnnxReader<LayerSpec>][]),
);
