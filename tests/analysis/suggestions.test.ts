import { describe, expect, it } from 'vitest';
import { suggest, type LayerEvidence } from '../../src/analysis/suggestions.ts';
import type { KernelStats } from '../../src/analysis/kernel-stats.ts';

/** A kernel with the given class occurrences; selectivity as the difference form would give it. */
function kernel(k: number, classOccurrence: number[], ablationImpact: number | null): KernelStats {
  const best = classOccurrence.indexOf(Math.max(...classOccurrence));
  const others = classOccurrence.filter((_, c) => c !== best);
  return {
    kernel: k, classOccurrence, occurrence: classOccurrence.reduce((a, b) => a + b, 0) / classOccurrence.length,
    strongestClass: best, selectivity: classOccurrence[best] - others.reduce((a, b) => a + b, 0) / others.length,
    nearest: null, distance: null, ablationImpact,
  };
}

function layer(name: string, kernels: KernelStats[], odm?: number[]): LayerEvidence {
  const K = kernels.length;
  return { layer: name, mapLayer: name, kernels, odm: Float32Array.from(odm ?? Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 0 : 0.5))) };
}

describe('suggestions', () => {
  it('widens a layer whose kernels are all selective, used and costly, by widenBy of its width', () => {
    const kernels = [0, 1, 2, 3].map((k) => kernel(k, [0.9, 0.3, 0.2, 0.3].map((_, c) => (c === k ? 0.9 : 0.3)), 0.05));
    const out = suggest({ layers: [layer('conv1', kernels)], lastConvLayer: 'conv9', accuracy: 0.99, accuracySource: 'analysis set' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'widen', layer: 'conv1', by: 2, rule: 'widen', edit: { kind: 'widen', layer: 'conv1', by: 2, mode: 'net2net' } });
    expect(out[0].numbers).toMatchObject({ strongFraction: 1, widenFraction: 0.9 });
    // Raising the impact bar above every kernel's impact stops it; so does running without ablation.
    expect(suggest({ layers: [layer('conv1', kernels)], lastConvLayer: null, accuracy: 1, accuracySource: 'analysis set' }, { widenImpact: 0.06 })).toEqual([]);
    const noAblation = kernels.map((k) => ({ ...k, ablationImpact: null }));
    expect(suggest({ layers: [layer('conv1', noAblation)], lastConvLayer: null, accuracy: 1, accuracySource: 'analysis set' })).toEqual([]);
  });

  it('deepens after the last conv layer (after its ReLU layer) when it is unselective and accuracy is low', () => {
    const flat = [0, 1, 2].map((k) => kernel(k, [0.5, 0.52, 0.48], 0.02));
    const evidence = { layers: [{ ...layer('conv2', flat), mapLayer: 'relu2' }], lastConvLayer: 'conv2', accuracy: 0.6, accuracySource: 'training' as const };
    const out = suggest(evidence);
    expect(out).toEqual([
      expect.objectContaining({ kind: 'deepen', after: 'relu2', rule: 'deepen', edit: { kind: 'insert', after: 'relu2' } }),
    ]);
    expect(out[0].numbers).toMatchObject({ accuracy: 0.6, accuracySource: 'training', deepenAccuracy: 0.9 });
    expect(suggest({ ...evidence, accuracy: 0.95 })).toEqual([]);
    expect(suggest(evidence, { deepenAccuracy: 0.5 })).toEqual([]);
    expect(suggest({ ...evidence, lastConvLayer: 'conv3' })).toEqual([]);
  });

  it('never drops the last kernel, and thresholds change what is dead', () => {
    const dead = [0, 1, 2].map((k) => kernel(k, [0.001, 0.002], 0));
    const out = suggest({ layers: [layer('c', dead)], lastConvLayer: null, accuracy: 1, accuracySource: 'analysis set' });
    expect(out.map((s) => (s.kind === 'drop' ? [s.rule, s.kernels] : s.kind))).toEqual([['dead', [0, 1]]]);
    expect(out[0].numbers).toEqual({ eps: 0.01, kernels: [{ kernel: 0, maxClassOccurrence: 0.002 }, { kernel: 1, maxClassOccurrence: 0.002 }] });
    const strict = suggest({ layers: [layer('c', dead)], lastConvLayer: null, accuracy: 1, accuracySource: 'analysis set' }, { eps: 0.001, minImpact: -1 });
    expect(strict).toEqual([]);
  });

  it('of a redundant chain keeps the kernel with the larger ablation impact', () => {
    const ks = [kernel(0, [0.6, 0.2], 0.01), kernel(1, [0.6, 0.21], 0.03), kernel(2, [0.61, 0.2], 0.002)];
    // ODM: 0-1 0.005, 1-2 0.01, 0-2 0.015.
    const odm = [0, 0.005, 0.015, 0.005, 0, 0.01, 0.015, 0.01, 0];
    const out = suggest({ layers: [layer('c', ks, odm)], lastConvLayer: null, accuracy: 1, accuracySource: 'analysis set' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'drop', rule: 'redundant', kernels: [0, 2] });
    expect(out[0].numbers.kernels).toEqual([
      { kernel: 0, keep: 1, odm: 0.005, impact: 0.01, keptImpact: 0.03 },
      { kernel: 2, keep: 1, odm: 0.01, impact: 0.002, keptImpact: 0.03 },
    ]);
  });
});
