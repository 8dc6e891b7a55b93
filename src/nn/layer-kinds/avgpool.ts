/**
 * avgpool: the mean of each window's in-bounds taps (TF: padding is not counted). FLOPs: window - 1 adds and one
 * multiply by 1/count per output. Channels pass one to one.
 */
import { planAvgPoolBackward, planAvgPoolForward } from '../../gpu/kernels/pool.ts';
import { poolParamsOf } from '../kernel-shapes.ts';
import type { PoolLayerOf } from '../layers.ts';
import type { ForwardPlan, LayerKind } from './layer-kind.ts';
import { poolWindows, weightless } from './shape-rules.ts';

type AvgPoolLayer = PoolLayerOf<'avgpool'>;

const nhwc = (p: ForwardPlan): [number, number, number, number] => [p.batch, p.inputShape[0], p.inputShape[1], p.inputShape[2]];

export const avgpoolKind: LayerKind<AvgPoolLayer> = {
  summarize(layer, input) {
    const { outputShape, outputs, window } = poolWindows(layer, input);
    return weightless(outputShape, outputs * window);
  },
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    async planForward(layer, p) {
      return [await planAvgPoolForward(p.ctx, { x: p.x, y: p.y, xShape: nhwc(p), params: poolParamsOf(layer) })];
    },
    async planBackward(layer, p) {
      if (!p.dx) return [];
      return [await planAvgPoolBackward(p.ctx, { dy: p.dy, dx: p.dx, xShape: nhwc(p), params: poolParamsOf(layer) })];
    },
  },
  channels: { flow: () => ({ type: 'per-channel' }), editable: null },
  outputSign: () => ({ type: 'as-input' }),
};
