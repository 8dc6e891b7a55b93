/**
 * `aom-studio train` writes a checkpoint at the end of every epoch; `train --resume DIR` continues the run and
 * ends with the same weights, bit for bit, as the run never stopped; a truncated, foreign or mismatched
 * checkpoint is refused naming the file, and nothing already saved is overwritten.
 */
import { readFile, writeFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { saveModelDir } from '../../src/io/model-files-node.ts';
import { initModel } from '../../src/nn/init.ts';
import type { ModelSpec } from '../../src/nn/layers.ts';
import { idxFile, useScratchDir } from '../helpers/dataset-files.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';

const scratch = useScratchDir('aom-cli-resume-');

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

async function squaresSpec(dir: string, seed = 1): Promise<string> {
  const d = squaresDataset({ train: 160, test: 32, size: 12, seed });
  const files = {
    [`train-images-${seed}`]: idxFile([d.train.count, 12, 12], d.train.images),
    [`train-labels-${seed}`]: idxFile([d.train.count], d.train.labels),
    [`test-images-${seed}`]: idxFile([d.test!.count, 12, 12], d.test!.images),
    [`test-labels-${seed}`]: idxFile([d.test!.count], d.test!.labels),
  };
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  const p = (n: string) => join(dir, `${n}-${seed}`);
  return `idx:${p('train-images')},${p('train-labels')};${p('test-images')},${p('test-labels')}`;
}

const spec: ModelSpec = {
  name: 'tiny', inputShape: [12, 12, 1], preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
    { kind: 'maxpool', name: 'pool1', poolSize: [4, 4], strides: [4, 4], padding: 'valid' },
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dropout', name: 'drop', rate: 0.25 },
    { kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' },
  ],
};

describe('aom-studio train --resume', () => {
  it('continues a run from its checkpoint to the same weights, and refuses bad checkpoints', async () => {
    const dir = scratch();
    const dataset = await squaresSpec(dir);
    await saveModelDir(initModel(spec, 1), join(dir, 'start'));
    const common = ['--model', join(dir, 'start', 'model.json'), '--dataset', dataset, '--batch', '16', '--lr', '0.01', '--seed', '3'];

    const whole = await run(['train', ...common, '--epochs', '3', '--out', join(dir, 'whole')]);
    expect(whole.code, whole.err).toBe(0);
    const cut = await run(['train', ...common, '--epochs', '1', '--out', join(dir, 'cut')]);
    expect(cut.code, cut.err).toBe(0);
    const resumed = await run(['train', '--resume', join(dir, 'cut'), '--epochs', '3']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toMatch(/resuming tiny from .*cut: after \d+ steps \(epoch 2, step 0\) of 3 epoch\(s\)/);
    const bytes = (d: string) => readFile(join(dir, d, 'group1-shard1of1.bin'));
    expect(Buffer.compare(await bytes('whole'), await bytes('cut')), 'weights after resume vs never stopped').toBe(0);
    const metrics = JSON.parse(await readFile(join(dir, 'cut', 'metrics.json'), 'utf8'));
    expect(metrics.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2, 3]);

    // Refused: another dataset (named), a foreign checkpoint.json, a truncated checkpoint.bin; model.json kept.
    const model = await readFile(join(dir, 'cut', 'model.json'));
    const other = await squaresSpec(dir, 2);
    const wrongData = await run(['train', '--resume', join(dir, 'cut'), '--dataset', other]);
    expect(wrongData.code).toBe(1);
    expect(wrongData.err).toMatch(/checkpoint\.json: the run trains on 'idx:train-images-1' .* not on 'idx:train-images-2'/);
    await truncate(join(dir, 'cut', 'checkpoint.bin'), 100);
    const truncated = await run(['train', '--resume', join(dir, 'cut')]);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toMatch(/checkpoint\.bin: holds 100 bytes but .* lists \d+ \(truncated\)/);
    await writeFile(join(dir, 'cut', 'checkpoint.json'), '{"format": "something else"}');
    const foreign = await run(['train', '--resume', join(dir, 'cut')]);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/checkpoint\.json: is not an aom-studio training checkpoint/);
    const missing = await run(['train', '--resume', join(dir, 'nowhere')]);
    expect(missing.err).toMatch(/nowhere\/checkpoint\.json: no checkpoint here/);
    expect(Buffer.compare(await readFile(join(dir, 'cut', 'model.json')), model)).toBe(0);
  });
});
