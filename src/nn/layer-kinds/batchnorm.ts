/**
 * batchnorm over the last (channel) axis. Inference: y = (x - moving_mean) / sqrt(moving_variance + eps) * gamma
 * + beta, 2 FLOPs per element (folded into x * a[c] + b[c]). Training uses the batch's statistics (kept in scratch
 * buffers for the backward) and updates the moving ones. gamma/beta are absent when scale/center are off, as in
 * Keras; the kernels then read constant 1/0 vectors. Parameters: 4 per channel, of which gamma and beta train.
 * For drop/widen its four vectors are gathered like the channels.
 */
import { planBatchNormBackward, planBatchNormInference, planBatchNormTraining } from '../../gpu/kernels/batchnorm.ts';
import type { BatchNormLayer } from '../layers.ts';
import type { ForwardPlan, LayerKind } from './layer-kind.ts';
import { layerError, product, sumSizes } from './shape-rules.ts';
import { filled } from './weight-init.ts';

/** Channels, rows (everything before the channel axis) and the vectors the kernels read. */
function buffers(p: ForwardPlan) {
  const channels = p.outputShape[p.outputShape.length - 1];
  const gamma = p.weight('gamma');
  const beta = p.weight('beta');
  return {
    channels,
    rows: (p.batch * product(p.outputShape)) / channels,
    gamma: gamma?.value ?? p.scratch('unit gamma', channels, 1),
    beta: beta?.value ?? p.scratch('zero beta', channels, 0),
    dgamma: gamma?.grad ?? p.scratch('unused dgamma', channels),
    dbeta: beta?.grad ?? p.scratch('unused dbeta', channels),
    mean: p.scratch('batch mean', channels),
    invStd: p.scratch('batch inverse std', channels),
  };
}

export const batchnormKind: LayerKind<BatchNormLayer> = {
  summarize(layer, input) {
    if (input.length === 0) throw layerError(layer, 'needs an input with a channel axis');
    if (!(layer.epsilon > 0)) throw layerError(layer, `epsilon must be positive, got ${layer.epsilon}`);
    const c = input[input.length - 1];
    const weightShapes: Record<string, number[]> = {};
    if (layer.scale) weightShapes.gamma = [c];
    if (layer.center) weightShapes.beta = [c];
    weightShapes.moving_mean = [c];
    weightShapes.moving_variance = [c];
    const trainableParams = (layer.scale ? c : 0) + (layer.center ? c : 0);
    return { outputShape: [...input], weightShapes, params: sumSizes(weightShapes), trainableParams, flops: 2 * product(input) };
  },
  init(_layer, weightShapes) {
    // The identity at inference: gamma 1, beta 0, moving mean 0, moving variance 1.
    const out: Record<string, ReturnType<typeof filled>> = {};
    if (weightShapes.gamma) out.gamma = filled(weightShapes.gamma, 1);
    if (weightShapes.beta) out.beta = filled(weightShapes.beta, 0);
    out.moving_mean = filled(weightShapes.moving_mean, 0);
    out.moving_variance = filled(weightShapes.moving_variance, 1);
    return out;
  },
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    async planForward(layer, p) {
      const s = buffers(p);
      const movingMean = p.weight('moving_mean')!.value;
      const movingVariance = p.weight('moving_variance')!.value;
      if (p.training) {
        return planBatchNormTraining(p.ctx, {
          rows: s.rows, channels: s.channels, x: p.x, y: p.y, gamma: s.gamma, beta: s.beta, mean: s.mean, invStd: s.invStd,
          movingMean, movingVariance, epsilon: layer.epsilon, momentum: layer.momentum,
        });
      }
      return [await planBatchNormInference(p.ctx, {
        rows: s.rows, channels: s.channels, x: p.x, y: p.y, gamma: s.gamma, beta: s.beta, movingMean, movingVariance, epsilon: layer.epsilon,
      })];
    },
    planBackward(_layer, p) {
      const s = buffers(p);
      // A first-layer batch-norm still computes the input gradient, into a scratch buffer: the kernel writes
      // dx, dgamma and dbeta together.
      const dx = p.dx ?? p.scratch('unused input grad', s.rows * s.channels);
      return planBatchNormBackward(p.ctx, {
        rows: s.rows, channels: s.channels, x: p.x, dy: p.dy, gamma: s.gamma, mean: s.mean, invStd: s.invStd, dx, dgamma: s.dgamma, dbeta: s.dbeta,
      });
    },
  },
  channels: { flow: () => ({ type: 'per-channel-weights' }), editable: null },
  outputSign: () => ({ type: 'any', reason: 'it is a batchnorm' }),
};
