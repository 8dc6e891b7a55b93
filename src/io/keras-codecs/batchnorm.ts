/** batchnorm <-> Keras BatchNormalization (the channel axis only). */
import type { BatchNormLayer } from '../../nn/layers.ts';
import { bool, commonConfig, fail, isLastAxis, num, ONES, ZEROS } from '../keras-config.ts';
import type { KerasCodec, KerasReader } from './keras-codec.ts';

const read: KerasReader<BatchNormLayer> = (e, inputShape) => {
  const rank = inputShape.length + 1; // Keras axes count the batch axis
  if (!isLastAxis(e.config.axis ?? -1, rank)) {
    throw fail(e, `axis ${JSON.stringify(e.config.axis)} is not supported: only the channel (last) axis of its ${rank}-D input`);
  }
  return {
    kind: 'batchnorm', name: e.name, epsilon: num(e, 'epsilon', 1e-3), momentum: num(e, 'momentum', 0.99),
    center: bool(e, 'center', true), scale: bool(e, 'scale', true),
  };
};

export const batchnormCodec: KerasCodec<BatchNormLayer> = {
  read: { BatchNormalization: read, BatchNormalizationV1: read, BatchNormalizationV2: read },
  write: (layer) => ({
    class_name: 'BatchNormalization',
    config: {
      axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
      beta_initializer: ZEROS, gamma_initializer: ONES, moving_mean_initializer: ZEROS, moving_variance_initializer: ONES,
      beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, ...commonConfig(layer.name),
    },
  }),
};
