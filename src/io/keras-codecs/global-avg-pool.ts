/**
 * globalavgpool <-> Keras GlobalAveragePooling2D (TF.js's globalAveragePooling2d; alias GlobalAvgPool2D), channels_last
 * and keepdims false only (Keras 2.6+ and 3 write keepdims; TF.js has no such option and writes data_format only).
 */
import type { GlobalAvgPoolLayer } from '../../nn/layers.ts';
import { commonConfig, fail, requireChannelsLast } from '../keras-config.ts';
import type { KerasCodec, KerasReader } from './keras-codec.ts';

const read: KerasReader<GlobalAvgPoolLayer> = (e) => {
  requireChannelsLast(e);
  if ((e.config.keepdims ?? false) !== false) throw fail(e, `keepdims ${JSON.stringify(e.config.keepdims)} is not supported (false only: the output is [channels])`);
  return { kind: 'globalavgpool', name: e.name };
};

export const globalAvgPoolCodec: KerasCodec<GlobalAvgPoolLayer> = {
  read: { GlobalAveragePooling2D: read, GlobalAvgPool2D: read },
  write: (layer) => ({ class_name: 'GlobalAveragePooling2D', config: { data_format: 'channels_last', ...commonConfig(layer.name) } }),
};
