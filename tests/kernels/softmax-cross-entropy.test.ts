import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, rng, useGpu } from '../helpers/gpu.ts';
import { NO_PREDICTION, planLossTotals, planSoftmaxCrossEntropy, planSoftmaxCrossEntropyInference } from '../../src/gpu/kernels/softmax-cross-entropy.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { NO_PREDICTION_REFERENCE, softmaxCrossEntropy, softmaxCrossEntropyInference } from '../../src/reference/softmax-cross-entropy.ts';

const gpu = useGpu();

describe('softmax cross-entropy kernels', () => {
  // One class (loss 0), batch 1, class counts around and far from the 32..256 threads of a row, 1000 classes.
  for (const [rows, classes] of [[1, 1], [1, 10], [5, 10], [7, 33], [64, 10], [3, 1000], [300, 100]] as const) {
    it(`match the reference (${rows} rows x ${classes} classes)`, async () => {
      const ctx = gpu();
      const next = rng(rows * 1000 + classes);
      const xs = randomArray(rows * classes, rows + classes, -10, 10);
      if (rows > 1 && classes > 2) {
        xs.fill(2.5, 0, classes); // row 0: all equal, argmax must be class 0
        xs[classes + 1] = 50; // row 1: the max occurs twice, at classes 1 and (classes - 1): first wins
        xs[2 * classes - 1] = 50;
      }
      if (rows > 2) for (let j = 0; j < classes; j++) xs[2 * classes + j] += 1e4; // row 2: huge logits, stable
      const labelValues = Uint32Array.from({ length: rows }, () => Math.floor(next() * classes));
      if (rows > 1 && classes > 2) labelValues[1] = 1;
      const logits = ctx.upload('logits', xs);
      const labels = ctx.upload('labels', labelValues);
      const loss = ctx.createBuffer('loss', rows * 4);
      const dlogits = ctx.createBuffer('dlogits', rows * classes * 4);
      const predicted = ctx.createBuffer('predicted', rows * 4);
      const correct = ctx.createBuffer('correct', rows * 4);
      const totals = ctx.createBuffer('totals', 8);
      const calls = [
        await planSoftmaxCrossEntropy(ctx, { logits, labels, loss, dlogits, predicted, correct, rows, classes }),
        await planLossTotals(ctx, { loss, correct, totals, rows, accumulate: false }),
      ];
      submitCalls(ctx, calls, 'softmax cross-entropy test');
      const ref = softmaxCrossEntropy(xs, labelValues, classes);

      // WGSL's exp errs by up to 3 + 2|x| ulp (|x| <= 20 here: ~2.6e-6 relative per term), and log by 2^-21
      // absolute near 1: the loss is good to a few 1e-6 absolute, the probabilities to a few 1e-6 relative.
      expectClose(await ctx.readFloat32(loss), ref.loss, { rtol: 1e-6, atol: 1e-5 }, 'loss');
      expectClose(await ctx.readFloat32(dlogits), ref.dlogits, { rtol: 1e-5 }, 'dlogits');
      // Argmax compares the same float32 values on both sides: exact.
      expect(Array.from(await ctx.readUint32(predicted))).toEqual(Array.from(ref.predicted));
      expect(Array.from(await ctx.readUint32(correct))).toEqual(Array.from(ref.correct));
      const [lossSum, correctCount] = await ctx.readFloat32(totals);
      // The sum adds `rows` per-row losses (each within the bound above) in float32.
      expect(Math.abs(lossSum - ref.meanLoss * rows)).toBeLessThanOrEqual(1e-5 * rows + 1e-6 * Math.abs(ref.meanLoss * rows));
      expect(correctCount).toBe(ref.correctCount);
      destroyCalls(calls);
      for (const b of [logits, labels, loss, dlogits, predicted, correct, totals]) b.destroy();
    });
  }

  it('accumulates totals across steps when asked, and overwrites them otherwise', async () => {
    const ctx = gpu();
    const rows = 600; // more rows than the 256 threads of the totals workgroup
    const losses = randomArray(rows, 3, 0, 2);
    const corrects = Uint32Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const loss = ctx.upload('loss', losses);
    const correct = ctx.upload('correct', corrects);
    const totals = ctx.upload('totals', new Float32Array([100, 7]));
    const accumulate = await planLossTotals(ctx, { loss, correct, totals, rows, accumulate: true });
    const overwrite = await planLossTotals(ctx, { loss, correct, totals, rows, accumulate: false });
    const sum = losses.reduce((a, b) => a + b, 0);
    submitCalls(ctx, [accumulate, accumulate]);
    const [twice, twiceCount] = await ctx.readFloat32(totals);
    expect(twice).toBeCloseTo(100 + 2 * sum, 2);
    expect(twiceCount).toBe(7 + 2 * 200);
    submitCalls(ctx, [overwrite]);
    const [once, onceCount] = await ctx.readFloat32(totals);
    expect(once).toBeCloseTo(sum, 3);
    expect(onceCount).toBe(200);
    destroyCalls([accumulate, overwrite]);
    for (const b of [loss, correct, totals]) b.destroy();
  });

  it('reports a label outside the classes as a NaN loss', async () => {
    const ctx = gpu();
    const logits = ctx.upload('logits', new Float32Array([1, 2, 3]));
    const labels = ctx.upload('labels', new Uint32Array([3]));
    const [loss, predicted, correct] = ['loss', 'predicted', 'correct'].map((n) => ctx.createBuffer(n, 4));
    const dlogits = ctx.createBuffer('dlogits', 12);
    const call = await planSoftmaxCrossEntropy(ctx, { logits, labels, loss, dlogits, predicted, correct, rows: 1, classes: 3 });
    submitCalls(ctx, [call]);
    expect((await ctx.readFloat32(loss))[0]).toBeNaN();
    destroyCalls([call]);
    for (const b of [logits, labels, loss, predicted, correct, dlogits]) b.destroy();
  });

  // The forward-only variant: rows 1, 7, 300 against classes 3, 10, 100, each with a full batch and a partial one
  // (valid < rows: the last batch of an evaluation), plus valid 0 (every row padding).
  const inferenceCases: Array<[number, number, number]> = [
    [1, 3, 1], [1, 10, 0], [7, 3, 7], [7, 10, 4], [7, 100, 1], [300, 3, 299], [300, 10, 300], [300, 100, 123],
  ];
  for (const [rows, classes, valid] of inferenceCases) {
    it(`inference variant matches the reference and the training kernel (${rows} rows x ${classes} classes, ${valid} valid)`, async () => {
      const ctx = gpu();
      const next = rng(rows * 31 + classes * 7 + valid);
      const xs = randomArray(rows * classes, rows * 3 + classes + valid, -10, 10);
      if (rows > 1) xs.fill(2.5, 0, classes); // row 0: all equal, argmax must be class 0
      const labelValues = Uint32Array.from({ length: rows }, () => Math.floor(next() * classes));
      const logits = ctx.upload('logits', xs);
      const labels = ctx.upload('labels', labelValues);
      const validBuffer = ctx.upload('valid', new Uint32Array([valid]));
      // Padding rows start as garbage, to see that the kernel overwrites them.
      const loss = ctx.upload('loss', new Float32Array(rows).fill(-7));
      const predicted = ctx.upload('predicted', new Uint32Array(rows).fill(5));
      const correct = ctx.upload('correct', new Uint32Array(rows).fill(1));
      const call = await planSoftmaxCrossEntropyInference(ctx, { logits, labels, valid: validBuffer, loss, predicted, correct, rows, classes });
      // The training kernel on the same logits, for the bit-for-bit comparison of the real rows.
      const train = { loss: ctx.createBuffer('train loss', rows * 4), dlogits: ctx.createBuffer('train dlogits', rows * classes * 4), predicted: ctx.createBuffer('train predicted', rows * 4), correct: ctx.createBuffer('train correct', rows * 4) };
      const trainCall = await planSoftmaxCrossEntropy(ctx, { logits, labels, ...train, rows, classes });
      submitCalls(ctx, [call, trainCall], 'softmax cross-entropy inference test');
      const ref = softmaxCrossEntropyInference(xs, labelValues, classes, valid);
      const gpuLoss = await ctx.readFloat32(loss);
      const gpuPredicted = await ctx.readUint32(predicted);
      // Tolerance as for the training kernel above (WGSL exp and log); padding rows are exactly 0.
      expectClose(gpuLoss, ref.loss, { rtol: 1e-6, atol: 1e-5 }, 'loss');
      expect(Array.from(gpuLoss.subarray(valid)).every((v) => v === 0)).toBe(true);
      expect(Array.from(gpuPredicted)).toEqual(Array.from(ref.predicted));
      expect(Array.from(await ctx.readUint32(correct))).toEqual(Array.from(ref.correct));
      expect(NO_PREDICTION).toBe(NO_PREDICTION_REFERENCE);
      // Evaluation figures must not change with the kernel: the real rows carry the training kernel's very bits.
      expect(Array.from(gpuLoss.subarray(0, valid))).toEqual(Array.from((await ctx.readFloat32(train.loss)).subarray(0, valid)));
      expect(Array.from(gpuPredicted.subarray(0, valid))).toEqual(Array.from((await ctx.readUint32(train.predicted)).subarray(0, valid)));
      destroyCalls([call, trainCall]);
      for (const b of [logits, labels, validBuffer, loss, predicted, correct, ...Object.values(train)]) b.destroy();
    });
  }

  it('inference variant: refuses buffers smaller than the batch, naming them', () => {
    const ctx = gpu();
    const [logits, labels, valid, loss, predicted, correct] = [12 * 4, 4 * 4, 4, 4 * 4, 3 * 4, 4 * 4].map((bytes, i) => ctx.createBuffer(`b${i}`, bytes));
    expect(() => planSoftmaxCrossEntropyInference(ctx, { logits, labels, valid, loss, predicted, correct, rows: 4, classes: 3 })).toThrow(/predicted \(b4\) has 12 bytes, needs 4 x 4/);
    for (const b of [logits, labels, valid, loss, predicted, correct]) b.destroy();
  });
});
