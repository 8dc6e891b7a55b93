import { describe, expect, it } from 'vitest';
import { parseSweepFractions } from '../../src/ui/sweep-fractions.ts';

describe('parseSweepFractions', () => {
  it('reads fractions split by commas or spaces, in order and once each; empty is no sweep', () => {
    expect(parseSweepFractions('0.75, 0.5 0.25,0.5')).toEqual({ fractions: [0.25, 0.5, 0.75], error: null });
    expect(parseSweepFractions('  ')).toEqual({ fractions: [], error: null });
  });

  it('names the first entry that is no fraction strictly between 0 and 1', () => {
    for (const bad of ['1', '0', '-0.5', 'half', '0.5,,x']) {
      const parsed = parseSweepFractions(bad);
      expect(parsed.fractions, bad).toBeNull();
      expect(parsed.error, bad).toMatch(/^sweep: '.+' is not a fraction between 0 and 1/);
    }
    expect(parseSweepFractions('0.5, 1.5').error).toBe("sweep: '1.5' is not a fraction between 0 and 1 (exclusive), such as 0.5");
  });
});
