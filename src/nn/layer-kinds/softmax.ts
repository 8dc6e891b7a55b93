/**
 * softmax over the last axis, 3 FLOPs per element (exp, add, divide). Only at the end of a model: the GPU network
 * computes logits and leaves the softmax to the loss or the reader, so the layer aliases its input and plans no
 * dispatch. It mixes channels, so no drop/widen passes through it.
 */
import type { SimpleLayerOf } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { product, weightless } from './shape-rules.ts';

export const softmaxKind: LayerKind<SimpleLayerOf<'softmax'>> = {
  summarize: (_layer, input) => weightless([...input], 3 * product(input)),
  init: () => ({}),
  appliesSoftmax: () => true,
  gpu: {
    aliasesInput: () => true,
    planForward: async () => [],
    planBackward: async () => [],
  },
  channels: { flow: () => ({ type: 'mixes' }), editable: null },
  outputSign: () => ({ type: 'any', reason: 'it is a softmax' }),
};
