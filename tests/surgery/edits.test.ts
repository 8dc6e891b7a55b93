import { describe, expect, it } from 'vitest';
import { modelFromArtifacts, modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import type { Model } from '../../src/nn/layers.ts';
import { EditTextError, parseDropText, parseInsertText, parseWidenText } from '../../src/surgery/edit-text.ts';
import { applyEdit, describeEdit, formatKernelList, type Edit } from '../../src/surgery/edits.ts';
import { everyKindSpec, randomModel } from '../helpers/models.ts';
import { logitsOf, maxAbsDiff, smallConvSpec } from '../helpers/surgery-models.ts';

/** Saves with the TF.js Layers writer and reads the bytes back, as a file round trip would. */
function roundTrip(model: Model): Model {
  const { modelJson, weightData } = modelToArtifacts(model, { shardBytes: 1024 });
  return modelFromArtifacts(JSON.parse(JSON.stringify(modelJson)), weightData);
}

describe('edits as data', () => {
  it('applyEdit runs each kind; edited models round-trip through the save format bit for bit', () => {
    const model = randomModel(smallConvSpec(), 4);
    const edits: Edit[] = [
      { kind: 'drop', layer: 'conv1', kernels: [2] },
      { kind: 'widen', layer: 'conv2', by: 3, mode: 'net2net', noise: 0.02, seed: 5 },
      { kind: 'insert', after: 'conv1', kernelSize: [3, 3], width: 4 },
      { kind: 'widen', layer: 'dense1', by: 2, mode: 'fresh' },
    ];
    let current = model;
    for (const edit of edits) {
      current = applyEdit(current, edit);
      const loaded = roundTrip(current);
      expect(loaded.spec).toEqual(current.spec);
      expect(loaded.weights).toEqual(current.weights);
      expect(maxAbsDiff(logitsOf(loaded, 2, 3), logitsOf(current, 2, 3))).toBe(0);
    }
    expect(current.spec.layers.map((l) => l.name)).toEqual(['conv1', 'conv1_deep', 'pool1', 'conv2', 'flatten', 'dense1', 'dense2']);
    expect(current.weights.conv1_deep.kernel.shape).toEqual([3, 3, 3, 4]);
    expect(current.weights.conv2.kernel.shape).toEqual([2, 2, 4, 8]);
    expect(current.weights.dense1.kernel.shape).toEqual([2 * 2 * 8, 8]);
    // Replaying the same edits (seeds recorded in them) gives the same model.
    expect(edits.reduce(applyEdit, model)).toEqual(current);
  });

  it('describes edits in words', () => {
    expect(describeEdit({ kind: 'drop', layer: 'conv1', kernels: [7, 3, 3] })).toBe('drop 2 kernels of conv1 (3, 7)');
    expect(describeEdit({ kind: 'drop', layer: 'conv1', kernels: [1] })).toBe('drop 1 kernel of conv1 (1)');
    expect(describeEdit({ kind: 'widen', layer: 'conv2', by: 8, mode: 'net2net', noise: 0.01 })).toBe('widen conv2 by 8 kernels (net2net copies, noise 0.01)');
    expect(describeEdit({ kind: 'widen', layer: 'conv2', by: 1, mode: 'fresh' })).toBe('widen conv2 by 1 kernel (fresh He-initialised kernels, zero outgoing weights)');
    expect(describeEdit({ kind: 'insert', after: 'conv2' })).toBe('insert identity conv 3x3 after conv2');
    expect(describeEdit({ kind: 'insert', after: 'conv2', kernelSize: [5, 5], width: 40 })).toBe('insert identity conv 5x5, width 40 after conv2');
    expect(formatKernelList([9, 0, 1, 2, 3, 5, 6])).toBe('0-3, 5, 6, 9');
  });

  it('parses the CLI forms of edits', () => {
    expect(parseDropText('conv1:3,7')).toEqual({ kind: 'drop', layer: 'conv1', kernels: [3, 7] });
    expect(parseDropText('conv1:0-2,9')).toEqual({ kind: 'drop', layer: 'conv1', kernels: [0, 1, 2, 9] });
    expect(parseWidenText('conv2:+8')).toEqual({ kind: 'widen', layer: 'conv2', by: 8, mode: 'net2net' });
    expect(parseWidenText('conv2:4:fresh', { seed: 3 })).toEqual({ kind: 'widen', layer: 'conv2', by: 4, mode: 'fresh', seed: 3 });
    expect(parseWidenText('conv2:+2', { noise: 0.1 })).toMatchObject({ noise: 0.1 });
    expect(parseInsertText('conv2')).toEqual({ kind: 'insert', after: 'conv2' });
    expect(parseInsertText('conv2:5')).toEqual({ kind: 'insert', after: 'conv2', kernelSize: [5, 5] });
    expect(parseInsertText('conv2:1x3:48')).toEqual({ kind: 'insert', after: 'conv2', kernelSize: [1, 3], width: 48 });
  });

  it('rejects malformed edit text, quoting it and saying what is wrong', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => parseDropText('conv1'), /--drop 'conv1': expected LAYER:K,K/],
      [() => parseDropText('conv1:3,x'), /--drop 'conv1:3,x': kernel 'x' is not a kernel index/],
      [() => parseDropText('conv1:5-2'), /range '5-2' goes backwards/],
      [() => parseDropText(':3'), /missing the layer name/],
      [() => parseWidenText('conv2:+0'), /--widen 'conv2:\+0': '\+0' is not a number of new kernels/],
      [() => parseWidenText('conv2:+4:copy'), /mode 'copy' is neither 'net2net' nor 'fresh'/],
      [() => parseInsertText('conv2:3x:8'), /kernel size '3x' is not KxK/],
      [() => parseInsertText('conv2:3x3:0'), /width '0' is not a positive integer/],
    ];
    for (const [fn, pattern] of bad) {
      expect(fn).toThrow(EditTextError);
      expect(fn).toThrow(pattern);
    }
  });

  it('applyEdit reports a bad edit of a real model with the layer name', () => {
    const model = randomModel(everyKindSpec(), 1);
    expect(() => applyEdit(model, { kind: 'drop', layer: 'conv2', kernels: [6] })).toThrow(/layer 'conv2': kernel 6 is out of range/);
    expect(() => applyEdit(model, { kind: 'reshape' } as unknown as Edit)).toThrow(/unknown edit kind 'reshape'/);
  });
});
