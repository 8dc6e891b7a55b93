/**
 * `aom-studio predict --model <model.json> --dataset <spec> [--split test] [--limit N] --out <logits.npy>`: writes
 * the model's logits (pre-softmax scores) as a float32 .npy array of shape [N, classes], rows in dataset order
 * (the split's images by ascending index).
 */
import { writeFile } from 'node:fs/promises';
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { encodeNpy } from '../../io/npy.ts';
import { InferenceRunner } from '../../nn/inference-runner.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { DATASET_OPTION, SPLIT_OPTION, SPLIT_SEED_OPTION, GPU_BUDGET_OPTION, gpuBudget } from '../shared-options.ts';
import { loadModelAndSplit, splitIndices } from '../session.ts';

const PREDICT = {
  name: 'predict',
  summary: "write a model's logits on one split of a dataset as a float32 .npy array [images, classes]",
  options: {
    model: { type: 'string', value: 'PATH', required: true, description: 'the model.json or .onnx file to run' },
    dataset: DATASET_OPTION,
    split: { ...SPLIT_OPTION, description: 'the split whose images to run, in ascending index order' },
    limit: { type: 'string', number: 'integer', min: 1, value: 'N', defaultText: 'the whole split', description: 'only the first N images of the split' },
    out: { type: 'string', value: 'FILE', required: true, description: 'the .npy file to write' },
    batch: { type: 'string', number: 'integer', min: 1, default: 256, value: 'B', description: 'images per GPU batch' },
    'split-seed': SPLIT_SEED_OPTION,
    'gpu-budget': GPU_BUDGET_OPTION,
    json: { type: 'boolean', description: 'print a one-line JSON summary instead of text' },
  },
  examples: ['aom-studio predict --model runs/mnist-ref/model.json --dataset mnist --limit 100 --out logits.npy'],
} as const satisfies CommandSpec;

export const predictCommand = defineCommand(PREDICT, runPredict);

async function runPredict({ values }: CommandLine<typeof PREDICT.options>, io: CommandIo): Promise<number> {
  const modelArg = values.model;
  const datasetArg = values.dataset;
  const out = values.out;
  const { model, split } = await loadModelAndSplit({ model: modelArg, dataset: datasetArg, seed: 1, choice: { seed: values['split-seed'] } }, io);
  const all = splitIndices(split, values.split);
  const limit = values.limit ?? all.length;
  const indices = all.subarray(0, Math.min(limit, all.length));
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset, { indices, ...gpuBudget(values['gpu-budget']) }); // the images predicted, no others
  const evaluator = await InferenceRunner.create(ctx, model, data, Math.min(values.batch, indices.length));
  const classes = evaluator.network.classCount;
  const logits = new Float32Array(indices.length * classes);
  const result = await evaluator.evaluate(indices, {
    onBatch: async (rows, start) => logits.set(await ctx.readFloat32(evaluator.network.logits, rows * classes), start * classes),
  });
  evaluator.destroy();
  data.destroy();
  ctx.destroy();
  await writeFile(out, encodeNpy(logits, [indices.length, classes]));
  const summary = { out, shape: [indices.length, classes], dtype: 'float32', accuracy: result.accuracy };
  io.stdout(values.json ? JSON.stringify(summary) + '\n' : `wrote ${out}: float32 logits [${indices.length}, ${classes}] (accuracy ${(100 * result.accuracy).toFixed(2)}%)\n`);
  return 0;
}
