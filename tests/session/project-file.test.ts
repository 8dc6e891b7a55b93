/**
 * Project files through the session core: a session with versions on two branches, a retrained version with
 * curves, analyses (real maps from the GPU) and settings, saved as .aomproj and opened into a new session,
 * gives back the same state (StudioSession.state()); weights and maps come back bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { initModel } from '../../src/nn/init.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { StudioSession } from '../../src/session/studio-session.ts';
import { decodeProject, encodeProject } from '../../src/session/project-file.ts';

const gpu = useGpu();

function smallCnn(): ModelSpec {
  return {
    name: 'small-cnn',
    inputShape: [12, 12, 1],
    preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
    classNames: ['a', 'b', 'c', 'd'],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

describe('project files', () => {
  it('save then open gives back the same state: versions, tree, analyses, settings', async () => {
    const session = new StudioSession(gpu);
    session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 200, test: 80 }) });
    session.start(initModel(smallCnn(), 1), 'start');
    await session.train({ config: { epochs: 1, batchSize: 32, logEvery: 2 }, subset: 0 }, () => {});
    await session.analyse({ layer: 'conv1', perClass: 5, tau: 0, ablation: true }, () => {});
    session.applyEdit({ kind: 'drop', layer: 'conv1', kernels: [1, 4] }, null);
    session.undo();
    session.applyEdit({ kind: 'widen', layer: 'conv1', by: 2, mode: 'net2net', seed: 3 }, null);
    const settings = { training: { epochs: 3, evaluationLimit: 0 }, view: { map: 'csm' } };
    const saved = session.state();

    const bytes = encodeProject({ state: saved, settings, dataset: { kind: 'builtin-mnist' }, savedAt: '2026-12-01T12:00:00.000Z' });
    const opened = decodeProject(bytes, 'tune.aomproj');
    const other = new StudioSession(gpu);
    other.restore(opened.state);
    const state = other.state();

    expect(opened.settings).toEqual(settings);
    expect(opened.dataset).toEqual({ kind: 'builtin-mnist' });
    expect(state.history.json).toEqual(saved.history.json);
    expect(Object.keys(state.history.blobs)).toEqual(Object.keys(saved.history.blobs));
    for (const [key, blob] of Object.entries(saved.history.blobs)) expect(state.history.blobs[key]).toEqual(blob);
    expect(state.untrained).toEqual(saved.untrained);
    expect(Object.keys(state.maps)).toEqual(Object.keys(saved.maps));
    expect(Object.keys(saved.maps)).toHaveLength(1);
    for (const [key, maps] of Object.entries(saved.maps)) expect(state.maps[key]).toEqual(maps);
    expect(other.historyInfo()).toEqual(session.historyInfo());
    expect(other.history.current).toBe(session.history.current);
  });
});
