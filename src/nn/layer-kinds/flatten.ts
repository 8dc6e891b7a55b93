/**
 * flatten: [H, W, C] -> [H * W * C], row-major over (h, w, c). NHWC memory is already in that order, so the
 * output aliases the input and costs nothing. For drop/widen, channel k of position p = h * W + w becomes feature
 * p * C + k: later per-channel weights repeat the channel axis H * W times.
 */
import type { SimpleLayerOf } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { product, weightless } from './shape-rules.ts';

export const flattenKind: LayerKind<SimpleLayerOf<'flatten'>> = {
  summarize: (_layer, input) => weightless([product(input)], 0),
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => true,
    planForward: async () => [],
    planBackward: async () => [],
  },
  channels: {
    // A flatten of a flat vector changes nothing.
    flow: (_layer, input) => ({ type: 'flatten', positions: input.length === 3 ? input[0] * input[1] : 1 }),
    editable: null,
  },
  outputSign: () => ({ type: 'any', reason: 'it is a flatten' }),
};
