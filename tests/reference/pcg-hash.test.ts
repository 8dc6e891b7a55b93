import { describe, expect, it } from 'vitest';
import { hashUniform, pcgHash } from '../../src/gpu/kernels/pcg-hash.ts';

// An independent implementation in BigInt (exact integers, explicit mod 2^32) to check the Math.imul version.
function pcgHashBig(x: number): number {
  const M = 1n << 32n;
  const state = (BigInt(x) * 747796405n + 2891336453n) % M;
  const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) % M;
  return Number((word >> 22n) ^ word);
}

describe('pcgHash', () => {
  it('matches an exact BigInt implementation, including wrap-around inputs', () => {
    const inputs = [0, 1, 2, 42, 12345, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
    for (let i = 0; i < 2000; i++) inputs.push((i * 2654435761) >>> 0);
    for (const x of inputs) expect(pcgHash(x), `pcgHash(${x})`).toBe(pcgHashBig(x));
  });

  it('returns u32 values and draws roughly uniform floats in [0, 1)', () => {
    let sum = 0;
    let outside = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = hashUniform(7, i);
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    // The mean of n uniforms has standard deviation 1 / sqrt(12 n) ≈ 0.002: 0.01 is five of those.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01);
  });

  it('wraps pcgHash(seed) + index modulo 2^32', () => {
    const seed = 3;
    const base = pcgHash(seed);
    const index = 0xffffffff - base + 5; // base + index = 2^32 + 4
    expect(hashUniform(seed, index)).toBe(pcgHash(4) / 2 ** 32);
  });
});
