/**
 * The PCG hash (Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 2020): one step of PCG's LCG
 * followed by its RXS-M-XS output permutation, as a stateless u32 -> u32 hash. shaders/dropout.wgsl and
 * shaders/gather_batch.wgsl define the same function in WGSL; all use wrapping u32 arithmetic, so CPU and GPU agree
 * bit for bit (which is why dropout masks and augmentation draws are taken from it rather than from Math.random).
 *
 * Part of the kernels' contracts: src/gpu/kernels/ holds, next to each wrapper, what the wrapper and its CPU
 * reference (src/reference) agree on, so that production code never needs the reference. A kernel family's shapes,
 * geometry, constants and argument checks are in `<kernel>-contract.ts`; a fact several families share has a file
 * of its own here (this hash: dropout and gather; window-geometry.ts: conv and pool). The data splits draw from it
 * too, so a split is reproducible from its seed alone.
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
