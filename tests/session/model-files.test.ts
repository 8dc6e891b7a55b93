/** The worker's model-file functions (src/session/model-files.ts), in Node: ONNX and TF.js files in and out. */
import { describe, expect, it } from 'vitest';
import { modelFromUserFiles, modelToFiles } from '../../src/session/model-files.ts';
import { referenceForward } from '../../src/reference/model-forward.ts';
import { globalPoolSpec, randomInput, randomModel } from '../helpers/models.ts';

describe('model files for the page', () => {
  it('exports a version as one .onnx and imports it back with the same outputs', () => {
    const model = randomModel(globalPoolSpec(), 3);
    const { files } = modelToFiles(model, 'onnx');
    expect(files.map((f) => f.name)).toEqual(['global-pool.onnx']);
    const back = modelFromUserFiles([{ path: 'picked/global-pool.onnx', bytes: files[0].bytes }]);
    const x = randomInput(2 * 7 * 5 * 3, 4, -1, 1);
    const a = referenceForward(model, x, 2).output;
    const b = referenceForward(back, x, 2).output;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-6);
  });

  it('exports TF.js files by default, which import back', () => {
    const model = randomModel(globalPoolSpec(), 5);
    const { files } = modelToFiles(model);
    expect(files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    const back = modelFromUserFiles(files.map((f) => ({ path: f.name, bytes: f.bytes })));
    expect(back.weights.logits.kernel.data).toEqual(model.weights.logits.kernel.data);
  });

  it('an .onnx picked with other files, or a file that is not ONNX, is an error naming the file', () => {
    const onnx = modelToFiles(randomModel(globalPoolSpec(), 1), 'onnx').files[0];
    expect(() => modelFromUserFiles([{ path: 'a.onnx', bytes: onnx.bytes }, { path: 'b.bin', bytes: new Uint8Array(4) }])).toThrow(/a\.onnx: an ONNX model is one file/);
    expect(() => modelFromUserFiles([{ path: 'notes.onnx', bytes: new TextEncoder().encode('hello, not protobuf') }])).toThrow(/notes\.onnx: /);
  });
});
