/**
 * How far an accuracy measured on n images can be trusted: the Wilson score interval at 95% (z = 1.96), which,
 * unlike the normal approximation, stays inside [0, 1] and is sound near 0 and 1 and for small n, where a
 * designer reads figures such as "99.2% of 500 images" (interval about 98.0% to 99.7%).
 *   centre = (p + z^2 / 2n) / (1 + z^2 / n),  half = z * sqrt(p (1 - p) / n + z^2 / 4n^2) / (1 + z^2 / n)
 */
const Z95 = 1.959963984540054;

export interface AccuracyInterval {
  low: number;
  high: number;
}

export function accuracyInterval(accuracy: number, n: number): AccuracyInterval {
  if (!(n > 0)) return { low: 0, high: 1 };
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (accuracy + z2 / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((accuracy * (1 - accuracy)) / n + z2 / (4 * n * n))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The smallest difference in accuracy that one image makes on n images (1 image of 100 is 1 point). */
export const accuracyResolution = (n: number): number => (n > 0 ? 1 / n : 1);
