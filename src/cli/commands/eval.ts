/**
 * `aom-studio eval --model <model.json> --dataset <spec> [--split test] [--batch B] [--json]`: accuracy, loss,
 * per-class accuracy and the confusion matrix of a saved model on one split of a dataset.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { Evaluator } from '../../nn/evaluator.ts';
import { numberOption, option, parseArgs, UsageError } from '../args.ts';
import type { CommandIo } from '../main.ts';
import { checkModelFitsDataset, DEFAULT_SPLIT_SEED, loadSplit, resolveModel, splitIndices } from '../session.ts';

export async function evalCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: ['model', 'dataset', 'split', 'batch', 'split-seed'], flags: ['json'] });
  const modelArg = option(args, 'model');
  const datasetArg = option(args, 'dataset');
  if (!modelArg || !datasetArg) throw new UsageError('eval needs --model <model.json> and --dataset <spec>');
  const splitName = option(args, 'split') ?? 'test';
  const split = await loadSplit(datasetArg, numberOption(args, 'split-seed', DEFAULT_SPLIT_SEED));
  const { model } = await resolveModel(modelArg, split, 1);
  checkModelFitsDataset(model, split);
  const indices = splitIndices(split, splitName);
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset);
  const evaluator = await Evaluator.create(ctx, model, data, numberOption(args, 'batch', 256));
  const result = await evaluator.evaluate(indices);
  evaluator.destroy();
  data.destroy();
  ctx.destroy();
  const classNames = split.dataset.classNames;
  if (args.flags.has('json')) {
    io.stdout(JSON.stringify({ model: model.spec.name, dataset: split.dataset.name, split: splitName, classNames, ...result }, null, 2) + '\n');
    return 0;
  }
  io.stdout(`${model.spec.name} on ${split.dataset.name} (${splitName}, ${result.count} images): accuracy ${(100 * result.accuracy).toFixed(2)}%, loss ${result.loss.toFixed(4)}\n`);
  io.stdout('per-class accuracy:\n');
  classNames.forEach((name, c) => io.stdout(`  ${name.padEnd(14)} ${(100 * result.perClassAccuracy[c]).toFixed(2).padStart(6)}%\n`));
  io.stdout('confusion (rows: true class, columns: predicted):\n');
  for (const row of result.confusion.slice(0, classNames.length)) io.stdout(`  ${row.map((n) => String(n).padStart(5)).join('')}\n`);
  return 0;
}
