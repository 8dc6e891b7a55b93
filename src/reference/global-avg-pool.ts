/**
 * Global average pooling over NHWC tensors, plain-loop reference (oracle of shaders/global_avg_pool.wgsl), forward
 * and backward side by side, in float64. With P = h * w positions, p = y * w + x:
 *   y[n, c]     = (sum_p x[n, p, c]) / P
 *   dx[n, p, c] = dy[n, c] / P
 */
import type { GlobalPoolShape } from '../gpu/kernels/global-avg-pool.ts';

function check(what: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) throw new RangeError(`global avgpool: ${what} has ${array.length} elements, expected ${expected}`);
}

export function globalAvgPoolForward(x: ArrayLike<number>, [batch, h, w, c]: GlobalPoolShape): Float64Array {
  const positions = h * w;
  check('x', x, batch * positions * c);
  const y = new Float64Array(batch * c);
  for (let n = 0; n < batch; n++) {
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (let p = 0; p < positions; p++) sum += x[(n * positions + p) * c + ch];
      y[n * c + ch] = sum / positions;
    }
  }
  return y;
}

export function globalAvgPoolBackward(dy: ArrayLike<number>, [batch, h, w, c]: GlobalPoolShape): Float64Array {
  const positions = h * w;
  check('dy', dy, batch * c);
  const dx = new Float64Array(batch * positions * c);
  for (let n = 0; n < batch; n++) {
    for (let p = 0; p < positions; p++) {
      for (let ch = 0; ch < c; ch++) dx[(n * positions + p) * c + ch] = dy[n * c + ch] / positions;
    }
  }
  return dx;
}
