/**
 * dropout (inverted): training zeroes a seeded fraction `rate` of the elements and scales the rest by
 * 1 / (1 - rate), with a mask that is a pure function of (step seed, layer, element) so the backward redraws it;
 * at inference (and at rate 0) it is the identity and its output aliases its input. 0 FLOPs (inference).
 */
import { planDropoutBackward, planDropoutForward } from '../../gpu/kernels/dropout.ts';
import type { DropoutLayer } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { layerError, product, weightless } from './shape-rules.ts';

export const dropoutKind: LayerKind<DropoutLayer> = {
  summarize(layer, input) {
    if (!(layer.rate >= 0 && layer.rate < 1)) throw layerError(layer, `rate must be in [0, 1), got ${layer.rate}`);
    return weightless([...input], 0);
  },
  init: () => ({}),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: (layer, training) => !training || layer.rate === 0,
    async planForward(layer, p) {
      if (p.y === p.x) return [];
      const kernel = await planDropoutForward(p.ctx, { x: p.x, y: p.y, count: p.batch * product(p.outputShape), rate: layer.rate, seed: 0 });
      p.seeded(kernel);
      return [kernel.call];
    },
    async planBackward(layer, p) {
      if (!p.dx || p.dx === p.dy) return []; // first layer, or aliased (rate 0)
      const kernel = await planDropoutBackward(p.ctx, { dy: p.dy, dx: p.dx, count: p.batch * product(p.outputShape), rate: layer.rate, seed: 0 });
      p.seeded(kernel);
      return [kernel.call];
    },
  },
  channels: { flow: () => ({ type: 'per-channel' }), editable: null },
  outputSign: () => ({ type: 'as-input' }),
};
