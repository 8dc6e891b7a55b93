/** dense <-> Keras Dense (activation linear, relu or softmax). */
import type { DenseLayer } from '../../nn/layers.ts';
import { bool, commonConfig, fusedActivation, HE_UNIFORM, num, ZEROS } from '../keras-config.ts';
import type { KerasCodec } from './keras-codec.ts';

export const denseCodec: KerasCodec<DenseLayer> = {
  read: {
    Dense: (e) => ({ kind: 'dense', name: e.name, units: num(e, 'units'), useBias: bool(e, 'use_bias', true), activation: fusedActivation(e, true) }),
  },
  write: (layer) => ({
    class_name: 'Dense',
    config: {
      units: layer.units, activation: layer.activation, use_bias: layer.useBias, kernel_initializer: HE_UNIFORM,
      bias_initializer: ZEROS, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
      kernel_constraint: null, bias_constraint: null, ...commonConfig(layer.name),
    },
  }),
};
