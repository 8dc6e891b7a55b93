/**
 * What the dropout kernels (dropout.ts) and their CPU reference (src/reference/dropout.ts) agree on: which rates
 * are valid. (The mask itself is drawn from pcg-hash.ts by both.) Part of the kernels' contracts (see pcg-hash.ts
 * for the scheme).
 */

/** Throws unless 0 <= rate < 1 (rate 1 would scale the survivors by 1 / 0). */
export function checkDropoutRate(rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`dropout: rate must be in [0, 1), got ${rate}`);
}
