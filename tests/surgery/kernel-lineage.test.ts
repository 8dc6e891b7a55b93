import { describe, expect, it } from 'vitest';
import { ModelHistory } from '../../src/surgery/history.ts';
import { kernelLineage } from '../../src/surgery/kernel-lineage.ts';
import { versionLabel } from '../../src/session/version-label.ts';
import { randomModel } from '../helpers/models.ts';
import { smallConvSpec } from '../helpers/surgery-models.ts';

/**
 * v0 (conv1: 4 kernels) -> v1 drop conv1 k1 -> v2 widen conv1 +2 -> v3 retrain; v0 -> v4 insert after conv1
 * -> v5 drop conv1 k0, 3.
 */
function tree() {
  const history = ModelHistory.start(randomModel(smallConvSpec(), 3), { note: 'pre-trained' });
  history.apply({ kind: 'drop', layer: 'conv1', kernels: [1] });
  history.apply({ kind: 'widen', layer: 'conv1', by: 2, mode: 'net2net' });
  history.commit(history.currentVersion.model, { note: 'retrained' });
  history.checkout(0);
  history.apply({ kind: 'insert', after: 'conv1' });
  history.apply({ kind: 'drop', layer: 'conv1', kernels: [0, 3] });
  return history;
}

describe('kernelLineage', () => {
  it('follows a drop and a widen down one branch', () => {
    const h = tree();
    // v0 kernels 0..3; v1 keeps 0, 2, 3 as 0, 1, 2; v2 adds 3 and 4.
    expect(kernelLineage(h, 0, 1, 'conv1')).toEqual({ layer: 'conv1', pairs: [[0, 0], [2, 1], [3, 2]], onlyInA: [1], onlyInB: [] });
    expect(kernelLineage(h, 0, 3, 'conv1')).toEqual({ layer: 'conv1', pairs: [[0, 0], [2, 1], [3, 2]], onlyInA: [1], onlyInB: [3, 4] });
    expect(kernelLineage(h, 1, 2, 'conv1')).toEqual({ layer: 'conv1', pairs: [[0, 0], [1, 1], [2, 2]], onlyInA: [], onlyInB: [3, 4] });
    // Other layers keep their kernels.
    expect(kernelLineage(h, 0, 3, 'conv2')).toEqual({ layer: 'conv2', pairs: [0, 1, 2, 3, 4].map((k) => [k, k]), onlyInA: [], onlyInB: [] });
  });

  it('goes up one branch and down another, and in the reverse direction', () => {
    const h = tree();
    // v3's conv1 kernels 0, 1, 2 are v0's 0, 2, 3; v5 keeps v0's 1, 2 as 0, 1. In common: v0's kernel 2.
    expect(kernelLineage(h, 3, 5, 'conv1')).toEqual({ layer: 'conv1', pairs: [[1, 1]], onlyInA: [0, 2, 3, 4], onlyInB: [0] });
    expect(kernelLineage(h, 5, 3, 'conv1')).toEqual({ layer: 'conv1', pairs: [[1, 1]], onlyInA: [0], onlyInB: [0, 2, 3, 4] });
  });

  it('treats an inserted layer as all new, and a layer missing on one side as no correspondence', () => {
    const h = tree();
    const inserted = h.get(4).model.spec.layers[1].name;
    expect(kernelLineage(h, 0, 4, inserted)).toBeNull();
    expect(kernelLineage(h, 4, 5, inserted)).toEqual({ layer: inserted, pairs: [0, 1, 2, 3].map((k) => [k, k]), onlyInA: [], onlyInB: [] });
  });
});

describe('versionLabel', () => {
  it('names edits in a few words, retrains as retrain, and roots by their note', () => {
    const h = tree();
    const label = (id: number) => versionLabel(h.get(id), h.get(id).parent === null ? null : h.get(h.get(id).parent!));
    expect([0, 1, 2, 3, 4, 5].map(label)).toEqual([
      'v0 pre-trained', 'v1 drop conv1 k1', 'v2 widen conv1 +2', 'v3 retrain', 'v4 insert after conv1', 'v5 drop conv1 k0, 3',
    ]);
    // An imported copy of the same architecture is not a retrain: it keeps its note.
    const imported = h.commit(h.get(0).model, { note: 'imported model.json (tiny)', from: 0 });
    expect(label(imported.id)).toBe(`v${imported.id} imported model.json (tiny)`);
  });
});

describe('a version\'s training curves', () => {
  it('keeps training curves with a version through the stored form', () => {
    const h = tree();
    const curves = { step: [5, 10], loss: [2.1, 1.4], accuracy: [0.3, 0.6], epochStep: [10], validationLoss: [1.2], validationAccuracy: [0.7] };
    const v = h.commit(h.currentVersion.model, { note: 'retrained', curves });
    const back = ModelHistory.fromStored(h.toStored());
    expect(back.get(v.id).curves).toEqual(curves);
    expect(back.get(0).curves).toBeNull();
  });
});
