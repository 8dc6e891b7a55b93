/**
 * maxpool: the maximum of each window (TF geometry; 'same' padding is never the maximum). FLOPs: window - 1
 * comparisons per output. Training records each window's first maximal tap (argmax, a scratch buffer the size
 * of y) so the backward needs neither x nor atomics (src/gpu/kernels/pool.ts). Channels pass one to one.
 */
import { maxPoolFoldsRelu, planMaxPoolBackward, planMaxPoolForward } from '../../gpu/kernels/pool.ts';
import { poolParamsOf } from '../kernel-shapes.ts';
import type { PoolLayerOf } from '../layers.ts';
import type { ForwardPlan, LayerKind } from './layer-kind.ts';
import { poolWindows, product, weightless } from './shape-rules.ts';

type MaxPoolLayer = PoolLayerOf<'maxpool'>;

const nhwc = (p: ForwardPlan): [number, number, number, number] => [p.batch, p.inputShape[0], p.inputShape[1], p.inputShape[2]];
const argmax = (p: ForwardPlan) => p.scratch('argmax', p.batch * product(p.outputShape));

export const maxpoolKind: LayerKind<MaxPoolLayer> = {
  summarize(layer, input) {
    const { outputShape, outputs, window } = poolWindows(layer, input);
    return weightless(outputShape, outputs * (window - 1));
  },
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    async planForward(layer, p) {
      const params = poolParamsOf(layer);
      return [await planMaxPoolForward(p.ctx, { x: p.x, y: p.y, argmax: p.training ? argmax(p) : undefined, xShape: nhwc(p), params })];
    },
    async planBackward(layer, p) {
      if (!p.dx) return [];
      const reluPooled = p.foldInputRelu ? p.y : undefined;
      return [await planMaxPoolBackward(p.ctx, { dy: p.dy, argmax: argmax(p), dx: p.dx, xShape: nhwc(p), params: poolParamsOf(layer), reluPooled })];
    },
    foldsInputRelu: (layer, inputShape, batch) =>
      maxPoolFoldsRelu([batch, inputShape[0], inputShape[1], inputShape[2]], poolParamsOf(layer)),
  },
  channels: { flow: () => ({ type: 'per-channel' }), editable: null },
  outputSign: () => ({ type: 'as-input' }),
};
