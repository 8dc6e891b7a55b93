/**
 * `aom-studio data <spec> [--json] [--seed S] [--validation F] [--test F]`: loads a dataset, splits it as
 * training would, and prints its name, image shape, class names, counts per split and per class, the
 * normalisation and the GPU memory it takes (a readable table, or JSON with --json).
 */
import { formatBytes } from '../../gpu/context.ts';
import { DatasetError } from '../../data/dataset-error.ts';
import { DATASET_SPEC_HELP, loadDatasetFromSpec } from '../../data/spec.ts';
import { splitDataset } from '../../data/splits.ts';
import { summariseSplits, type DatasetSummary } from '../../data/summary.ts';
import { option, parseArgs, UsageError } from '../args.ts';

export interface DataCommandIo {
  stdout: (text: string) => void;
  /** Errors go here when given, else to stdout. */
  stderr?: (text: string) => void;
}

const USAGE = `usage: aom-studio data <spec> [--json] [--seed S] [--validation F] [--test F]
  <spec>          ${DATASET_SPEC_HELP}
  --json          print JSON instead of a table
  --seed S        split seed (integer, default 0)
  --validation F  fraction of the training images held out for validation (default 0.1)
  --test F        fraction carved out for test when the source has no test split (default 0.1)
`;

interface DataArgs {
  spec: string;
  json: boolean;
  seed: number;
  validation?: number;
  test?: number;
}

/** The command's arguments, or a usage problem in words. */
function readArgs(argv: string[]): DataArgs | string {
  let args;
  try {
    args = parseArgs(argv, { values: ['seed', 'validation', 'test'], flags: ['json'] });
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  if (args.positionals.length === 0) return 'missing the dataset spec';
  if (args.positionals.length > 1) return `unexpected argument '${args.positionals[1]}' (one dataset spec only)`;
  const seedText = option(args, 'seed') ?? '0';
  const seed = Number(seedText);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return `--seed must be an integer in 0..4294967295, got '${seedText}'`;
  const fractions: { validation?: number; test?: number } = {};
  for (const name of ['validation', 'test'] as const) {
    const text = option(args, name);
    if (text === undefined) continue;
    const fraction = Number(text);
    if (!(fraction >= 0 && fraction < 1)) return `--${name} must be a fraction in [0, 1), got '${text}'`;
    fractions[name] = fraction;
  }
  return { spec: args.positionals[0], json: args.flags.has('json'), seed, ...fractions };
}

export async function dataCommand(args: string[], io: DataCommandIo): Promise<number> {
  const stderr = io.stderr ?? io.stdout;
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = readArgs(args);
  if (typeof parsed === 'string') {
    stderr(`aom-studio data: ${parsed}\n${USAGE}`);
    return 2;
  }
  let summary: DatasetSummary;
  try {
    const dataset = await loadDatasetFromSpec(parsed.spec);
    const split = splitDataset(dataset, { seed: parsed.seed, validationFraction: parsed.validation, testFraction: parsed.test });
    summary = summariseSplits(split);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    stderr(`aom-studio data: ${error.message}\n`);
    return 1;
  }
  io.stdout(parsed.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
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
