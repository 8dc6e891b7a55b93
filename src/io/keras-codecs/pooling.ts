/**
 * maxpool <-> Keras MaxPooling2D, avgpool <-> AveragePooling2D (channels_last). Keras: strides null means
 * strides = pool_size. The two kinds share their config, so this module holds both codecs.
 */
import type { PoolLayer, PoolLayerOf } from '../../nn/layers.ts';
import { commonConfig, pair, padding, requireChannelsLast, type KerasLayerJson } from '../keras-config.ts';
import type { KerasLayerEntry } from '../keras-topology.ts';
import type { KerasCodec, KerasReader } from './keras-codec.ts';

/** The pooling fields of a Keras MaxPooling2D / AveragePooling2D config. */
function readPool(e: KerasLayerEntry): Omit<PoolLayer, 'kind'> {
  requireChannelsLast(e);
  const poolSize = pair(e, 'pool_size', [2, 2]);
  const strides = e.config.strides == null ? poolSize : pair(e, 'strides');
  return { name: e.name, poolSize, strides, padding: padding(e) };
}

function writePool(className: string, layer: PoolLayer): KerasLayerJson {
  return {
    class_name: className,
    config: { pool_size: [...layer.poolSize], padding: layer.padding, strides: [...layer.strides], data_format: 'channels_last', ...commonConfig(layer.name) },
  };
}

const readMax: KerasReader<PoolLayerOf<'maxpool'>> = (e) => ({ kind: 'maxpool', ...readPool(e) });
const readAvg: KerasReader<PoolLayerOf<'avgpool'>> = (e) => ({ kind: 'avgpool', ...readPool(e) });

export const maxpoolCodec: KerasCodec<PoolLayerOf<'maxpool'>> = {
  read: { MaxPooling2D: readMax, MaxPool2D: readMax },
  write: (layer) => writePool('MaxPooling2D', layer),
};

export const avgpoolCodec: KerasCodec<PoolLayerOf<'avgpool'>> = {
  read: { AveragePooling2D: readAvg, AvgPool2D: readAvg },
  write: (layer) => writePool('AveragePooling2D', layer),
};
