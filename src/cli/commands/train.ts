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
import { InferenceRunner } from '../../nn/inference-runner.ts';
import { summarizeModel } from '../../nn/shapes.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../../nn/train-config.ts';
import { train, TrainingControl, type TrainEvent } from '../../nn/trainer.ts';
import { ARCHITECTURES } from '../../nn/architectures.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import { DATASET_OPTION, SPLIT_SEED_OPTION } from '../shared-options.ts';
import { loadModelAndSplit } from '../session.ts';
import { withSplitRecord } from '../../session/split-policy.ts';

const D = DEFAULT_TRAIN_CONFIG;

const TRAIN = {
  name: 'train',
  summary: 'train a model on a dataset; save it (model.json + weight shards) and its metrics',
  options: {
    model: { type: 'string', value: 'NAME|PATH', required: true, description: `a built-in architecture (${Object.keys(ARCHITECTURES).join(', ')}: fresh weights) or a model.json to fine-tune` },
    dataset: DATASET_OPTION,
    out: { type: 'string', value: 'DIR', required: true, description: 'folder to write model.json, its weight shards and metrics.json into' },
    epochs: { type: 'string', number: 'integer', min: 1, default: D.epochs, value: 'N', description: 'epochs to train' },
    batch: { type: 'string', number: 'integer', min: 1, default: D.batchSize, value: 'B', description: 'images per training step' },
    optimizer: { type: 'string', choices: ['sgd', 'adam'], default: D.optimizer, value: 'NAME', description: 'the optimizer (adam with --weight-decay is AdamW)' },
    lr: { type: 'string', number: 'real', above: 0, default: D.lr, value: 'X', description: 'base learning rate' },
    momentum: { type: 'string', number: 'real', min: 0, below: 1, default: D.momentum, value: 'M', description: 'SGD momentum (0: plain SGD)' },
    'weight-decay': { type: 'string', number: 'real', min: 0, default: D.weightDecay, value: 'W', description: 'weight decay (SGD: L2 in the gradient; Adam: decoupled)' },
    schedule: { type: 'string', choices: ['constant', 'step', 'cosine'], default: D.schedule, value: 'NAME', description: `learning-rate schedule (step: x${D.stepGamma} every ${D.stepEpochs} epochs)` },
    augment: { type: 'boolean', description: 'random crop (zero padding) and horizontal flip, for CIFAR-style data' },
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, default: D.seed, value: 'S', description: 'seed of initialisation, shuffling, dropout and augmentation' },
    'split-seed': SPLIT_SEED_OPTION,
    validation: { type: 'string', number: 'real', min: 0, below: 1, defaultText: '0.1', value: 'F', description: 'fraction of the training images held out for validation' },
    'max-steps': { type: 'string', number: 'integer', min: 0, default: D.maxSteps, value: 'N', description: 'stop after the first epoch that reaches N steps (0: whole epochs)' },
    'log-every': { type: 'string', number: 'integer', min: 1, default: D.logEvery, value: 'N', description: 'report loss and accuracy every N steps' },
    json: { type: 'boolean', description: 'one JSON object per line (start, step, epoch, done) instead of a progress bar' },
  },
  notes: [
    'Trains on the training split (validation evaluated after each epoch), evaluates the test split at the end, and writes <out>/model.json, ' +
      'its weight shards and <out>/metrics.json. Ctrl-C stops after the current step and saves what was trained.',
  ],
  examples: [
    'aom-studio train --model mnist-ref --dataset mnist --epochs 3 --out runs/mnist-ref',
    'aom-studio train --model cifar-ref --dataset cifar10:cifar-10-binary.tar.gz --epochs 30 --augment --schedule cosine --out runs/cifar-ref',
  ],
} as const satisfies CommandSpec;

export const trainCommand = defineCommand(TRAIN, runTrain);

async function runTrain({ values, argv }: CommandLine<typeof TRAIN.options>, io: CommandIo): Promise<number> {
  const modelArg = values.model;
  const datasetArg = values.dataset;
  const out = values.out;
  const json = values.json;
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    epochs: values.epochs,
    batchSize: values.batch,
    optimizer: values.optimizer,
    lr: values.lr,
    momentum: values.momentum,
    weightDecay: values['weight-decay'],
    schedule: values.schedule,
    seed: values.seed,
    augment: values.augment,
    maxSteps: values['max-steps'],
    logEvery: values['log-every'],
  };
  checkTrainConfig(config);

  const { model, split } = await loadModelAndSplit(
    { model: modelArg, dataset: datasetArg, seed: config.seed, choice: { seed: values['split-seed'], validationFraction: values.validation } },
    io,
  );
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
  // The split is recorded with the weights: every later eval, analyze and the page use the same held-out images.
  const trained = withSplitRecord({ spec: model.spec, weights: result.weights }, split);

  let test = null;
  if (split.test.length > 0 && result.ended !== 'device-lost') {
    const evaluator = await InferenceRunner.create(ctx, trained, data, 256);
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
