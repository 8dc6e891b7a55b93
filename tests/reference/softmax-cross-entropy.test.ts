import { describe, expect, it } from 'vitest';
import { NO_PREDICTION_REFERENCE, softmaxCrossEntropy, softmaxCrossEntropyInference } from '../../src/reference/softmax-cross-entropy.ts';
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

describe('softmax cross-entropy inference reference', () => {
  it('equals the full reference on the valid rows and pads the others', () => {
    const logits = [1, 3, 3, 0, 5, 5, 5, 5, 0, 9, 1, 2];
    const labels = [2, 0, 1];
    const full = softmaxCrossEntropy(logits, labels, 4);
    const partial = softmaxCrossEntropyInference(logits, labels, 4, 2);
    expect(Array.from(partial.loss.subarray(0, 2))).toEqual(Array.from(full.loss.subarray(0, 2)));
    expect(partial.loss[2]).toBe(0);
    expect(Array.from(partial.predicted)).toEqual([1, 0, NO_PREDICTION_REFERENCE]);
    expect(Array.from(partial.correct)).toEqual([0, 1, 0]);
    const whole = softmaxCrossEntropyInference(logits, labels, 4, 3);
    expect(Array.from(whole.predicted)).toEqual(Array.from(full.predicted));
  });

  it('ignores the labels of padding rows and rejects a logits array of the wrong size', () => {
    expect(softmaxCrossEntropyInference([0, 1, 0, 0], [1, 99], 2, 1).correct[0]).toBe(1);
    expect(() => softmaxCrossEntropyInference([0, 1, 0], [1, 0], 2, 1)).toThrow(/3 elements, expected 2 rows x 2 classes/);
  });
});
