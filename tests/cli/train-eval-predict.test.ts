import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { loadModelDir, saveModelDir } from '../../src/io/model-files-node.ts';
import { initModel } from '../../src/nn/init.ts';
import { idxFile, useScratchDir } from '../helpers/dataset-files.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

const scratch = useScratchDir('aom-cli-train-');

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

/** The synthetic squares dataset written as four IDX files; returns the dataset spec. */
async function squaresSpec(dir: string): Promise<string> {
  const d = squaresDataset({ train: 192, test: 40, size: 12 });
  const files = {
    'train-images': idxFile([d.train.count, 12, 12], d.train.images),
    'train-labels': idxFile([d.train.count], d.train.labels),
    'test-images': idxFile([d.test!.count, 12, 12], d.test!.images),
    'test-labels': idxFile([d.test!.count], d.test!.labels),
  };
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const p = (n: string) => join(dir, n);
  return `idx:${p('train-images')},${p('train-labels')};${p('test-images')},${p('test-labels')}`;
}

describe('aom-studio train, eval, predict', () => {
  it('train writes a loadable model and metrics; eval and predict read it back', async () => {
    const dir = scratch();
    const spec = await squaresSpec(dir);
    const start = {
      spec: {
        name: 'tiny', inputShape: [12, 12, 1] as [number, number, number], preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
        layers: [
          { kind: 'conv2d' as const, name: 'conv1', filters: 4, kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const, useBias: true, activation: 'relu' as const },
          { kind: 'maxpool' as const, name: 'pool1', poolSize: [4, 4] as [number, number], strides: [4, 4] as [number, number], padding: 'valid' as const },
          { kind: 'flatten' as const, name: 'flatten' },
          { kind: 'dense' as const, name: 'dense1', units: 4, useBias: true, activation: 'linear' as const },
        ],
      },
    };
    await saveModelDir(initModel(start.spec, 1), join(dir, 'start'));
    const out = join(dir, 'trained');
    const trained = await run(['train', '--model', join(dir, 'start', 'model.json'), '--dataset', spec, '--epochs', '4', '--batch', '16', '--lr', '0.02', '--log-every', '5', '--out', out, '--json']);
    expect(trained.err).toBe('');
    expect(trained.code).toBe(0);
    const lines = trained.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('start');
    expect(lines.filter((l) => l.type === 'epoch')).toHaveLength(4);
    expect(lines.at(-1).type).toBe('done');
    const metrics = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.ended).toBe('completed');
    expect(metrics.test.count).toBe(40);
    expect(metrics.test.accuracy).toBeGreaterThan(0.8);
    const model = await loadModelDir(join(out, 'model.json'));
    expect(model.spec.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'flatten', 'dense1']);

    // eval and predict upload the images they read and no others (the test split is pool images 192..231).
    const uploads = vi.spyOn(GpuDataset, 'upload');
    const lastUploadRows = () => Array.from(uploads.mock.results.at(-1)!.value.rows as Uint32Array);
    const evaluated = await run(['eval', '--model', join(out, 'model.json'), '--dataset', spec, '--json']);
    expect(evaluated.code).toBe(0);
    expect(lastUploadRows()).toEqual(Array.from({ length: 40 }, (_, i) => 192 + i));
    const report = JSON.parse(evaluated.out);
    expect(report.accuracy).toBeCloseTo(metrics.test.accuracy, 6);
    expect(report.confusion).toHaveLength(4);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(40);

    // With a GPU budget below the images' size the batches stream from CPU memory: the same figures.
    const streamed = await run(['eval', '--model', join(out, 'model.json'), '--dataset', spec, '--json', '--gpu-budget', '0.001']);
    expect(streamed.code, streamed.err).toBe(0);
    expect(JSON.parse(streamed.out).accuracy).toBe(report.accuracy);
    expect(JSON.parse(streamed.out).loss).toBeCloseTo(report.loss, 6);

    // The split belongs to the model: train recorded it, and eval on the validation split uses the same images as
    // train's last validation (so the same figures), with no warning; another --split-seed warns, naming both seeds.
    expect(model.spec.split?.seed).toBe(1);
    expect(model.spec.split?.dataset.trainCount).toBe(192);
    const validation = await run(['eval', '--model', join(out, 'model.json'), '--dataset', spec, '--split', 'validation', '--json']);
    expect(validation.err).toBe('');
    expect(JSON.parse(validation.out).accuracy).toBeCloseTo(lines.filter((l) => l.type === 'epoch').at(-1).validation.accuracy, 6);
    const overridden = await run(['eval', '--model', join(out, 'model.json'), '--dataset', spec, '--split', 'validation', '--split-seed', '2']);
    expect(overridden.code).toBe(0);
    expect(overridden.err).toMatch(/warning: model 'tiny' was trained with split seed 1 .* this uses seed 2/);

    const npy = join(dir, 'logits.npy');
    const predicted = await run(['predict', '--model', join(out, 'model.json'), '--dataset', spec, '--limit', '25', '--out', npy]);
    expect(predicted.code).toBe(0);
    const logits = decodeNpy(await readFile(npy));
    expect(logits.shape).toEqual([25, 4]);
    expect(lastUploadRows()).toHaveLength(25);
    uploads.mockRestore();
    expect(logits.data).toBeInstanceOf(Float32Array);
  });

  it('--fresh-weights trains the file\'s architecture from weights drawn from --seed, not from the file\'s', async () => {
    const dir = scratch();
    const spec = await squaresSpec(dir);
    const tiny = {
      name: 'tiny', inputShape: [12, 12, 1] as [number, number, number], preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
      layers: [
        { kind: 'conv2d' as const, name: 'conv1', filters: 3, kernelSize: [3, 3] as [number, number], strides: [1, 1] as [number, number], padding: 'same' as const, useBias: true, activation: 'relu' as const },
        { kind: 'flatten' as const, name: 'flatten' },
        { kind: 'dense' as const, name: 'dense1', units: 4, useBias: true, activation: 'linear' as const },
      ],
    };
    const file = initModel(tiny, 11);
    await saveModelDir(file, join(dir, 'file'));
    // A learning rate so small that one step leaves the weights where they started (to float32 precision).
    const args = ['--dataset', spec, '--epochs', '1', '--max-steps', '1', '--batch', '16', '--lr', '1e-30', '--seed', '5'];
    expect((await run(['train', '--model', join(dir, 'file', 'model.json'), '--fresh-weights', ...args, '--out', join(dir, 'fresh')])).code).toBe(0);
    const fresh = await loadModelDir(join(dir, 'fresh'));
    const expected = initModel(tiny, 5);
    expect(fresh.spec.layers.map((l) => l.name)).toEqual(['conv1', 'flatten', 'dense1']);
    expect(Array.from(fresh.weights.conv1.kernel.data)).toEqual(Array.from(expected.weights.conv1.kernel.data));
    expect(Array.from(fresh.weights.conv1.kernel.data)).not.toEqual(Array.from(file.weights.conv1.kernel.data));
  });

  it('refuses a model that does not fit the dataset, naming both', async () => {
    const dir = scratch();
    const spec = await squaresSpec(dir);
    const result = await run(['train', '--model', 'mnist-ref', '--dataset', spec, '--epochs', '1', '--out', join(dir, 'x')]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/model 'mnist-ref' takes 28x28x1 images but dataset '.*' has 12x12x1 images/);
  });
});
