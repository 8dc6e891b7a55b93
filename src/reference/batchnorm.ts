/**
 * Batch normalisation over the last (channel) axis, plain-loop reference (oracle of shaders/batchnorm.wgsl),
 * forward and backward side by side, in float64.
 *
 * x is viewed as [rows, channels] with rows = N*H*W for NHWC activations (or N for [N, features]);
 * x[r, c] is at r * channels + c. Training uses the batch mean and the biased batch variance (divide by rows):
 *   y = gamma * (x - mean) * invStd + beta,  invStd = 1 / sqrt(variance + epsilon),
 * and moves the running statistics Keras-style: moving = moving * momentum + batch * (1 - momentum), with the
 * same biased variance (as tf.js-layers and Keras 3 do). Inference uses the moving statistics instead.
 * Layers built with scale=false / center=false pass gamma = 1 / beta = 0.
 */
import { BATCHNORM_EPSILON, BATCHNORM_MOMENTUM } from '../gpu/kernels/batchnorm-contract.ts';

function rowsOf(kernel: string, x: ArrayLike<number>, channels: number, perChannel: Record<string, ArrayLike<number>>): number {
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`${kernel}: channels must be a positive integer, got ${channels}`);
  if (x.length === 0 || x.length % channels !== 0) {
    throw new RangeError(`${kernel}: x has ${x.length} elements, not a positive multiple of ${channels} channels`);
  }
  for (const [name, array] of Object.entries(perChannel)) {
    if (array.length !== channels) throw new RangeError(`${kernel}: ${name} has ${array.length} elements, expected ${channels}`);
  }
  return x.length / channels;
}

export interface BatchNormTrainingResult {
  y: Float64Array;
  /** Batch mean per channel (saved for backward). */
  mean: Float64Array;
  /** Biased batch variance per channel (what the moving variance moves towards). */
  variance: Float64Array;
  /** 1 / sqrt(variance + epsilon) per channel (saved for backward). */
  invStd: Float64Array;
}

/** Training-mode forward: normalise with the batch statistics. */
export function batchNormTrainingForward(
  x: ArrayLike<number>,
  channels: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  epsilon = BATCHNORM_EPSILON,
): BatchNormTrainingResult {
  const rows = rowsOf('batchNormTrainingForward', x, channels, { gamma, beta });
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  const invStd = new Float64Array(channels);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) mean[c] += x[r * channels + c];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  // Two passes (mean first, then squared deviations): no cancellation, unlike E[x^2] - E[x]^2.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const d = x[r * channels + c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < channels; c++) {
    variance[c] /= rows;
    invStd[c] = 1 / Math.sqrt(variance[c] + epsilon);
  }
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      y[i] = gamma[c] * (x[i] - mean[c]) * invStd[c] + beta[c];
    }
  }
  return { y, mean, variance, invStd };
}

/** moving = moving * momentum + batch * (1 - momentum), for the mean and the (biased) variance. */
export function updateMovingStats(
  movingMean: ArrayLike<number>,
  movingVariance: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  momentum = BATCHNORM_MOMENTUM,
): { movingMean: Float64Array; movingVariance: Float64Array } {
  const channels = mean.length;
  for (const [name, array] of Object.entries({ movingMean, movingVariance, variance })) {
    if (array.length !== channels) throw new RangeError(`updateMovingStats: ${name} has ${array.length} elements, expected ${channels}`);
  }
  const nextMean = new Float64Array(channels);
  const nextVariance = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    nextMean[c] = movingMean[c] * momentum + mean[c] * (1 - momentum);
    nextVariance[c] = movingVariance[c] * momentum + variance[c] * (1 - momentum);
  }
  return { movingMean: nextMean, movingVariance: nextVariance };
}

/** Inference-mode forward: y = gamma * (x - movingMean) / sqrt(movingVariance + epsilon) + beta. */
export function batchNormInferenceForward(
  x: ArrayLike<number>,
  channels: number,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  movingMean: ArrayLike<number>,
  movingVariance: ArrayLike<number>,
  epsilon = BATCHNORM_EPSILON,
): Float64Array {
  const rows = rowsOf('batchNormInferenceForward', x, channels, { gamma, beta, movingMean, movingVariance });
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      y[i] = (gamma[c] * (x[i] - movingMean[c])) / Math.sqrt(movingVariance[c] + epsilon) + beta[c];
    }
  }
  return y;
}

export interface BatchNormGradients {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
}

/**
 * Training-mode backward from the saved batch mean and invStd. With xhat = (x - mean) * invStd and M = rows:
 *   dbeta = sum_r dy,  dgamma = sum_r dy * xhat,
 *   dx = gamma * invStd * (dy - dbeta / M - xhat * dgamma / M)
 * (the last two terms are the gradient flowing through the batch mean and variance).
 */
export function batchNormBackward(
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
  channels: number,
  gamma: ArrayLike<number>,
  mean: ArrayLike<number>,
  invStd: ArrayLike<number>,
): BatchNormGradients {
  const rows = rowsOf('batchNormBackward', x, channels, { gamma, mean, invStd });
  if (dy.length !== x.length) throw new RangeError(`batchNormBackward: dy has ${dy.length} elements but x has ${x.length}`);
  const dgamma = new Float64Array(channels);
  const dbeta = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      dbeta[c] += dy[i];
      dgamma[c] += dy[i] * (x[i] - mean[c]) * invStd[c];
    }
  }
  const dx = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      const xhat = (x[i] - mean[c]) * invStd[c];
      dx[i] = gamma[c] * invStd[c] * (dy[i] - dbeta[c] / rows - (xhat * dgamma[c]) / rows);
    }
  }
  return { dx, dgamma, dbeta };
}
