/**
 * globalavgpool: the mean of every channel over all positions, [H, W, C] -> [C] (Keras GlobalAveragePooling2D,
 * channels_last, keepdims false). FLOPs, as avgpool counts a window: H * W - 1 adds and one multiply (by 1 / (H * W))
 * per channel, H * W * C in all. Kernel: src/gpu/kernels/global-avg-pool.ts. For drop/widen it passes channels one
 * to one: channel k of its output is channel k of its input, so a dense layer after it reads the edited channels
 * at one position (row k of its kernel). Its output keeps the sign of its input, but it is flat, so no conv can be
 * inserted after it.
 */
import { planGlobalAvgPoolBackward, planGlobalAvgPoolForward, type GlobalPoolShape } from '../../gpu/kernels/global-avg-pool.ts';
import type { GlobalAvgPoolLayer } from '../layers.ts';
import type { ForwardPlan, LayerKind } from './layer-kind.ts';
import { requireMap, weightless } from './shape-rules.ts';

const xShape = (p: ForwardPlan): GlobalPoolShape => [p.batch, p.inputShape[0], p.inputShape[1], p.inputShape[2]];

export const globalAvgPoolKind: LayerKind<GlobalAvgPoolLayer> = {
  summarize(layer, input) {
    const [h, w, c] = requireMap(layer, input);
    return weightless([c], h * w * c);
  },
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    planForward: async (_layer, p) => [await planGlobalAvgPoolForward(p.ctx, { x: p.x, y: p.y, xShape: xShape(p) })],
    planBackward: async (_layer, p) => (p.dx ? [await planGlobalAvgPoolBackward(p.ctx, { dy: p.dy, dx: p.dx, xShape: xShape(p) })] : []),
  },
  channels: { flow: () => ({ type: 'per-channel' }), editable: null },
  outputSign: () => ({ type: 'as-input' }),
};
