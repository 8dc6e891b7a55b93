/**
 * The figures of an evaluation, accumulated on the CPU from each row's true class, predicted class and loss
 * (8 bytes a row read back per batch): mean loss, accuracy, per-class accuracy and the confusion matrix.
 * The loss is summed in float64 in row order, so a result does not depend on the batch size.
 */

export interface EvaluationResult {
  count: number;
  loss: number;
  accuracy: number;
  /** Accuracy of each true class (NaN for a class with no images). */
  perClassAccuracy: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

export class EvaluationTally {
  private lossSum = 0;
  private correct = 0;
  private count = 0;
  private readonly confusion: number[][];

  /** `classes`: the model's outputs (rows and columns of the confusion matrix). */
  constructor(readonly classes: number) {
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  }

  add(truth: number, predicted: number, loss: number): void {
    const row = this.confusion[truth];
    if (row === undefined || !(predicted >= 0 && predicted < this.classes)) {
      throw new RangeError(`evaluation: class ${truth} predicted as ${predicted}, outside the model's ${this.classes} outputs`);
    }
    this.lossSum += loss;
    row[predicted] += 1;
    if (truth === predicted) this.correct++;
    this.count++;
  }

  result(): EvaluationResult {
    const { count, confusion } = this;
    return {
      count,
      loss: this.lossSum / Math.max(1, count),
      accuracy: this.correct / Math.max(1, count),
      perClassAccuracy: confusion.map((row, c) => {
        const total = row.reduce((a, b) => a + b, 0);
        return total ? row[c] / total : Number.NaN;
      }),
      confusion: confusion.map((row) => row.slice()),
    };
  }
}
