import { describe, expect, it } from 'vitest';
import { modelFromArtifacts } from '../../src/io/tfjs-layers.ts';
import { summarizeModel } from '../../src/nn/shapes.ts';
import { HistoryError, ModelHistory } from '../../src/surgery/history.ts';
import { copyModel } from '../../src/surgery/model-copy.ts';
import { randomModel } from '../helpers/models.ts';
import { smallConvSpec } from '../helpers/surgery-models.ts';

/** root -> drop (1) -> widen (2); undo twice, insert (3) from the root: a branch. */
function branchedHistory() {
  const start = randomModel(smallConvSpec(), 2);
  const history = ModelHistory.start(start, { note: 'pre-trained', metrics: { accuracy: 0.9 } });
  const suggestion = { kind: 'drop', layer: 'conv1', kernels: [1], rule: 'dead', numbers: { apoz: 1 } };
  history.apply({ kind: 'drop', layer: 'conv1', kernels: [1] }, { suggestion });
  history.apply({ kind: 'widen', layer: 'conv2', by: 2, mode: 'net2net' });
  history.undo();
  history.undo();
  history.apply({ kind: 'insert', after: 'conv1' });
  return { start, history, suggestion };
}

describe('ModelHistory', () => {
  it('records each version with its edit, suggestion and counted params and FLOPs', () => {
    const { start, history, suggestion } = branchedHistory();
    expect(history.size).toBe(4);
    expect(history.versions().map((v) => v.parent)).toEqual([null, 0, 1, 0]);
    expect(history.children(0)).toEqual([1, 3]);
    expect(history.current).toBe(3);
    const v1 = history.get(1);
    expect(v1.edit).toEqual({ kind: 'drop', layer: 'conv1', kernels: [1] });
    expect(v1.suggestion).toEqual(suggestion);
    expect(v1.metrics.params).toBe(summarizeModel(v1.model.spec).totalParams);
    expect(v1.metrics.params).toBeLessThan(history.get(0).metrics.params);
    expect(history.get(0).metrics).toMatchObject({ accuracy: 0.9, params: summarizeModel(start.spec).totalParams });
    expect(history.get(0).note).toBe('pre-trained');
  });

  it('undo, redo and branching move between versions and never change one', () => {
    const { start, history } = branchedHistory();
    const snapshots = history.versions().map((v) => copyModel(v.model));
    expect(history.get(0).model).toEqual(start);
    // Redo from the root follows the last made child (the branch, 3), then the old branch via checkout.
    expect(history.undo()?.id).toBe(0);
    expect(history.canUndo()).toBe(false);
    expect(history.undo()).toBeNull();
    expect(history.redo()?.id).toBe(3);
    expect(history.redo()).toBeNull();
    expect(history.checkout(2).id).toBe(2);
    expect(history.undo()?.id).toBe(1);
    expect(history.undo()?.id).toBe(0);
    expect(history.redo()?.id).toBe(1);
    expect(history.redo()?.id).toBe(2);
    // A branch from version 1 (not current) leaves version 2 where it was.
    const v4 = history.apply({ kind: 'widen', layer: 'conv2', by: 1, mode: 'fresh' }, { from: 1 });
    expect(v4.parent).toBe(1);
    expect(history.children(1)).toEqual([2, 4]);
    expect(history.path(4)).toEqual([0, 1, 4]);
    history.versions().slice(0, 4).forEach((v, i) => expect(v.model).toEqual(snapshots[i]));
    expect(() => history.checkout(9)).toThrow(HistoryError);
    expect(() => history.checkout(9)).toThrow(/no version 9 \(versions 0\.\.4\)/);
  });

  it('keeps evaluated metrics but not overwritten counts', () => {
    const { history } = branchedHistory();
    const params = history.get(1).metrics.params;
    history.setMetrics(1, { validationAccuracy: 0.95, loss: 0.2, inferenceMs: 0.4, params: 1 } as never);
    expect(history.get(1).metrics).toMatchObject({ validationAccuracy: 0.95, loss: 0.2, inferenceMs: 0.4, params });
  });

  it('compares two versions: layers, params, FLOPs, metrics and the edits between them', () => {
    const { history } = branchedHistory();
    history.setMetrics(2, { accuracy: 0.93 });
    history.setMetrics(3, { accuracy: 0.95, loss: 0.1 });
    const cmp = history.compare(2, 3);
    expect(cmp.commonAncestor).toBe(0);
    expect(cmp.edits.map((e) => [e.version, e.direction, e.edit?.kind])).toEqual([[2, 'undone', 'widen'], [1, 'undone', 'drop'], [3, 'applied', 'insert']]);
    expect(cmp.params).toEqual({ a: history.get(2).metrics.params, b: history.get(3).metrics.params, delta: history.get(3).metrics.params - history.get(2).metrics.params });
    expect(cmp.metrics.accuracy?.a).toBe(0.93);
    expect(cmp.metrics.accuracy?.delta).toBeCloseTo(0.02, 12);
    expect(cmp.metrics.loss).toEqual({ a: undefined, b: 0.1 });
    const byName = Object.fromEntries(cmp.layers.map((l) => [l.name, l]));
    expect(cmp.layers.map((l) => l.name)).toEqual(['conv1', 'conv1_deep', 'pool1', 'conv2', 'flatten', 'dense1', 'dense2']);
    expect(byName.conv1.status).toBe('changed');
    expect(byName.conv1.changes).toContain('filters: 3 -> 4');
    expect(byName.conv1_deep.status).toBe('added');
    expect(byName.conv2.changes).toEqual(['filters: 7 -> 5', 'kernel: [2,2,3,7] -> [2,2,4,5]', 'bias: [7] -> [5]']);
    expect(byName.dense2).toMatchObject({ status: 'same', weightsDiffer: false });
    // Retrained weights show up on a same-architecture layer.
    const retrained = copyModel(history.get(0).model);
    retrained.weights.dense2.bias.data[0] += 1;
    const v = history.commit(retrained, { from: 0, note: 'retrained' });
    expect(history.compare(0, v.id).layers.find((l) => l.name === 'dense2')).toMatchObject({ status: 'same', weightsDiffer: true });
    expect(history.compare(0, v.id).edits).toEqual([{ version: v.id, edit: null, direction: 'applied' }]);
  });

  it('exports any version in the save format', () => {
    const { history } = branchedHistory();
    const { modelJson, weightData } = history.exportVersion(1);
    const loaded = modelFromArtifacts(modelJson, weightData);
    expect(loaded.spec).toEqual(history.get(1).model.spec);
    expect(loaded.weights).toEqual(history.get(1).model.weights);
  });

  it('round-trips through JSON and Float32Array blobs without copying the weights', () => {
    const { history } = branchedHistory();
    history.setMetrics(2, { accuracy: 0.5 });
    history.checkout(2);
    history.undo();
    const stored = history.toStored();
    expect(stored.blobs['v1/conv1/kernel']).toBe(history.get(1).model.weights.conv1.kernel.data);
    const json = JSON.parse(JSON.stringify(stored.json)); // what a JSON store keeps
    const back = ModelHistory.fromStored({ json, blobs: stored.blobs });
    expect(back.current).toBe(1);
    expect(back.versions()).toEqual(history.versions());
    expect(back.get(2).model.weights.conv2.kernel.data).toBe(history.get(2).model.weights.conv2.kernel.data);
    expect(back.redo()?.id).toBe(2); // the redo pointers come back too
    expect(back.children(0)).toEqual([1, 3]);

    const missing = { json, blobs: { ...stored.blobs } };
    delete missing.blobs['v2/dense1/bias'];
    expect(() => ModelHistory.fromStored(missing)).toThrow(/version 2: weight 'dense1\/bias' has no Float32Array 'v2\/dense1\/bias'/);
    const short = { json, blobs: { ...stored.blobs, 'v0/conv1/bias': new Float32Array(3) } };
    expect(() => ModelHistory.fromStored(short)).toThrow(/version 0: weight 'conv1\/bias' has 3 values, its shape \[4\] needs 4/);
    expect(() => ModelHistory.fromStored({ json: { ...json, format: 'other' }, blobs: {} })).toThrow(/not an aom-studio history/);
  });
});
