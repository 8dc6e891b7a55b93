/**
 * The PCG hash (Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 2020): one step of PCG's LCG
 * followed by its RXS-M-XS output permutation, as a stateless u32 -> u32 hash. shaders/dropout.wgsl defines the
 * same function in WGSL; both use wrapping u32 arithmetic, so CPU and GPU agree bit for bit (which is why dropout
 * masks and augmentation draws are taken from it rather than from Math.random).
 */

/** pcgHash(x) for a u32 `x`. JS numbers are doubles, so products go through Math.imul and results through >>> 0. */
export function pcgHash(x: number): number {
  const state = (Math.imul(x >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** A uniform draw in [0, 1) for element `index` of stream `seed`: pcgHash(pcgHash(seed) + index) / 2^32. */
export function hashUniform(seed: number, index: number): number {
  return pcgHash((pcgHash(seed) + index) >>> 0) / 4294967296;
}
