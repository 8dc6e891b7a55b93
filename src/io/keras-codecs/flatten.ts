/** flatten <-> Keras Flatten (channels_last: row-major over (h, w, c), our layout). */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import { commonConfig, requireChannelsLast } from '../keras-config.ts';
import type { KerasCodec } from './keras-codec.ts';

export const flattenCodec: KerasCodec<SimpleLayerOf<'flatten'>> = {
  read: {
    Flatten: (e) => {
      requireChannelsLast(e);
      return { kind: 'flatten', name: e.name };
    },
  },
  write: (layer) => ({ class_name: 'Flatten', config: { ...commonConfig(layer.name) } }),
};
