/**
 * The Keras codec of every layer kind (keras-codecs/), typed like src/nn/layer-registry.ts: a kind of LayerSpec
 * without a codec is a compile error.
 */
import type { LayerKindName, LayerOf, LayerSpec } from '../nn/layers.ts';
import type { KerasCodec } from './keras-codecs/keras-codec.ts';
import { batchnormCodec } from './keras-codecs/batchnorm.ts';
import { conv2dCodec } from './keras-codecs/conv2d.ts';
import { denseCodec } from './keras-codecs/dense.ts';
import { dropoutCodec } from './keras-codecs/dropout.ts';
import { flattenCodec } from './keras-codecs/flatten.ts';
import { globalAvgPoolCodec } from './keras-codecs/global-avg-pool.ts';
import { avgpoolCodec, maxpoolCodec } from './keras-codecs/pooling.ts';
import { reluCodec } from './keras-codecs/relu.ts';
import { softmaxCodec } from './keras-codecs/softmax.ts';

export const KERAS_CODECS: { readonly [K in LayerKindName]: KerasCodec<LayerOf<K>> } = {
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
export function kerasCodec<L extends LayerSpec>(layer: L): KerasCodec<L> {
  return KERAS_CODECS[layer.kind as LayerKindName] as unknown as KerasCodec<L>;
}
