import { describe, expect, it } from 'vitest';
import type { Suggestion } from '../../src/analysis/suggestions.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { useGpu } from '../helpers/gpu.ts';
import { idxFile, useScratchDir } from '../helpers/dataset-files.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { analyzeCommand } from '../../src/cli/commands/analyze.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { splitDataset } from '../../src/data/splits.ts';
import { saveModelDir } from '../../src/io/model-files-node.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { initModel } from '../../src/nn/init.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../src/nn/train-config.ts';
import { train } from '../../src/nn/trainer.ts';

const gpu = useGpu();
const scratch = useScratchDir('aom-analyze-');

function smallCnn(): ModelSpec {
  return {
    name: 'small-cnn',
    inputShape: [12, 12, 1],
    preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'conv2d', name: 'conv2', filters: 8, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'linear' },
      { kind: 'relu', name: 'relu2' },
      { kind: 'maxpool', name: 'pool2', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await analyzeCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

let prepared: Promise<{ model: string; spec: string }> | undefined;
/** Trains the small CNN once per file (see train()). */
const prepare = () => (prepared ??= trainAndSave());

/** Trains the small CNN on the squares for a few epochs, saves it and the dataset as IDX files. */
async function trainAndSave(): Promise<{ model: string; spec: string }> {
  const ctx = gpu();
  const dataset = squaresDataset({ train: 128, test: 40 });
  const data = GpuDataset.upload(ctx, dataset);
  const result = await train(ctx, initModel(smallCnn(), 5), data, splitDataset(dataset, { seed: 3 }), {
    ...DEFAULT_TRAIN_CONFIG, epochs: 3, batchSize: 16, lr: 0.01, validate: false,
  });
  data.destroy();
  const dir = scratch();
  await saveModelDir({ spec: smallCnn(), weights: result.weights }, join(dir, 'model'));
  const file = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };
  const images = (split: typeof dataset.train) => idxFile([split.count, 12, 12], split.images);
  const train_ = [file('train-images', images(dataset.train)), file('train-labels', idxFile([128], dataset.train.labels))];
  const test = [file('test-images', images(dataset.test!)), file('test-labels', idxFile([40], dataset.test!.labels))];
  return { model: join(dir, 'model', 'model.json'), spec: `idx:${train_.join(',')};${test.join(',')}` };
}

describe('aom-studio analyze', () => {
  it('writes the documented files with their shapes and dtypes for every conv layer', async () => {
    const { model, spec } = await prepare();
    const out = join(scratch(), 'maps');
    const { code, out: stdout, err } = await run(['--model', model, '--dataset', spec, '--per-class', '5', '--out', out, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.images).toBe(20);
    expect(report.layers.map((l: { layer: string; mapLayer: string }) => [l.layer, l.mapLayer])).toEqual([['conv1', 'conv1'], ['conv2', 'relu2']]);
    // 20 images resolve 5-point accuracy changes: every rule that reads the ablation says so (as the page does).
    const ablationRules = report.suggestions.filter((s: Suggestion) => ['low-impact', 'redundant', 'widen'].includes(s.rule));
    expect(ablationRules.length).toBeGreaterThan(0); // this model's fixture gives low-impact drops
    for (const s of ablationRules) expect(s.caveat).toMatch(/^20 analysis images resolve accuracy changes of 5\.00 points/);
    for (const s of report.suggestions.filter((s: Suggestion) => s.rule === 'dead')) expect(s.caveat).toBeNull();

    const expectedShapes: Record<string, [number, number, number]> = { conv1: [12, 12, 6], conv2: [6, 6, 8] };
    for (const [layer, [H, W, K]] of Object.entries(expectedShapes)) {
      const read = (name: string) => decodeNpy(readFileSync(join(out, layer, name)), `${layer}/${name}`);
      const counts = read('aom_counts.npy');
      const classCounts = read('class_counts.npy');
      const aom = read('aom.npy');
      const csm = read('csm.npy');
      const odm = read('odm.npy');
      expect([counts.descr, counts.shape]).toEqual(['<u4', [K, 4, H, W]]);
      expect([classCounts.descr, classCounts.shape, Array.from(classCounts.data)]).toEqual(['<u4', [4], [5, 5, 5, 5]]);
      expect([aom.descr, aom.shape]).toEqual(['<f4', [K, 4, H, W]]);
      expect([csm.descr, csm.shape]).toEqual(['<f4', [K, 4, H, W]]);
      expect([odm.descr, odm.shape]).toEqual(['<f4', [K, K]]);
      for (const file of [counts, aom, odm]) expect(file.dataOffset % 64).toBe(0);
      // aom = counts / class count, exactly as float32 division; the CSM is in [-1, 1]; the ODM is symmetric.
      for (let i = 0; i < counts.data.length; i++) expect(aom.data[i]).toBe(Math.fround(counts.data[i] / 5));
      expect(csm.data.every((v) => v >= -1 && v <= 1)).toBe(true);
      for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) expect(odm.data[k * K + l]).toBe(odm.data[l * K + k]);
      expect(counts.data.some((v) => v > 0)).toBe(true);

      const stats = JSON.parse(readFileSync(join(out, layer, 'stats.json'), 'utf8'));
      expect(stats.kernels).toHaveLength(K);
      expect(stats.shape).toEqual({ kernels: K, classes: 4, height: H, width: W });
      expect(typeof stats.kernels[0].ablationImpact).toBe('number');
      expect(stats.files['aom_counts.npy']).toEqual({ dtype: 'uint32', shape: [K, 4, H, W] });

      const png = decodePng(readFileSync(join(out, layer, 'atlas.png')));
      expect(png.channels).toBe(4);
      // At least one cell of H x W scaled by a whole factor per kernel row and per class column.
      expect(png.height).toBeGreaterThan(K * H);
      expect(png.width).toBeGreaterThan(4 * W);
      expect(png.text.Title).toBe(`Activation Occurrence Maps of ${layer}`);
    }
  });

  it('analyses only the named layer with the given tau, prints tables, and reports usage errors', async () => {
    const { model, spec } = await prepare();
    const out = join(scratch(), 'one-layer');
    const { code, out: stdout } = await run(['--model', model, '--dataset', spec, '--split', 'train', '--per-class', '3', '--layer', 'conv2', '--tau', '0.5', '--min-impact', '1', '--out', out]);
    expect(code).toBe(0);
    // --min-impact 1: every kernel costs less than all the accuracy, so the low-impact rule names all but one.
    const stats = JSON.parse(readFileSync(join(out, 'conv2', 'stats.json'), 'utf8'));
    expect(stats.thresholds.minImpact).toBe(1);
    const dropping = stats.suggestions.filter((s: { rule: string }) => s.rule === 'low-impact' || s.rule === 'dead' || s.rule === 'redundant' || s.rule === 'saturated');
    expect(new Set(dropping.flatMap((s: { kernels: number[] }) => s.kernels)).size).toBe(7);
    expect(stdout).toMatch(/conv2: 8 kernels, maps 6x6 \(after relu2\), 4 classes/);
    expect(stdout).toMatch(/tau 0\.5/);
    expect(existsSync(join(out, 'conv2', 'atlas.png'))).toBe(true);
    expect(existsSync(join(out, 'conv1'))).toBe(false);

    const missing = await run(['--model', model, '--dataset', spec]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--out is required/);
    const badTau = await run(['--model', model, '--dataset', spec, '--out', out, '--tau', 'x']);
    expect(badTau.err).toMatch(/--tau must be a number, got 'x'/);
    const badImpact = await run(['--model', model, '--dataset', spec, '--out', out, '--min-impact', '2']);
    expect(badImpact.err).toMatch(/--min-impact must be .*1/);
    await expect(run(['--model', model, '--dataset', spec, '--out', out, '--layer', 'dense1'])).rejects.toThrow(/'dense1' is a dense, not a conv2d/);
  });
});
