/**
 * Softmax cross-entropy on logits with integer labels, plain-loop reference (oracle of
 * shaders/softmax_cross_entropy.wgsl), forward and backward together as the GPU computes them, in float64.
 *
 * For row r with logits l[r, 0..C) and label y_r, m = max_j l[r, j] and S = sum_j exp(l[r, j] - m):
 *   loss_r = log(S) + m - l[r, y_r]                      (stable: every exponent is <= 0)
 *   meanLoss = sum_r loss_r / N
 *   dlogits[r, j] = (exp(l[r, j] - m) / S - [j == y_r]) / N   (gradient of meanLoss)
 *   predicted_r = first j with l[r, j] = m (ties -> lowest class), correct_r = predicted_r == y_r.
 */

export interface SoftmaxCrossEntropyResult {
  loss: Float64Array;
  meanLoss: number;
  dlogits: Float64Array;
  predicted: Uint32Array;
  correct: Uint32Array;
  correctCount: number;
}

export function softmaxCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): SoftmaxCrossEntropyResult {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`softmaxCrossEntropy: classes must be a positive integer, got ${classes}`);
  const rows = labels.length;
  if (logits.length !== rows * classes) {
    throw new RangeError(`softmaxCrossEntropy: logits have ${logits.length} elements, expected ${rows} rows x ${classes} classes`);
  }
  const loss = new Float64Array(rows);
  const dlogits = new Float64Array(rows * classes);
  const predicted = new Uint32Array(rows);
  const correct = new Uint32Array(rows);
  let lossSum = 0;
  let correctCount = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (!Number.isInteger(label) || label < 0 || label >= classes) {
      throw new RangeError(`softmaxCrossEntropy: label of row ${r} is ${label}, outside [0, ${classes})`);
    }
    const row = r * classes;
    let max = logits[row];
    let argmax = 0;
    for (let j = 1; j < classes; j++) {
      if (logits[row + j] > max) {
        max = logits[row + j];
        argmax = j;
      }
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(logits[row + j] - max);
    loss[r] = Math.log(sum) + max - logits[row + label];
    for (let j = 0; j < classes; j++) dlogits[row + j] = (Math.exp(logits[row + j] - max) / sum - (j === label ? 1 : 0)) / rows;
    predicted[r] = argmax;
    correct[r] = argmax === label ? 1 : 0;
    lossSum += loss[r];
    correctCount += correct[r];
  }
  return { loss, meanLoss: lossSum / rows, dlogits, predicted, correct, correctCount };
}

export interface SoftmaxCrossEntropyInferenceResult {
  loss: Float64Array;
  predicted: Uint32Array;
  correct: Uint32Array;
}

/** `predicted` of a padding row in the inference variant (no class), as the GPU writes it. */
export const NO_PREDICTION_REFERENCE = 0xffffffff;

/**
 * The forward-only variant (oracle of infer_main): per-row loss, predicted class and correct flag of the first
 * `valid` rows as above, no gradient; rows r >= valid (the padding of a partial batch) get loss 0, predicted
 * 0xffffffff and correct 0, whatever their logits and labels hold.
 */
export function softmaxCrossEntropyInference(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  valid: number,
): SoftmaxCrossEntropyInferenceResult {
  const rows = labels.length;
  if (!Number.isInteger(valid) || valid < 0) throw new RangeError(`softmaxCrossEntropyInference: valid must be a non-negative integer, got ${valid}`);
  if (logits.length !== rows * classes) {
    throw new RangeError(`softmaxCrossEntropyInference: logits have ${logits.length} elements, expected ${rows} rows x ${classes} classes`);
  }
  const real = Math.min(valid, rows);
  const full = softmaxCrossEntropy(Array.from(logits).slice(0, real * classes), Array.from(labels).slice(0, real), classes);
  const loss = new Float64Array(rows);
  const predicted = new Uint32Array(rows).fill(NO_PREDICTION_REFERENCE);
  const correct = new Uint32Array(rows);
  loss.set(full.loss);
  predicted.set(full.predicted);
  correct.set(full.correct);
  return { loss, predicted, correct };
}
