/**
 * What the optimizer kernels (optimizers.ts), their CPU reference (src/reference/optimizers.ts) and the trainer
 * agree on: Adam's default hyper-parameters. Part of the kernels' contracts (see pcg-hash.ts for the scheme).
 */

/** Keras defaults (Adam: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7). */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;
