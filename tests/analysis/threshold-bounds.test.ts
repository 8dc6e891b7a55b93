import { describe, expect, it } from 'vitest';
import { THRESHOLD_BOUNDS, thresholdInRange, thresholdRangeText } from '../../src/analysis/threshold-bounds.ts';
import { DEFAULT_THRESHOLDS } from '../../src/analysis/suggestions.ts';
import { SUGGESTION_THRESHOLD_OPTIONS } from '../../src/cli/shared-options.ts';

describe('drop-rule threshold bounds', () => {
  it('take the defaults and the ends of each range, and refuse what lies outside or is not a number', () => {
    for (const field of ['minImpact', 'delta', 'eps'] as const) {
      expect(thresholdInRange(field, DEFAULT_THRESHOLDS[field])).toBe(true);
      expect(thresholdInRange(field, 0)).toBe(true);
      expect(thresholdInRange(field, -1e-9)).toBe(false);
      expect(thresholdInRange(field, Number.NaN)).toBe(false);
      expect(thresholdInRange(field, Number.POSITIVE_INFINITY)).toBe(false);
    }
    expect(thresholdInRange('minImpact', 1)).toBe(true);
    expect(thresholdInRange('minImpact', 1.0001)).toBe(false);
    // eps = 0.5 would call every kernel dead or saturated: the range stops just below it.
    expect(thresholdInRange('eps', 0.4999)).toBe(true);
    expect(thresholdInRange('eps', 0.5)).toBe(false);
  });

  it('say the range in the unit a field shows (points for the impact)', () => {
    expect(thresholdRangeText('minImpact', 100)).toBe('from 0 to 100');
    expect(thresholdRangeText('eps')).toBe('from 0 up to (not including) 0.5');
  });

  it('are the very bounds the CLI options check', () => {
    expect(SUGGESTION_THRESHOLD_OPTIONS['min-impact']).toMatchObject(THRESHOLD_BOUNDS.minImpact);
    expect(SUGGESTION_THRESHOLD_OPTIONS.delta).toMatchObject(THRESHOLD_BOUNDS.delta);
    expect(SUGGESTION_THRESHOLD_OPTIONS.eps).toMatchObject(THRESHOLD_BOUNDS.eps);
  });
});
