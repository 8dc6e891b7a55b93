/** dropout <-> Keras Dropout (noise_shape and seed are not kept: our masks are seeded per training step). */
import type { DropoutLayer } from '../../nn/layers.ts';
import { commonConfig, num } from '../keras-config.ts';
import type { KerasCodec } from './keras-codec.ts';

export const dropoutCodec: KerasCodec<DropoutLayer> = {
  read: { Dropout: (e) => ({ kind: 'dropout', name: e.name, rate: num(e, 'rate') }) },
  write: (layer) => ({ class_name: 'Dropout', config: { rate: layer.rate, noise_shape: null, seed: null, ...commonConfig(layer.name) } }),
};
