/**
 * Reading a tune.json back (src/cli/tune-report.ts), for the baselines: the drops in the order tune made them,
 * a layer once per pass that dropped from it, rejected edits (--max-loss) left out; a file that is not a tune
 * report named with the field that is wrong.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTuneReport } from '../../src/cli/tune-report.ts';
import { useScratchDir } from '../helpers/dataset-files.ts';

const scratch = useScratchDir('aom-tune-report-');

const row = (version: number, layer: string | null, edit = '', pass: number | null = layer === null ? null : 1) => ({
  version, pass, layer, edit, rejected: '', parameters: 100 - version, flops: 1000 - version, validationAccuracy: 0.9, testAccuracy: 0.9, notes: [],
});
const drop = (layer: string, kernels: number[]) => ({ kind: 'drop', layer, kernels });

/** Two passes over conv1 and conv2; conv2's second drop was rejected by --max-loss, so its row keeps v4. */
const twoPasses = {
  model: 'm.json', dataset: 'squares', auto: true, analysisImages: 32, config: { epochs: 1, batchSize: 16, lr: 0.001 },
  passes: 2, maxLoss: 0.01,
  rows: [row(0, null), row(2, 'conv1', 'drop 2'), row(4, 'conv2', 'drop 1'), row(6, 'conv1', 'drop 1', 2), { ...row(6, 'conv2', '', 2), rejected: 'drop 2' }],
  steps: [
    { pass: 1, layer: 'conv1', edits: [drop('conv1', [1, 3])], rejected: [] },
    { pass: 1, layer: 'conv2', edits: [drop('conv2', [0])], rejected: [] },
    { pass: 2, layer: 'conv1', edits: [drop('conv1', [2])], rejected: [] },
    { pass: 2, layer: 'conv2', edits: [], rejected: [drop('conv2', [1, 2])] },
  ],
  final: 6,
};

describe('readTuneReport', () => {
  it('gives the drops in the order tune made them, pass by pass, without the rejected ones, and their sums per layer', async () => {
    const file = join(scratch(), 'tune.json');
    await writeFile(file, JSON.stringify(twoPasses));
    const report = await readTuneReport(scratch());
    expect(report.dropSteps).toEqual([{ layer: 'conv1', count: 2 }, { layer: 'conv2', count: 1 }, { layer: 'conv1', count: 1 }]);
    expect([...report.dropped]).toEqual([['conv1', 3], ['conv2', 1]]);
    // Steps go from the version each row followed to the one it kept (equal where nothing was kept).
    expect(report.steps.map((s) => [s.before, s.after])).toEqual([[0, 2], [2, 4], [4, 6], [6, 6]]);
  });

  it('names the file and the field when a step does not match its row', async () => {
    const file = join(scratch(), 'bad-tune.json');
    const steps = [...twoPasses.steps];
    steps[2] = { ...steps[2], layer: 'conv2' };
    await writeFile(file, JSON.stringify({ ...twoPasses, steps }));
    await expect(readTuneReport(file)).rejects.toThrow(/bad-tune\.json is not a tune\.json written by 'aom-studio tune --auto': steps\[2\] is layer 'conv2' but rows\[3\] is layer 'conv1'/);
  });
});
