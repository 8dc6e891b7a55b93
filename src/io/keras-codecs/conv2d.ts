/** conv2d <-> Keras Conv2D (channels_last; dilation 1 and groups 1 only; activation linear or relu). */
import type { Activation, Conv2dLayer } from '../../nn/layers.ts';
import { bool, commonConfig, fail, fusedActivation, HE_UNIFORM, num, pair, padding, requireChannelsLast, ZEROS } from '../keras-config.ts';
import type { KerasCodec, KerasReader } from './keras-codec.ts';

const read: KerasReader<Conv2dLayer> = (e) => {
  requireChannelsLast(e);
  const dilation = pair(e, 'dilation_rate', [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1) throw fail(e, `dilation_rate ${JSON.stringify(dilation)} is not supported (1 only)`);
  if ((e.config.groups ?? 1) !== 1) throw fail(e, `groups ${JSON.stringify(e.config.groups)} is not supported (1 only)`);
  const activation = fusedActivation(e, false) as Activation;
  return {
    kind: 'conv2d', name: e.name, filters: num(e, 'filters'), kernelSize: pair(e, 'kernel_size'), strides: pair(e, 'strides', [1, 1]),
    padding: padding(e), useBias: bool(e, 'use_bias', true), activation,
  };
};

export const conv2dCodec: KerasCodec<Conv2dLayer> = {
  read: { Conv2D: read, Convolution2D: read },
  write: (layer) => ({
    class_name: 'Conv2D',
    config: {
      filters: layer.filters, kernel_initializer: HE_UNIFORM, kernel_regularizer: null, kernel_constraint: null,
      kernel_size: [...layer.kernelSize], strides: [...layer.strides], padding: layer.padding, data_format: 'channels_last',
      dilation_rate: [1, 1], activation: layer.activation, use_bias: layer.useBias, bias_initializer: ZEROS,
      bias_regularizer: null, activity_regularizer: null, bias_constraint: null, ...commonConfig(layer.name),
    },
  }),
};
