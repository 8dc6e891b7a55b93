/**
 * relu <-> Keras ReLU (the plain one: no max_value, slope or threshold); written as Activation('relu'), as TF.js
 * does. Activation('relu') is read by keras-layers.ts, which maps the Activation class onto several kinds.
 */
import type { SimpleLayerOf } from '../../nn/layers.ts';
import { commonConfig, fail } from '../keras-config.ts';
import type { KerasCodec } from './keras-codec.ts';

export const reluCodec: KerasCodec<SimpleLayerOf<'relu'>> = {
  read: {
    ReLU: (e) => {
      const maxValue = e.config.max_value ?? null;
      const slope = e.config.negative_slope ?? e.config.alpha ?? 0;
      const threshold = e.config.threshold ?? 0;
      if (maxValue !== null || slope !== 0 || threshold !== 0) {
        throw fail(e, `only the plain ReLU is supported (max_value ${JSON.stringify(maxValue)}, negative_slope ${JSON.stringify(slope)}, threshold ${JSON.stringify(threshold)})`);
      }
      return { kind: 'relu', name: e.name };
    },
  },
  write: (layer) => ({ class_name: 'Activation', config: { activation: 'relu', ...commonConfig(layer.name) } }),
};
