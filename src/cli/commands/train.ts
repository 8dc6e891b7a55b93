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
import { describeModel, summarizeModel } from '../../nn/shapes.ts';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../../nn/train-config.ts';
import { train, TrainingControl, type TrainEvent } from '../../nn/trainer.ts';
import { ARCHITECTURES } from '../../nn/architectures.ts';
import { initModel } from '../../nn/init.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { formatSeconds, progressBar } from '../progress.ts';
import { DATASET_OPTION, SPLIT_SEED_OPTION, GPU_BUDGET_OPTION, gpuBudget } from '../shared-options.ts';
import { loadDataset, loadModelAndSplit } from '../session.ts';
import { splitForModel, withSplitRecord } from '../../session/split-policy.ts';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../../io/checkpoint-files-node.ts';
import { datasetFingerprint, describeFingerprint, sameDataset } from '../../data/fingerprint.ts';
import type { SplitDataset } from '../../data/splits.ts';
import type { Model } from '../../nn/layers.ts';
import type { TrainCheckpoint } from '../../nn/checkpoint.ts';
import { UsageError } from '../usage-error.ts';

const D = DEFAULT_TRAIN_CONFIG;

const TRAIN = {
  name: 'train',
  summary: 'train a model on a dataset; save it (model.json + weight shards) and its metrics',
  options: {
    model: { type: 'string', value: 'NAME|PATH', description: `a built-in architecture (${Object.keys(ARCHITECTURES).join(', ')}: fresh weights) or a model.json or .onnx file to fine-tune (required unless --resume)` },
    dataset: { ...DATASET_OPTION, required: false, description: `${DATASET_OPTION.description} (required unless --resume, which reloads the checkpoint's)` },
    out: { type: 'string', value: 'DIR', description: 'folder to write model.json, its weight shards, metrics.json and the checkpoint into (required unless --resume, which writes into DIR)' },
    resume: { type: 'string', value: 'DIR', description: 'continue the run whose checkpoint is in DIR (written at the end of every epoch and on Ctrl-C): same model, data and settings; --epochs may raise the total' },
    epochs: { type: 'string', number: 'integer', min: 1, defaultText: `${D.epochs} (with --resume: the checkpoint's)`, value: 'N', description: 'epochs to train, in all' },
    batch: { type: 'string', number: 'integer', min: 1, default: D.batchSize, value: 'B', description: 'images per training step' },
    optimizer: { type: 'string', choices: ['sgd', 'adam'], default: D.optimizer, value: 'NAME', description: 'the optimizer (adam with --weight-decay is AdamW)' },
    lr: { type: 'string', number: 'real', above: 0, default: D.lr, value: 'X', description: 'base learning rate' },
    momentum: { type: 'string', number: 'real', min: 0, below: 1, default: D.momentum, value: 'M', description: 'SGD momentum (0: plain SGD)' },
    'weight-decay': { type: 'string', number: 'real', min: 0, default: D.weightDecay, value: 'W', description: 'weight decay (SGD: L2 in the gradient; Adam: decoupled)' },
    schedule: { type: 'string', choices: ['constant', 'step', 'cosine'], default: D.schedule, value: 'NAME', description: `learning-rate schedule (step: x${D.stepGamma} every ${D.stepEpochs} epochs)` },
    augment: { type: 'boolean', description: 'random crop (zero padding) and horizontal flip, for CIFAR-style data' },
    'fresh-weights': { type: 'boolean', description: "train the --model file's architecture from fresh (seeded) weights instead of its own: the control run beside a Net2Net widen or deepen" },
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, default: D.seed, value: 'S', description: 'seed of initialisation, shuffling, dropout and augmentation' },
    'split-seed': SPLIT_SEED_OPTION,
    validation: { type: 'string', number: 'real', min: 0, below: 1, defaultText: '0.1', value: 'F', description: 'fraction of the training images held out for validation' },
    'max-steps': { type: 'string', number: 'integer', min: 0, default: D.maxSteps, value: 'N', description: 'at most N steps per epoch (0: whole epochs)' },
    'log-every': { type: 'string', number: 'integer', min: 1, default: D.logEvery, value: 'N', description: 'report loss and accuracy every N steps' },
    'gpu-budget': GPU_BUDGET_OPTION,
    json: { type: 'boolean', description: 'one JSON object per line (start, step, epoch, done) instead of a progress bar' },
  },
  notes: [
    'Trains on the training split (validation evaluated after each epoch), evaluates the test split at the end, and writes <out>/model.json, ' +
      'its weight shards and <out>/metrics.json. Ctrl-C stops after the current step and saves what was trained.',
    'A checkpoint (<out>/checkpoint.json + checkpoint.bin: weights, optimizer state, position, metrics) is written at the end of every epoch ' +
      'and on Ctrl-C; --resume <out> continues from it and ends with the same weights, bit for bit, as a run never stopped.',
  ],
  examples: [
    'aom-studio train --model mnist-ref --dataset mnist --epochs 3 --out runs/mnist-ref',
    'aom-studio train --model cifar-ref --dataset cifar10:cifar-10-binary.tar.gz --epochs 30 --augment --schedule cosine --out runs/cifar-ref',
    'aom-studio train --resume runs/cifar-ref',
    'aom-studio train --model runs/widened/model.json --fresh-weights --dataset mnist --epochs 3 --out runs/widened-from-scratch',
  ],
} as const satisfies CommandSpec;

export const trainCommand = defineCommand(TRAIN, runTrain);

async function runTrain({ values, argv }: CommandLine<typeof TRAIN.options>, io: CommandIo): Promise<number> {
  const json = values.json;
  if (values.resume !== undefined) return resumeTrain(values.resume, values, argv, io);
  const modelArg = values.model;
  const datasetArg = values.dataset;
  const out = values.out;
  if (modelArg === undefined || datasetArg === undefined || out === undefined) {
    throw new UsageError(`missing ${[modelArg ?? '--model NAME|PATH', datasetArg ?? '--dataset SPEC', out ?? '--out DIR'].filter((x) => x.startsWith('--')).join(', ')} (required unless --resume DIR)`);
  }
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    epochs: values.epochs ?? D.epochs,
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

  const loaded = await loadModelAndSplit(
    { model: modelArg, dataset: datasetArg, seed: config.seed, choice: { seed: values['split-seed'], validationFraction: values.validation } },
    io,
  );
  const { split } = loaded;
  // Same architecture and split record, weights drawn as a built-in architecture's are (He-uniform from --seed).
  const model = values['fresh-weights'] ? { spec: loaded.model.spec, weights: initModel(loaded.model.spec, config.seed).weights } : loaded.model;
  return runTraining({ model, split, config, datasetSpec: datasetArg, out, json, argv, resume: undefined, gpuBudget: values['gpu-budget'] }, io);
}

/** `--resume DIR`: the model, data, split and settings come from DIR's checkpoint; only --epochs may change. */
async function resumeTrain(dir: string, values: CommandLine<typeof TRAIN.options>["values"], argv: readonly string[], io: CommandIo): Promise<number> {
  if (values.model !== undefined) throw new UsageError('--resume takes the model from its checkpoint; leave out --model');
  const { checkpoint, datasetSpec: recorded } = await loadCheckpoint(dir);
  const datasetSpec = values.dataset ?? recorded;
  const dataset = await loadDataset(datasetSpec);
  const given = datasetFingerprint(dataset);
  if (!sameDataset(checkpoint.split.dataset, given)) {
    throw new CheckpointError(`${dir}/checkpoint.json: the run trains on ${describeFingerprint(checkpoint.split.dataset)}, not on ${describeFingerprint(given)} (${datasetSpec})`);
  }
  const split = splitForModel(dataset, { name: checkpoint.spec.name, split: checkpoint.split }).split;
  const config: TrainConfig = { ...checkpoint.config, epochs: values.epochs ?? checkpoint.config.epochs };
  checkTrainConfig(config);
  const model = { spec: checkpoint.spec, weights: checkpoint.weights };
  io.stdout(`resuming ${checkpoint.spec.name} from ${dir}: after ${checkpoint.step} steps (epoch ${checkpoint.epoch + 1}, step ${checkpoint.stepInEpoch}) of ${config.epochs} epoch(s)\n`);
  return runTraining({ model, split, config, datasetSpec, out: values.out ?? dir, json: values.json, argv, resume: checkpoint, gpuBudget: values['gpu-budget'] }, io);
}

interface TrainingRun {
  model: Model;
  split: SplitDataset;
  config: TrainConfig;
  datasetSpec: string;
  out: string;
  json: boolean | undefined;
  argv: readonly string[];
  resume: TrainCheckpoint | undefined;
  /** --gpu-budget, MiB. */
  gpuBudget: number;
}

async function runTraining(run: TrainingRun, io: CommandIo): Promise<number> {
  const { model, split, config, out, json, argv } = run;
  await mkdir(out, { recursive: true });
  const summary = summarizeModel(model.spec);
  const ctx = await acquireGpu();
  const data = GpuDataset.upload(ctx, split.dataset, gpuBudget(run.gpuBudget));
  const emit = (record: object) => io.stdout(JSON.stringify(record) + '\n');
  const tty = !json && process.stdout.isTTY;
  if (json) emit({ type: 'start', adapter: ctx.adapterName, model: model.spec.name, params: summary.totalParams, dataset: split.dataset.name, train: split.train.length, validation: split.validation.length, test: split.test.length, config });
  else {
    io.stdout(`${describeModel(model.spec)}\n\n`);
    io.stdout(`training ${model.spec.name} (${summary.totalParams.toLocaleString('en')} parameters) on ${split.dataset.name}: ${split.train.length} train / ${split.validation.length} validation / ${split.test.length} test images\nadapter: ${ctx.adapterName}\n`);
  }

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
  const result = await train(ctx, model, data, split, config, onEvent, control, {
    resume: run.resume,
    onCheckpoint: (checkpoint) => saveCheckpoint(out, checkpoint, run.datasetSpec),
  });
  process.off('SIGINT', onSigint);
  // The split is recorded with the weights: every later eval, analyze and the page use the same held-out images.
  const trained = withSplitRecord({ spec: model.spec, weights: result.weights }, split);

  let test = null;
  if (split.test.length > 0 && result.ended !== 'device-lost') {
    const evaluator = await InferenceRunner.create(ctx, trained, data, 256);
    test = await evaluator.evaluate(split.test);
    evaluator.destroy();
  }
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
