/**
 * `aom-studio eval --model <model.json> --dataset <spec> [--split test] [--batch B] [--json]`: accuracy, loss,
 * per-class accuracy and the confusion matrix of a saved model on one split of a dataset.
 */
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { InferenceRunner } from '../../nn/inference-runner.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { DATASET_OPTION, GPU_BUDGET_OPTION, gpuBudget, JSON_OPTION, SPLIT_OPTION, SPLIT_SEED_OPTION } from '../shared-options.ts';
import { loadModelAndSplit, splitIndices } from '../session.ts';

const EVAL = {
  name: 'eval',
  summary: 'evaluate a model on one split of a dataset: accuracy, loss, per-class accuracy, confusion matrix',
  options: {
    model: { type: 'string', value: 'PATH', required: true, description: 'the model.json or .onnx file to evaluate' },
    dataset: DATASET_OPTION,
    split: { ...SPLIT_OPTION, description: 'the split to evaluate' },
    batch: { type: 'string', number: 'integer', min: 1, default: 256, value: 'B', description: 'images per GPU batch' },
    'split-seed': SPLIT_SEED_OPTION,
    'gpu-budget': GPU_BUDGET_OPTION,
    json: JSON_OPTION,
  },
  examples: ['aom-studio eval --model runs/mnist-ref/model.json --dataset mnist', 'aom-studio eval --model src/models/mnist-ref/model.json --dataset mnist --split validation --json'],
} as const satisfies CommandSpec;

export const evalCommand = defineCommand(EVAL, runEval);

async function runEval({ values }: CommandLine<typeof EVAL.options>, io: CommandIo): Promise<number> {
  const modelArg = values.model;
  const datasetArg = values.dataset;
  const splitName = values.split;
  const { model, split } = await loadModelAndSplit({ model: modelArg, dataset: datasetArg, seed: 1, choice: { seed: values['split-seed'] } }, io);
  const indices = splitIndices(split, splitName);
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset, { indices, ...gpuBudget(values['gpu-budget']) }); // the images evaluated, no others
  const evaluator = await InferenceRunner.create(ctx, model, data, values.batch);
  const result = await evaluator.evaluate(indices);
  evaluator.destroy();
  data.destroy();
  ctx.destroy();
  const classNames = split.dataset.classNames;
  if (values.json) {
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
