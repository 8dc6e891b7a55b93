import { describe, expect, it } from 'vitest';
import { randomArray, rng, useGpu } from '../helpers/gpu.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { planAomCount } from '../../src/gpu/kernels/aom-count.ts';
import { planAddCorrect, planMaskChannel } from '../../src/gpu/kernels/ablation.ts';
import type { AomCountShape } from '../../src/gpu/kernels/aom-count-contract.ts';
import { aomCountBatch } from '../../src/reference/aom-count.ts';
import { addCorrect, maskChannel } from '../../src/reference/ablation.ts';

const gpu = useGpu();

/** Random maps with many exact zeros (as after a ReLU) and values exactly at tau, the cases a `>` must get right. */
function reluLikeMaps(n: number, seed: number, tau: number): Float32Array {
  const x = randomArray(n, seed, -1, 1);
  const pick = rng(seed + 7);
  for (let i = 0; i < n; i++) {
    if (x[i] < 0) x[i] = 0;
    if (pick() < 0.05) x[i] = Math.fround(tau);
  }
  return x;
}

describe('aom_count kernel', () => {
  // Integer counts of float comparisons on identical float32 inputs: the GPU must equal the reference exactly.
  // Up to 16 classes the counts run in count_main_classes (sums in registers; count_main_classes4 where the kernels
  // come in fours), above in count_main: all three are here.
  const cases: Array<{ shape: AomCountShape; tau: number; valid: number[] }> = [
    { shape: { batch: 5, height: 7, width: 3, kernels: 5, classes: 3 }, tau: 0, valid: [5, 3] }, // ragged last batch
    { shape: { batch: 1, height: 1, width: 1, kernels: 1, classes: 1 }, tau: -0.5, valid: [1, 1] }, // batch 1, 1x1 (tau < 0: zeros count)
    { shape: { batch: 9, height: 11, width: 13, kernels: 33, classes: 10 }, tau: 0.25, valid: [9, 9, 2] }, // > one workgroup
    { shape: { batch: 6, height: 4, width: 3, kernels: 9, classes: 16 }, tau: 0.1, valid: [6, 5] }, // the most register slots
    { shape: { batch: 6, height: 4, width: 3, kernels: 9, classes: 17 }, tau: 0.1, valid: [6, 5] }, // one past them: count_main
    { shape: { batch: 7, height: 5, width: 9, kernels: 12, classes: 10 }, tau: 0.3, valid: [7, 4] }, // kernels in fours
    { shape: { batch: 3, height: 1, width: 1, kernels: 4, classes: 16 }, tau: -0.5, valid: [3, 3] }, // one four, the most slots
    { shape: { batch: 2, height: 13, width: 11, kernels: 32, classes: 2 }, tau: 0, valid: [2, 1] }, // > one workgroup of fours
    { shape: { batch: 4, height: 2, width: 5, kernels: 3, classes: 70 }, tau: -0.5, valid: [4, 4] }, // more classes than CLASS_WG
  ];
  for (const { shape, tau, valid } of cases) {
    it(`matches the reference exactly for ${JSON.stringify(shape)}, tau ${tau}, valid rows ${valid.join('+')}`, async () => {
      const ctx = gpu();
      const { batch, height, width, kernels, classes } = shape;
      const act = ctx.createBuffer('test act', batch * height * width * kernels * 4);
      const labels = ctx.createBuffer('test labels', batch * 4);
      const validBuffer = ctx.createBuffer('test valid', 4);
      const counts = ctx.createBuffer('test counts', kernels * classes * height * width * 4);
      const classCounts = ctx.createBuffer('test class counts', classes * 4);
      const calls = await planAomCount(ctx, { act, labels, valid: validBuffer, counts, classCounts, shape, tau, layer: 'test' });
      const expected = new Uint32Array(kernels * classes * height * width);
      const expectedClasses = new Uint32Array(classes);
      const pick = rng(11);
      for (const [b, rows] of valid.entries()) {
        const x = reluLikeMaps(batch * height * width * kernels, 100 + b, tau);
        const y = Uint32Array.from({ length: batch }, () => Math.floor(pick() * classes));
        aomCountBatch(x, y, rows, shape, tau, expected, expectedClasses);
        ctx.write(act, x);
        ctx.write(labels, y);
        ctx.write(validBuffer, Uint32Array.of(rows));
        submitCalls(ctx, calls); // counts accumulate across batches on the GPU
      }
      const got = await ctx.readUint32(counts);
      const gotClasses = await ctx.readUint32(classCounts);
      expect(Array.from(gotClasses)).toEqual(Array.from(expectedClasses));
      const mismatch = got.findIndex((v, i) => v !== expected[i]);
      expect(mismatch, `first mismatch at ${mismatch}: ${got[mismatch]} vs ${expected[mismatch]}`).toBe(-1);
      expect(expected.some((v) => v > 0)).toBe(true);
      destroyCalls(calls);
      for (const b of [act, labels, validBuffer, counts, classCounts]) b.destroy();
    });
  }
});

describe('ablation kernels', () => {
  it('mask_main zeroes exactly one channel (odd channel count, not a multiple of the workgroup)', async () => {
    const ctx = gpu();
    const channels = 7;
    const count = 3 * 5 * 3 * channels;
    const data = randomArray(count, 5);
    const x = ctx.upload('mask x', data);
    const y = ctx.createBuffer('mask y', count * 4);
    for (const kernel of [0, 4, 6]) {
      const call = await planMaskChannel(ctx, { x, y, count, channels, kernel });
      submitCalls(ctx, [call]);
      // Copies and zeros: exact.
      expect(Array.from(await ctx.readFloat32(y))).toEqual(Array.from(maskChannel(data, channels, kernel)));
      destroyCalls([call]);
    }
    expect(() => planMaskChannel(ctx, { x, y, count, channels, kernel: 7 })).toThrow(/kernel 7 is outside 0..6/);
    x.destroy();
    y.destroy();
  });

  it('correct_main adds the correct rows among the valid ones into its slot, across submits', async () => {
    const ctx = gpu();
    const rows = 300; // more rows than the workgroup's 256 threads
    const flags = Uint32Array.from({ length: rows }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0);
    const correct = ctx.upload('correct flags', flags);
    const valid = ctx.upload('valid', Uint32Array.of(rows));
    const totals = ctx.createBuffer('totals', 3 * 4);
    const call = await planAddCorrect(ctx, { correct, valid, totals, rows, slot: 2 });
    submitCalls(ctx, [call]);
    ctx.write(valid, Uint32Array.of(123));
    submitCalls(ctx, [call]);
    const got = await ctx.readUint32(totals);
    expect(Array.from(got)).toEqual([0, 0, addCorrect(flags, rows) + addCorrect(flags, 123)]);
    destroyCalls([call]);
    for (const b of [correct, valid, totals]) b.destroy();
  });
});
