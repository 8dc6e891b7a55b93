/**
 * `aom-studio report`: from a project made through the session core (a retrained version with curves, real
 * maps, an edit motivated by a suggestion), one offline HTML page with the architecture before and after, the
 * steps, the maps as PNG data URLs and the curves as inline SVG; the history as CSV and JSON; the maps as PNG.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.ts';
import { initModel } from '../../src/nn/init.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { encodeProject } from '../../src/session/project-file.ts';
import { StudioSession } from '../../src/session/studio-session.ts';
import { useScratchDir } from '../helpers/dataset-files.ts';
import { useGpu } from '../helpers/gpu.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

const gpu = useGpu();
const scratch = useScratchDir('aom-report-');

const spec: ModelSpec = {
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

describe('aom-studio report', () => {
  it('writes an offline HTML report, the history as CSV and JSON, and the maps as PNG', async () => {
    const session = new StudioSession(gpu);
    session.setDataset({ choice: { kind: 'builtin-mnist' }, dataset: squaresDataset({ train: 200, test: 80 }) });
    session.start(initModel(spec, 1), 'start');
    const maps = await session.analyse({ layer: 'conv1', perClass: 5, tau: 0, ablation: false }, () => {});
    const suggestion = { rule: 'dead', reason: 'kernel 2 never fires', id: 'conv1#0' };
    session.applyEdit({ kind: 'drop', layer: 'conv1', kernels: [2] }, suggestion as never);
    await session.train({ config: { epochs: 1, batchSize: 32, logEvery: 2 }, subset: 0 }, () => {});
    const dir = scratch();
    const path = join(dir, 'session.aomproj');
    writeFileSync(path, encodeProject({ state: session.state(), settings: {}, dataset: { kind: 'builtin-mnist' }, savedAt: '2026-12-01T12:00:00Z' }));

    let out = '';
    const code = await reportCommand(['--project', path, '--out', join(dir, 'report.html')], { stdout: (s) => (out += s), stderr: () => {} });
    expect(code).toBe(0);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h3>Before (v0)</h3>');
    expect(html).toContain('<h3>After (v2)</h3>');
    expect(html).toContain('drop 1 kernel of conv1 (2)');
    expect(html).toContain('dead: kernel 2 never fires');
    expect(html.match(/src="data:image\/png;base64,/g)).toHaveLength(2);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(2);
    // Offline: nothing to fetch.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const csv = readFileSync(join(dir, 'report.history.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('version,parent,note,edit,suggestion,params,flops,convKernels,validationAccuracy,testAccuracy,testCount,createdAt');
    expect(csv).toHaveLength(4);
    expect(JSON.parse(readFileSync(join(dir, 'report.history.json'), 'utf8')).versions[1].suggestion).toBe('dead');
    const atlas = decodePng(readFileSync(join(dir, 'report-maps', 'v0-conv1-aom.png')));
    expect(atlas.width).toBeGreaterThan(maps.classes * maps.width);
    const odm = decodePng(readFileSync(join(dir, 'report-maps', 'v0-conv1-odm.png')));
    expect(odm.width).toBe(odm.height);
    expect(existsSync(join(dir, 'report-maps', 'v0-conv1-odm.png'))).toBe(true);
  });
});
