/** softmax <-> Keras Softmax (the last axis only); written as Activation('softmax'), as TF.js does. */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import { commonConfig, fail, isLastAxis } from '../keras-config.ts';
import type { KerasCodec } from './keras-codec.ts';

export const softmaxCodec: KerasCodec<SimpleLayerOf<'softmax'>> = {
  read: {
    Softmax: (e, inputShape) => {
      if (!isLastAxis(e.config.axis ?? -1, inputShape.length + 1)) throw fail(e, `axis ${JSON.stringify(e.config.axis)} is not supported: only the last axis`);
      return { kind: 'softmax', name: e.name };
    },
  },
  write: (layer) => ({ class_name: 'Activation', config: { activation: 'softmax', ...commonConfig(layer.name) } }),
};
