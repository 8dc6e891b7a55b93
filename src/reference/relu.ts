/**
 * ReLU, plain-loop reference (oracle of shaders/relu.wgsl). Computes in float64 so finite-difference checks
 * can use it directly; for ReLU the results equal the float32 ones exactly.
 */

/** y = max(x, 0). */
export function reluForward(x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return y;
}

/** dx = dy * (y > 0): the mask comes from the forward output, so the trainer need not keep x. */
export function reluBackward(dy: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  if (dy.length !== y.length) throw new RangeError(`reluBackward: dy has ${dy.length} elements but y has ${y.length}`);
  const dx = new Float64Array(dy.length);
  for (let i = 0; i < dy.length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  return dx;
}
