/**
 * The caveat on a suggestion whose ablation impacts the analysis set cannot resolve (src/session/analyse-layer.ts):
 * one image is 1 / images of accuracy, compared with the threshold the suggestion was made with.
 */
import { describe, expect, it } from 'vitest';
import { resolutionCaveat } from '../../src/session/analyse-layer.ts';
import type { Suggestion } from '../../src/analysis/suggestions.ts';

const lowImpact: Suggestion = { kind: 'drop', layer: 'conv1', kernels: [2], rule: 'low-impact', reason: '', numbers: {}, edit: { kind: 'drop', layer: 'conv1', kernels: [2] } };
const dead: Suggestion = { ...lowImpact, rule: 'dead' };

describe('resolutionCaveat', () => {
  it('warns when one image is a larger step than the default 0.1-point threshold, and says how many images resolve it', () => {
    expect(resolutionCaveat(lowImpact, 500)).toMatch(/^500 analysis images resolve accuracy changes of 0\.20 points .*0\.10-point threshold: .*at least 1,000 images \(100 per class/);
    expect(resolutionCaveat(lowImpact, 1000)).toBeNull();
    expect(resolutionCaveat(dead, 10)).toBeNull(); // no ablation behind the dead rule
  });

  it('judges against the thresholds the suggestion was made with (--min-impact)', () => {
    const thresholds = { minImpact: 0.01, widenImpact: 0.01 };
    expect(resolutionCaveat(lowImpact, 500, thresholds)).toBeNull();
    expect(resolutionCaveat(lowImpact, 50, thresholds)).toMatch(/^50 analysis images resolve accuracy changes of 2\.00 points .*1\.00-point threshold: .*at least 100 images/);
  });
});
