/**
 * Test helpers for GPU tests: one device per test file (acquired in beforeAll, as Dawn in worker processes
 * prefers), seeded random data, and closeness checks whose failure messages say where and by how much.
 * A missing adapter fails the suite with the actionable message from acquireGpu; it never skips.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { acquireGpu } from '../../src/gpu/device.ts';
import type { GpuContext } from '../../src/gpu/context.ts';
import { GEMM_VARIANTS, type GemmVariant } from '../../src/gpu/kernels/gemm-variant.ts';

/** Registers beforeAll/afterAll hooks and returns a getter for the test file's GPU context. */
export function useGpu(): () => GpuContext {
  let ctx: GpuContext | undefined;
  beforeAll(async () => {
    ctx = await acquireGpu({ timestamps: false });
  });
  afterAll(() => ctx?.destroy());
  return () => {
    if (!ctx) throw new Error('GPU context not acquired (beforeAll failed?)');
    return ctx;
  };
}

/**
 * One describe block per GEMM kernel variant (gemm-variant.ts), titled `title (<variant> kernels)`, whose `gpu()`
 * gives the shared context with that variant forced: so the tiled, GPU-shaped kernels are checked on lavapipe too.
 */
export function describeForEachGemmVariant(title: string, device: () => GpuContext, body: (gpu: () => GpuContext, variant: GemmVariant) => void): void {
  for (const variant of GEMM_VARIANTS) {
    describe(`${title} (${variant} kernels)`, () => {
      body(() => {
        const ctx = device();
        ctx.gemmVariant = variant;
        return ctx;
      }, variant);
    });
  }
}

/** Mulberry32: a small seeded PRNG so that every random test is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform random floats in [lo, hi). */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/**
 * Asserts |actual - expected| <= atol + rtol * scale element-wise, where scale is the largest |expected|
 * (tolerances relative to the magnitude of the values, as sums of many float32 terms err in proportion to it).
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: { rtol: number; atol?: number },
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const limit = (tolerance.atol ?? 0) + tolerance.rtol * scale;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= limit) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (error ${worstErr} > limit ${limit}, scale ${scale})`,
    );
  }
}
