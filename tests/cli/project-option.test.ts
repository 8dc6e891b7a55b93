/**
 * `--project` on edit, export and analyze: the model is the project's version, and what the command makes goes
 * back into the project file (edited versions, maps); a failing command leaves the file as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeCommand } from '../../src/cli/commands/analyze.ts';
import { editCommand } from '../../src/cli/commands/edit.ts';
import { exportCommand } from '../../src/cli/commands/export.ts';
import { loadModelFile } from '../../src/io/model-files-node.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { decodeProject, encodeProject } from '../../src/session/project-file.ts';
import { ModelHistory } from '../../src/surgery/history.ts';
import { idxFile, useScratchDir } from '../helpers/dataset-files.ts';
import { useGpu } from '../helpers/gpu.ts';
import { randomModel } from '../helpers/models.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

useGpu();
const scratch = useScratchDir('aom-project-');

function smallCnn(): ModelSpec {
  return {
    name: 'small-cnn',
    inputShape: [12, 12, 1],
    preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

type Command = (args: string[], io: { stdout(s: string): void; stderr(s: string): void }) => Promise<number>;
async function run(command: Command, args: string[]) {
  let out = '';
  let err = '';
  const code = await command(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

function writeProject(name: string): string {
  const history = ModelHistory.start(randomModel(smallCnn(), 2), { note: 'start' });
  const path = join(scratch(), name);
  writeFileSync(path, encodeProject({ state: { history: history.toStored(), untrained: [], maps: {}, pending: null }, settings: { a: 1 }, dataset: null, savedAt: '2026-12-01T00:00:00Z' }));
  return path;
}

describe('--project', () => {
  it('edit adds the edited versions to the project; export writes any version', async () => {
    const path = writeProject('edit.aomproj');
    const edited = await run(editCommand, ['--project', path, '--drop', 'conv1:1,4', '--widen', 'conv1:+1']);
    expect(edited.err).toBe('');
    expect(edited.code).toBe(0);
    const project = decodeProject(readFileSync(path), path);
    const history = ModelHistory.fromStored(project.state.history);
    expect(history.size).toBe(3);
    expect(history.current).toBe(2);
    expect(project.settings).toEqual({ a: 1 });
    const conv1 = history.get(2).model.spec.layers[0];
    expect(conv1.kind === 'conv2d' && conv1.filters).toBe(5);

    const onnxPath = join(scratch(), 'v0.onnx');
    expect((await run(exportCommand, ['--project', path, '--version', '0', '--out', onnxPath])).code).toBe(0);
    const v0 = await loadModelFile(onnxPath);
    expect(v0.weights.conv1.kernel.shape).toEqual([3, 3, 1, 6]);
  });

  it('a failing edit leaves the project file unchanged; --model and --project together are a usage error', async () => {
    const path = writeProject('unchanged.aomproj');
    const before = readFileSync(path);
    const failed = await run(editCommand, ['--project', path, '--drop', 'conv1:1', '--drop', 'nosuch:0']);
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/nosuch/);
    expect(readFileSync(path).equals(before)).toBe(true);
    const both = await run(exportCommand, ['--project', path, '--model', 'x.json', '--out', join(scratch(), 'x.onnx')]);
    expect(both.code).toBe(2);
  });

  it('analyze adds the maps of the version to the project', async () => {
    const path = writeProject('analyze.aomproj');
    const dataset = squaresDataset({ train: 64, test: 40 });
    const dir = scratch();
    const file = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const spec = `idx:${file('p-train-images', idxFile([64, 12, 12], dataset.train.images))},${file('p-train-labels', idxFile([64], dataset.train.labels))};` +
      `${file('p-test-images', idxFile([40, 12, 12], dataset.test!.images))},${file('p-test-labels', idxFile([40], dataset.test!.labels))}`;
    const { code, err } = await run(analyzeCommand, ['--project', path, '--dataset', spec, '--per-class', '5', '--out', join(dir, 'maps')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const project = decodeProject(readFileSync(path), path);
    const maps = project.state.maps['0:conv1'];
    expect(maps.kernels).toBe(6);
    expect(maps.aom.length).toBe(6 * 4 * 12 * 12);
  });
});
