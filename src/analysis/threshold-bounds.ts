/**
 * The range each user-set drop-rule threshold may take, in one place for the CLI's options and the page's fields.
 * minImpact and delta are fractions (of accuracy, of a map's mean); eps is a margin at both ends of occurrence,
 * so it must stay below one half (eps = 0.5 would call every kernel dead or saturated).
 */
export type UserThreshold = 'minImpact' | 'delta' | 'eps';

/** min inclusive; max inclusive or below exclusive (the CLI's option bounds take this shape as it is). */
export interface ThresholdBound { readonly min: number; readonly max?: number; readonly below?: number }

export const THRESHOLD_BOUNDS: Readonly<Record<UserThreshold, ThresholdBound>> = {
  minImpact: { min: 0, max: 1 },
  delta: { min: 0, max: 1 },
  eps: { min: 0, below: 0.5 },
};

/** Whether `value` is a finite number within the threshold's range. */
export function thresholdInRange(field: UserThreshold, value: number): boolean {
  const b = THRESHOLD_BOUNDS[field];
  if (!Number.isFinite(value) || value < b.min) return false;
  if (b.max !== undefined && value > b.max) return false;
  return !(b.below !== undefined && value >= b.below);
}

/** The range in words, each bound multiplied by `scale` (the page shows minImpact in points: x100). */
export function thresholdRangeText(field: UserThreshold, scale = 1): string {
  const b = THRESHOLD_BOUNDS[field];
  const s = (v: number) => String(Number((v * scale).toPrecision(6)));
  return b.max !== undefined ? `from ${s(b.min)} to ${s(b.max)}` : `from ${s(b.min)} up to (not including) ${s(b.below!)}`;
}
