/** relu: y = max(x, 0), 1 FLOP per element; the backward passes dy where y > 0. Channels pass one to one. */
import { planReluBackward, planReluForward } from '../../gpu/kernels/relu.ts';
import type { SimpleLayerOf } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { product, weightless } from './shape-rules.ts';

export const reluKind: LayerKind<SimpleLayerOf<'relu'>> = {
  summarize: (_layer, input) => weightless([...input], product(input)),
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    planForward: async (_layer, p) => [await planReluForward(p.ctx, { x: p.x, y: p.y, count: p.batch * product(p.outputShape) })],
    planBackward: async (_layer, p) => (p.dx ? [await planReluBackward(p.ctx, { dy: p.dy, y: p.y, dx: p.dx, count: p.batch * product(p.outputShape) })] : []),
  },
  channels: { flow: () => ({ type: 'per-channel' }), editable: null },
  outputSign: () => ({ type: 'non-negative' }),
};
