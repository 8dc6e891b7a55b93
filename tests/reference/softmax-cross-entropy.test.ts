import { describe, expect, it } from 'vitest';
import { softmaxCrossEntropy } from '../../src/reference/softmax-cross-entropy.ts';
import { expectGradient, numericGradient } from '../helpers/finite-difference.ts';
import { randomArray } from '../helpers/gpu.ts';

describe('softmax cross-entropy reference', () => {
  it('gives log(C) for uniform logits and stays finite for huge ones', () => {
    const uniform = softmaxCrossEntropy([0, 0, 0, 0], [2], 4);
    expect(uniform.loss[0]).toBeCloseTo(Math.log(4), 12);
    const huge = softmaxCrossEntropy([1000, 0, -1000], [1], 3);
    expect(huge.loss[0]).toBeCloseTo(1000, 9); // exp(1000) would overflow without subtracting the max
    expect(huge.predicted[0]).toBe(0);
    expect(huge.correct[0]).toBe(0);
  });

  it('breaks argmax ties towards the first class', () => {
    const result = softmaxCrossEntropy([1, 3, 3, 0, 5, 5, 5, 5], [2, 0], 4);
    expect(Array.from(result.predicted)).toEqual([1, 0]);
    expect(Array.from(result.correct)).toEqual([0, 1]);
    expect(result.correctCount).toBe(1);
  });

  it('has the finite-difference gradient of the mean loss', () => {
    const rows = 5;
    const classes = 7;
    const logits = Float64Array.from(randomArray(rows * classes, 1, -4, 4));
    const labels = [0, 6, 3, 3, 1];
    const { dlogits } = softmaxCrossEntropy(logits, labels, classes);
    expectGradient(dlogits, numericGradient((p) => softmaxCrossEntropy(p, labels, classes).meanLoss, logits), 'dlogits');
  });

  it('rejects labels outside the classes, naming the row', () => {
    expect(() => softmaxCrossEntropy([0, 0], [2], 2)).toThrow(/row 0 is 2/);
  });
});
