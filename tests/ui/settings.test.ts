import { describe, expect, it, vi } from 'vitest';

// settings.ts saves through the engine worker; restoring needs none of it.
vi.mock('../../src/ui/engine-client.ts', () => ({ engine: {} }));
const { applySettings } = await import('../../src/ui/settings.ts');
const { analysis } = await import('../../src/ui/stores/analysis-store.ts');
const { DEFAULT_THRESHOLDS } = await import('../../src/analysis/suggestions.ts');

describe('applySettings', () => {
  it('restores thresholds within their ranges and ignores an old or hand-edited save\'s others', () => {
    applySettings({ analysis: { delta: 0.05, eps: 0.7, minImpact: 'much', perClass: 20 } });
    expect(analysis.delta).toBe(0.05);
    expect(analysis.perClass).toBe(20);
    // eps 0.7 would call every kernel dead or saturated; a string is no fraction: both keep their values.
    expect(analysis.eps).toBe(DEFAULT_THRESHOLDS.eps);
    expect(analysis.minImpact).toBe(DEFAULT_THRESHOLDS.minImpact);
    applySettings({ analysis: { minImpact: -0.01 } });
    expect(analysis.minImpact).toBe(DEFAULT_THRESHOLDS.minImpact);
  });
});
