/**
 * Small element-wise helpers of the training engine, plain-loop reference (oracle of shaders/elementwise.wgsl),
 * in float64. They have no backward: they act on gradients and parameters, not inside the model.
 */

function sameLength(kernel: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new RangeError(`${kernel}: x has ${x.length} elements but y has ${y.length}`);
}

/** a * x (the GPU scales in place). */
export function scale(x: ArrayLike<number>, a: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i];
  return out;
}

/** y + a * x. */
export function axpy(a: number, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  sameLength('axpy', x, y);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] + a * x[i];
  return out;
}

/** y + x: accumulating a gradient into an existing one. */
export function add(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  sameLength('add', x, y);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] + x[i];
  return out;
}

/** A copy of x. */
export function copy(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x);
}
