/**
 * `aom-studio data <spec> [--json] [--seed S] [--validation F] [--test F]`: loads a dataset, splits it as
 * training would, and prints its name, image shape, class names, counts per split and per class, the
 * normalisation and the GPU memory it takes (a readable table, or JSON with --json).
 */
import { formatBytes } from '../../gpu/context.ts';
import { DatasetError } from '../../data/dataset-error.ts';
import { loadDatasetFromSpec } from '../../data/dataset-files-node.ts';
import { DATASET_SPEC_HELP } from '../../data/spec.ts';
import { splitDataset, DEFAULT_SPLIT_SEED } from '../../data/splits.ts';
import { summariseSplits, type DatasetSummary } from '../../data/summary.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';

const DATA = {
  name: 'data',
  summary: 'describe a dataset: image shape, classes, counts per split and per class, normalisation, GPU memory',
  positionals: [{ name: 'spec', description: DATASET_SPEC_HELP }],
  options: {
    json: { type: 'boolean', description: 'print JSON instead of a table' },
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, default: DEFAULT_SPLIT_SEED, value: 'S', description: 'split seed (the default is the one every other command uses for a model that records none)' },
    validation: { type: 'string', number: 'real', min: 0, below: 1, value: 'F', defaultText: '0.1', description: 'fraction of the training images held out for validation' },
    test: { type: 'string', number: 'real', min: 0, below: 1, value: 'F', defaultText: '0.1', description: 'fraction carved out for test when the source has no test split' },
  },
  examples: ['aom-studio data mnist', 'aom-studio data cifar10:cifar-10-binary.tar.gz --json', "aom-studio data 'idx:train-images,train-labels' --validation 0.2 --seed 3"],
} as const satisfies CommandSpec;

export const dataCommand = defineCommand(DATA, runData);

async function runData({ values, positionals }: CommandLine<typeof DATA.options>, io: CommandIo): Promise<number> {
  let summary: DatasetSummary;
  try {
    const dataset = await loadDatasetFromSpec(positionals[0]);
    const split = splitDataset(dataset, { seed: values.seed, validationFraction: values.validation, testFraction: values.test });
    summary = summariseSplits(split);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    io.stderr(`aom-studio data: ${error.message}\n`);
    return 1;
  }
  io.stdout(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  return 0;
}

const percent = (f: number) => `${+(f * 100).toFixed(2)}%`;

/** The readable form: a header block, then one row per class. */
export function formatSummary(s: DatasetSummary): string {
  const [h, w, c] = s.imageShape;
  const lines = [
    `dataset        ${s.name}`,
    `images         ${h}x${w}x${c} (height x width x channels, ${c === 1 ? 'grey' : 'RGB'})`,
    `classes        ${s.classNames.length}`,
    `splits         seed ${s.seed}; validation ${percent(s.validationFraction)} of the training images (class-stratified); ` +
      (s.testFraction === null ? "test: the source's own" : `test carved: ${percent(s.testFraction)} of the training images`),
    `normalisation  mean ${s.normalisation.mean.map((v) => v.toFixed(4)).join(' ')}, std ${s.normalisation.std.map((v) => v.toFixed(4)).join(' ')} (of pixel/255, training split)`,
    `GPU memory     ${formatBytes(s.gpuBytes.total)} (images ${formatBytes(s.gpuBytes.images)}, labels ${formatBytes(s.gpuBytes.labels)})`,
    ...s.notes.map((note, i) => `${i === 0 ? 'notes' : ''}`.padEnd(15) + note),
    '',
  ];
  const { train, validation, test } = s.counts;
  const rows: [string, number[]][] = s.perClass.map((k) => [k.className, [k.train, k.validation, k.test, k.train + k.validation + k.test]]);
  rows.push(['total', [train, validation, test, train + validation + test]]);
  const columns = ['train', 'validation', 'test', 'total'];
  // Each column is as wide as its header or its widest number (the totals), plus two spaces.
  const widths = columns.map((col, i) => Math.max(col.length, String(rows[rows.length - 1][1][i]).length) + 2);
  const nameWidth = Math.max(5, ...s.classNames.map((n) => n.length));
  const line = (name: string, cells: string[]) => `${name.padEnd(nameWidth)}${cells.map((cell, i) => cell.padStart(widths[i])).join('')}`;
  lines.push(line('class', columns));
  for (const [name, values] of rows) lines.push(line(name, values.map(String)));
  return `${lines.join('\n')}\n`;
}
