/**
 * Every file a user opens is untrusted. Crafted models (ONNX, model.json), projects and datasets (zip, gzip, tar,
 * IDX) that are damaged, oversized by their own declarations, zip or gzip bombs, carry prototype keys or name
 * paths outside their archive: each gives an error that names the file, through the loaders the page and the
 * CLI use; through the CLI, the output folder is left as it was.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { editCommand } from '../../src/cli/commands/edit.ts';
import { exportCommand } from '../../src/cli/commands/export.ts';
import { loadModelDir } from '../../src/io/model-files-node.ts';
import { modelToOnnx } from '../../src/io/onnx/onnx-export.ts';
import { floatTensor, floatValueInfo, onnx, type OnnxTypes } from '../../src/io/onnx/onnx-proto.ts';
import { modelToArtifacts } from '../../src/io/tfjs-layers.ts';
import { modelFromUserFiles } from '../../src/session/model-files.ts';
import { decodeProject, encodeProject } from '../../src/session/project-file.ts';
import { datasetFromUserFiles, type UserFile } from '../../src/session/user-files.ts';
import { ModelHistory } from '../../src/surgery/history.ts';
import { idxFile, pngFile, tarFile, useScratchDir } from '../helpers/dataset-files.ts';
import { globalPoolSpec, randomModel } from '../helpers/models.ts';

const scratch = useScratchDir('aom-untrusted-');
const text = (s: string) => new TextEncoder().encode(s);
const model = randomModel(globalPoolSpec(), 1);

// ---- builders ----------------------------------------------------------------------------------------------

function onnxBytes(edit: (m: OnnxTypes.IModelProto) => void): Uint8Array {
  const proto = onnx.ModelProto.decode(modelToOnnx(model)).toJSON() as OnnxTypes.IModelProto;
  const m = onnx.ModelProto.fromObject(proto);
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

function tfjsFiles(edit: (json: Record<string, unknown>) => void = () => {}): UserFile[] {
  const a = modelToArtifacts(model);
  const json = structuredClone(a.modelJson) as Record<string, unknown>;
  edit(json);
  return [
    { path: 'model.json', bytes: text(JSON.stringify(json)) },
    { path: 'group1-shard1of1.bin', bytes: new Uint8Array(a.weightData) },
  ];
}

function projectBytes(editJson: (json: Record<string, any>) => void = () => {}, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const history = ModelHistory.start(model, { note: 'start' });
  const good = encodeProject({ state: { history: history.toStored(), untrained: [], maps: {}, pending: null }, settings: {}, dataset: null, savedAt: 'now' });
  // Re-zip with the JSON edited (the blobs kept).
  const files = unzipSync(good);
  const json = JSON.parse(new TextDecoder().decode(files['project.json']));
  editJson(json);
  files['project.json'] = text(JSON.stringify(json).replace('"PROTO_KEY"', '"__proto__"'));
  return zipSync({ ...files, ...extra }, { level: 0 });
}

/** Sets the uncompressed size of every entry (local headers and central directory) of a zip to `size`. */
function lieAboutSizes(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 4 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return out;
}

const zeros = (n: number) => new Uint8Array(n);
const png = pngFile(2, 2, 1, new Uint8Array([1, 2, 3, 4]));

// ---- the crafted files: [file name, bytes, opener, what the message says] -------------------------------------

type Opener = 'model' | 'project' | 'dataset';
const cases: [string, Uint8Array | UserFile[], Opener, RegExp][] = [
  // ONNX
  ['noise.onnx', text('this is not protobuf at all, just text'), 'model', /not an ONNX model/],
  ['empty.onnx', new Uint8Array(0), 'model', /not an ONNX model/],
  ['no-graph.onnx', onnx.ModelProto.encode({ irVersion: 7 }).finish(), 'model', /no graph/],
  ['sigmoid.onnx', onnxBytes((m) => (m.graph!.node![1].opType = 'Sigmoid')), 'model', /\(Sigmoid, index 1\): the operator Sigmoid is not supported/],
  ['short-weights.onnx', onnxBytes((m) => (m.graph!.initializer![0].rawData = zeros(10))), 'model', /has 10 bytes of data, its shape needs/],
  ['huge-dims.onnx', onnxBytes((m) => (m.graph!.initializer![0].dims = [65536, 65536, 16, 16])), 'model', /declares \d+ values, more than/],
  ['external.onnx', onnxBytes((m) => Object.assign(m.graph!.initializer![0], { dataLocation: 1, externalData: [{ key: 'location', value: '../../etc/passwd' }] })), 'model', /external file/],
  ['proto-metadata.onnx', onnxBytes((m) => (m.metadataProps = [{ key: 'aomStudio', value: '{"__proto__": {"polluted": true}}' }])), 'model', /key '__proto__'/],
  ['bad-metadata.onnx', onnxBytes((m) => (m.metadataProps = [{ key: 'aomStudio', value: '{not json' }])), 'model', /not valid JSON/],
  ['flat-input.onnx', onnxBytes((m) => (m.graph!.input = [floatValueInfo('input', ['batch', 105])])), 'model', /input 'input' has shape \[batch, 105\]/],
  ['two-inputs.onnx', onnxBytes((m) => m.graph!.input!.push(floatValueInfo('mask', ['batch', 1]))), 'model', /2 graph inputs/],
  ['old-opset.onnx', onnxBytes((m) => (m.opsetImport = [{ domain: '', version: 7 }])), 'model', /opset 7/],
  ['int-weights.onnx', onnxBytes((m) => Object.assign(m.graph!.initializer![0], floatTensor('conv1.weight', [1], new Float32Array(1)), { dataType: 6 })), 'model', /data type 6, not float32/],
  // TF.js model.json (+ shard)
  ['model.json', [{ path: 'model.json', bytes: text('hello') }], 'model', /model\.json: is not valid JSON/],
  ['model.json', tfjsFiles((j) => (j.modelTopology = JSON.parse('{"__proto__": {"isAdmin": true}}'))), 'model', /model\.json: has a key '__proto__'/],
  ['model.json', [{ path: 'model.json', bytes: text('{"modelTopology": {"constructor": {"prototype": {}}}, "weightsManifest": []}') }], 'model', /model\.json: has a key '(constructor|prototype)'/],
  ['model.json', tfjsFiles((j) => (j.weightsManifest = 'all of them')), 'model', /weightsManifest must be a list/],
  ['model.json', tfjsFiles().slice(0, 1), 'model', /model\.json: weight shard\(s\) group1-shard1of1\.bin were not given/],
  ['model.json', tfjsFiles((j) => ((j.modelTopology as any).config.layers[0].class_name = 'LSTM')), 'model', /LSTM/],
  // projects
  ['text.aomproj', text('not a zip'), 'project', /not a zip archive/],
  ['empty-zip.aomproj', zipSync({ 'readme.txt': text('hi') }), 'project', /has no project\.json/],
  ['proto.aomproj', projectBytes((j) => (j.settings = { PROTO_KEY: { polluted: true } })), 'project', /key '__proto__'/],
  ['traversal.aomproj', projectBytes(() => {}, { '../evil.bin': text('x') }), 'project', /'\.\.\/evil\.bin' has a '\.\.' component/],
  ['absolute.aomproj', projectBytes(() => {}, { '/etc/cron.d/x': text('x') }), 'project', /is an absolute path/],
  ['bomb.aomproj', lieAboutSizes(zipSync({ 'project.json': zeros(4 << 20) }, { level: 9 }), 1000), 'project', /inflates to more than the 1000 bytes its header declares/],
  ['declared-huge.aomproj', lieAboutSizes(zipSync({ 'project.json': text('{}') }), 0xfffffff0), 'project', /declares 4294967280 bytes/],
  ['missing-blob.aomproj', projectBytes((j) => (j.state.history.blobs['v0/conv1/kernel'].blob = 'blobs/999.bin')), 'project', /names blob "blobs\/999\.bin", which the file does not hold/],
  ['version-2.aomproj', projectBytes((j) => (j.formatVersion = 2)), 'project', /format version 2/],
  ['bad-kind.aomproj', projectBytes((j) => (j.state.history.json.versions[0].spec.layers[0].kind = 'lstm')), 'project', /unknown kind 'lstm'/],
  ['short-blob.aomproj', projectBytes((j) => (j.state.history.json.versions[0].weights.conv1.kernel.shape = [3, 3, 3, 38])), 'project', /conv1\/kernel/],
  ['bad-untrained.aomproj', projectBytes((j) => (j.state.untrained = [7])), 'project', /untrained names version 7/],
  // datasets
  ['train-images.gz', (() => { const g = gzipSync(idxFile([1, 2, 2], [1, 2, 3, 4])); new DataView(g.buffer).setUint32(g.length - 4, 0xffffffff, true); return g; })(), 'dataset', /inflates to more than|truncated or damaged/],
  ['train-labels.gz', (() => { const g = gzipSync(idxFile([64], zeros(64))); new DataView(g.buffer).setUint32(g.length - 4, 10, true); return g; })(), 'dataset', /truncated or damaged: it inflates to more than the 10 bytes its gzip trailer declares/],
  ['pets.zip', zipSync({ 'cats/a.png': png, '../../outside/b.png': png }), 'dataset', /'\.\.\/\.\.\/outside\/b\.png' has a '\.\.' component/],
  ['bomb.zip', lieAboutSizes(zipSync({ 'cats/a.png': zeros(2 << 20), 'dogs/b.png': png }, { level: 9 }), 500), 'dataset', /inflates to more than the 500 bytes/],
  ['cifar-10-binary.tar', tarFile([{ name: '../cifar-10-batches-bin/data_batch_1.bin', data: zeros(3073) }]), 'dataset', /has a '\.\.' component/],
  ['train-images-idx3-ubyte', idxFile([1000000, 28, 28], zeros(10)), 'dataset', /train-images-idx3-ubyte/],
];

function open(name: string, input: Uint8Array | UserFile[], opener: Opener): unknown {
  const files = Array.isArray(input) ? input : [{ path: name, bytes: input }];
  if (opener === 'model') return modelFromUserFiles(files);
  if (opener === 'project') return decodeProject(files[0].bytes, name);
  return datasetFromUserFiles(files);
}

describe('crafted files', () => {
  it('are at least 30', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases.map((c, i) => [i, ...c] as const))('#%i %s: an error naming the file', (_i, name, input, opener, message) => {
    let error: Error | null = null;
    try {
      open(name, input, opener);
    } catch (e) {
      error = e as Error;
    }
    expect(error, `${name} opened without an error`).not.toBeNull();
    expect(error!.message).toContain(name);
    expect(error!.message).toMatch(message);
    expect(({} as Record<string, unknown>).polluted ?? ({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('through the CLI', () => {
  it('a crafted model or project fails with the file named and leaves the output folder as it was', async () => {
    const dir = scratch();
    const out = join(dir, 'out');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'keep.txt'), 'untouched');
    const before = readdirSync(out);
    const io = { stdout: () => {}, stderr: () => {} };
    for (const [name, input, opener] of cases.filter(([, input, opener]) => opener !== 'dataset' && !Array.isArray(input))) {
      const path = join(dir, name);
      writeFileSync(path, input as Uint8Array);
      const args = opener === 'project' ? ['--project', path] : ['--model', path];
      await expect(exportCommand([...args, '--format', 'tfjs', '--out', join(out, 'model')], io), name).rejects.toThrow(name);
      await expect(exportCommand([...args, '--out', join(out, 'model.onnx')], io), name).rejects.toThrow(name);
      expect(readdirSync(out)).toEqual(before);
    }
    // edit --project rewrites the project only when everything worked: a crafted one stays byte for byte.
    const bomb = join(dir, 'bomb.aomproj');
    const bytes = readFileSync(bomb);
    await expect(editCommand(['--project', bomb, '--drop', 'conv1:0'], io)).rejects.toThrow('bomb.aomproj');
    expect(readFileSync(bomb).equals(bytes)).toBe(true);
  });

  it('a model.json whose manifest names a shard outside its folder is refused, not read', async () => {
    const dir = join(scratch(), 'traversal');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(scratch(), 'secret.bin'), zeros(4096));
    const files = tfjsFiles((j) => ((j.weightsManifest as { paths: string[] }[])[0].paths = ['../secret.bin']));
    writeFileSync(join(dir, 'model.json'), files[0].bytes);
    await expect(loadModelDir(join(dir, 'model.json'))).rejects.toThrow(/model\.json: weight shard '\.\.\/secret\.bin' has a '\.\.' component/);
  });
});
