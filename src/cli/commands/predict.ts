/**
 * `aom-studio predict --model <model.json> --dataset <spec> [--split test] [--limit N] --out <logits.npy>`: writes
 * the model's logits (pre-softmax scores) as a float32 .npy array of shape [N, classes], rows in dataset order
 * (the split's images by ascending index).
 */
import { writeFile } from 'node:fs/promises';
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { encodeNpy } from '../../io/npy.ts';
import { Evaluator } from '../../nn/evaluator.ts';
import { numberOption, option, parseArgs, UsageError } from '../args.ts';
import type { CommandIo } from '../main.ts';
import { checkModelFitsDataset, DEFAULT_SPLIT_SEED, loadSplit, resolveModel, splitIndices } from '../session.ts';

export async function predictCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, { values: ['model', 'dataset', 'split', 'limit', 'out', 'batch', 'split-seed'], flags: ['json'] });
  const modelArg = option(args, 'model');
  const datasetArg = option(args, 'dataset');
  const out = option(args, 'out');
  if (!modelArg || !datasetArg || !out) throw new UsageError('predict needs --model <model.json>, --dataset <spec> and --out <logits.npy>');
  const split = await loadSplit(datasetArg, numberOption(args, 'split-seed', DEFAULT_SPLIT_SEED));
  const { model } = await resolveModel(modelArg, split, 1);
  checkModelFitsDataset(model, split);
  const all = splitIndices(split, option(args, 'split') ?? 'test');
  const limit = numberOption(args, 'limit', all.length);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got ${limit}`);
  const indices = all.subarray(0, Math.min(limit, all.length));
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset);
  const evaluator = await Evaluator.create(ctx, model, data, Math.min(numberOption(args, 'batch', 256), indices.length));
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
  io.stdout(args.flags.has('json') ? JSON.stringify(summary) + '\n' : `wrote ${out}: float32 logits [${indices.length}, ${classes}] (accuracy ${(100 * result.accuracy).toFixed(2)}%)\n`);
  return 0;
}
