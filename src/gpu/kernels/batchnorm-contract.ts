/**
 * What the batchnorm kernels (batchnorm.ts), their CPU reference (src/reference/batchnorm.ts) and the trainer agree
 * on: the default momentum of the moving statistics and the epsilon under the square root,
 *   y = gamma * (x - mean) / sqrt(variance + epsilon) + beta,  moving = moving * momentum + batch * (1 - momentum).
 * Keras's defaults, so imported models normalise as they did in Keras. Part of the kernels' contracts (see
 * pcg-hash.ts for the scheme).
 */

export const BATCHNORM_MOMENTUM = 0.99;
export const BATCHNORM_EPSILON = 1e-3;
