/**
 * Inverted dropout, plain-loop reference (oracle of shaders/dropout.wgsl), forward and backward side by side.
 *
 * The mask is a pure function of (seed, flat element index): u = pcgHash(pcgHash(seed) + index) / 2^32, the
 * element is kept when u >= rate, and kept elements are scaled by 1 / (1 - rate) so the expected activation is
 * unchanged. The backward pass recomputes the same mask from the same seed instead of storing it.
 */
import { checkDropoutRate } from '../gpu/kernels/dropout-contract.ts';
import { hashUniform } from '../gpu/kernels/pcg-hash.ts';

/** Whether element `index` survives dropout at `rate` for step seed `seed` (a u32). */
export function dropoutKeeps(seed: number, index: number, rate: number): boolean {
  return hashUniform(seed, index) >= rate;
}

/** y = keep ? x / (1 - rate) : 0. */
export function dropoutForward(x: ArrayLike<number>, rate: number, seed: number): Float64Array {
  checkDropoutRate(rate);
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = dropoutKeeps(seed, i, rate) ? x[i] / (1 - rate) : 0;
  return y;
}

/** dx = keep ? dy / (1 - rate) : 0, with the forward's mask (same seed). */
export function dropoutBackward(dy: ArrayLike<number>, rate: number, seed: number): Float64Array {
  // The layer is linear in x with a fixed diagonal, so its backward is the same map applied to dy.
  return dropoutForward(dy, rate, seed);
}
