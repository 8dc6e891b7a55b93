/**
 * Finite-difference checks of reference gradients, in float64. A layer y = f(x) is reduced to the scalar
 * L(x) = sum_i r_i * f(x)_i with fixed random weights r (the upstream gradient dy = r), so one backward call
 * gives dL/dx for every input at once and central differences check it element by element.
 */
import { expectClose, randomArray } from './gpu.ts';

/** Central differences (L(x + h e_i) - L(x - h e_i)) / 2h of a scalar function, for every i. */
export function numericGradient(loss: (x: Float64Array) => number, x: ArrayLike<number>, h = 1e-6): Float64Array {
  const probe = Float64Array.from(x);
  const grad = new Float64Array(probe.length);
  for (let i = 0; i < probe.length; i++) {
    const saved = probe[i];
    probe[i] = saved + h;
    const up = loss(probe);
    probe[i] = saved - h;
    const down = loss(probe);
    probe[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** sum_i r_i * y_i. */
export function weightedSum(r: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += r[i] * y[i];
  return s;
}

/** Random upstream gradient in float64. */
export function randomUpstream(n: number, seed: number): Float64Array {
  return Float64Array.from(randomArray(n, seed));
}

/**
 * Asserts analytic ≈ numeric. With h = 1e-6 in float64 the central difference errs by about h^2 * f''' (~1e-12
 * for these smooth, O(1) functions) plus rounding eps * |L| / h (~1e-10), so 1e-6 relative to the largest
 * gradient leaves a wide margin while still catching any wrong term.
 */
export function expectGradient(analytic: ArrayLike<number>, numeric: ArrayLike<number>, what: string): void {
  expectClose(analytic, numeric, { rtol: 1e-6, atol: 1e-9 }, what);
}
