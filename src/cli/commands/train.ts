/**
 * `aom-studio train --model <mnist-ref|cifar-ref|path/model.json> --dataset <spec> [--epochs N] [--batch B]
 *   [--optimizer sgd|adam] [--lr X] [--momentum M] [--weight-decay W] [--schedule constant|step|cosine]
 *   [--augment] [--seed S] [--split-seed S] [--max-steps N] --out <dir> [--json]
 * --seed drives initialisation, shuffling, dropout and augmentation; --split-seed the train/validation split.`
 * Trains on the training split (validation evaluated each epoch), evaluates the test split at the end, and writes
 * <out>/model.json + weight shards and <out>/metrics.json. Progress: a bar with ETA on a terminal, plain lines
 * otherwise, one JSON object per line with --json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireGpu } from '../../gpu/device.ts';
import { GpuDataset } from '../../data/gpu-dataset.ts';
import { saveModelDir } from '../../io/model-files-node.ts';
import { Evaluator } from '../../nn/evaluator.ts';
import { summarizeModel } from '../../nn/shapes.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type OptimizerName, type ScheduleName, type TrainConfig } from '../../nn/train-config.ts';
import { train, TrainingControl, type TrainEvent } from '../../nn/trainer.ts';
import { numberOption, option, parseArgs, UsageError } from '../args.ts';
import type { CommandIo } from '../main.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import { checkModelFitsDataset, DEFAULT_SPLIT_SEED, loadSplit, resolveModel } from '../session.ts';

export async function trainCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, {
    values: ['model', 'dataset', 'epochs', 'batch', 'optimizer', 'lr', 'momentum', 'weight-decay', 'schedule', 'seed', 'out', 'max-steps', 'log-every', 'validation', 'split-seed'],
    flags: ['json', 'augment'],
  });
  const modelArg = option(args, 'model');
  const datasetArg = option(args, 'dataset');
  const out = option(args, 'out');
  if (!modelArg || !datasetArg || !out) throw new UsageError('train needs --model, --dataset and --out');
  const json = args.flags.has('json');
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    epochs: numberOption(args, 'epochs', DEFAULT_TRAIN_CONFIG.epochs),
    batchSize: numberOption(args, 'batch', DEFAULT_TRAIN_CONFIG.batchSize),
    optimizer: (option(args, 'optimizer') ?? DEFAULT_TRAIN_CONFIG.optimizer) as OptimizerName,
    lr: numberOption(args, 'lr', DEFAULT_TRAIN_CONFIG.lr),
    momentum: numberOption(args, 'momentum', DEFAULT_TRAIN_CONFIG.momentum),
    weightDecay: numberOption(args, 'weight-decay', DEFAULT_TRAIN_CONFIG.weightDecay),
    schedule: (option(args, 'schedule') ?? DEFAULT_TRAIN_CONFIG.schedule) as ScheduleName,
    seed: numberOption(args, 'seed', DEFAULT_TRAIN_CONFIG.seed),
    augment: args.flags.has('augment'),
    maxSteps: numberOption(args, 'max-steps', 0),
    logEvery: numberOption(args, 'log-every', DEFAULT_TRAIN_CONFIG.logEvery),
  };
  checkTrainConfig(config);

  const split = await loadSplit(datasetArg, numberOption(args, 'split-seed', DEFAULT_SPLIT_SEED), args.options.has('validation') ? numberOption(args, 'validation', 0.1) : undefined);
  const { model } = await resolveModel(modelArg, split, config.seed);
  checkModelFitsDataset(model, split);
  const summary = summarizeModel(model.spec);
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset);
  const emit = (record: object) => io.stdout(JSON.stringify(record) + '\n');
  const tty = !json && process.stdout.isTTY;
  if (json) emit({ type: 'start', adapter: ctx.adapterName, model: model.spec.name, params: summary.totalParams, dataset: split.dataset.name, train: split.train.length, validation: split.validation.length, test: split.test.length, config });
  else io.stdout(`training ${model.spec.name} (${summary.totalParams.toLocaleString('en')} parameters) on ${split.dataset.name}: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test images\nadapter: ${ctx.adapterName}\n`);

  const control = new TrainingControl();
  const onSigint = () => {
    io.stderr('\nstopping after the current step (Ctrl-C again to abort)...\n');
    control.stop();
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  const onEvent = (e: TrainEvent) => {
    if (json) return emit(e.type === 'epoch' ? { ...e, validation: e.validation && { loss: e.validation.loss, accuracy: e.validation.accuracy } } : e);
    if (e.type === 'step') {
      const line = `epoch ${e.epoch} ${progressBar(e.step, e.totalSteps)} loss ${e.loss.toFixed(4)} acc ${(100 * e.accuracy).toFixed(1)}% ${e.imagesPerSecond.toFixed(0)} img/s ETA ${formatSeconds(e.etaSeconds)}`;
      io.stdout(tty ? `\r${line}` : `${line}\n`);
    } else if (e.type === 'epoch') {
      const v = e.validation ? ` validation loss ${e.validation.loss.toFixed(4)} acc ${(100 * e.validation.accuracy).toFixed(2)}%` : '';
      io.stdout(`${tty ? '\n' : ''}epoch ${e.epoch}/${e.epochs}: train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(2)}%${v} (${e.seconds.toFixed(1)} s, ${e.imagesPerSecond.toFixed(0)} img/s)\n`);
    }
  };
  const result = await train(ctx, model, data, split, config, onEvent, control);
  process.off('SIGINT', onSigint);
  const trained = { spec: model.spec, weights: result.weights };

  let test = null;
  if (split.test.length > 0 && result.ended !== 'device-lost') {
    const evaluator = await Evaluator.create(ctx, trained, data, 256);
    test = await evaluator.evaluate(split.test);
    evaluator.destroy();
  }
  await mkdir(out, { recursive: true });
  const files = await saveModelDir(trained, out);
  const trainImages = result.steps * config.batchSize;
  const metrics = {
    model: model.spec.name, dataset: split.dataset.name, adapter: ctx.adapterName, command: `aom-studio train ${argv.join(' ')}`,
    config, params: summary.totalParams, flops: summary.totalFlops, ended: result.ended, message: result.message,
    steps: result.steps, seconds: result.seconds, imagesPerSecond: trainImages / result.seconds,
    epochs: result.epochs,
    test: test && { count: test.count, loss: test.loss, accuracy: test.accuracy, perClassAccuracy: test.perClassAccuracy },
  };
  await writeFile(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  if (json) emit({ type: 'done', ended: result.ended, message: result.message, test: metrics.test, files: [...files, join(out, 'metrics.json')] });
  else {
    if (test) io.stdout(`test: loss ${test.loss.toFixed(4)} accuracy ${(100 * test.accuracy).toFixed(2)}% on ${test.count} images\n`);
    io.stdout(`${result.message}; saved ${out}/model.json and metrics.json (${(trainImages / result.seconds).toFixed(0)} training images/s)\n`);
  }
  data.destroy();
  ctx.destroy();
  if (result.ended === 'diverged' || result.ended === 'device-lost') {
    io.stderr(`aom-studio train: ${result.message}\n`);
    return 1;
  }
  return 0;
}
