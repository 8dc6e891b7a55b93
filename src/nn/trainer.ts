/**
 * Mini-batch training on the GPU. One step is one command buffer: gather the batch from the GPU-resident dataset
 * (indices written by the CPU), forward, softmax cross-entropy, loss totals, backward, one optimizer update per
 * weight tensor. Every `logEvery` steps the CPU reads back two floats (summed loss and correct count of the window)
 * to report progress and to guard against a non-finite loss. The step before each read-back also copies its
 * pre-update weights aside on the GPU; when the window's loss is finite, that copy becomes the "last good"
 * weights (they just produced a finite loss). When it is not, training stops, the last good weights are restored,
 * and the result says so.
 *
 * Pause, resume and stop are cooperative: the trainer checks its control between steps.
 */
import type { GpuContext } from '../gpu/context.ts';
import { GpuDeviceLostError } from '../gpu/errors.ts';
import type { BatchGather, GpuDataset } from '../data/gpu-dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import { shuffleIndices } from '../data/splits.ts';
import type { Model, ModelWeights } from './layers.ts';
import { TrainStep } from './train-step.ts';
import type { EpochSummary, TrainCheckpoint } from './checkpoint.ts';
import { splitRecord } from '../data/splits.ts';
import type { EvaluationResult } from './evaluation-tally.ts';
import { InferenceRunner } from './inference-runner.ts';
import { requireModelFitsDataset } from './model-fit.ts';
import { checkTrainConfig, learningRate, type TrainConfig } from './train-config.ts';

export type TrainEvent =
  | { type: 'step'; epoch: number; step: number; totalSteps: number; loss: number; accuracy: number; lr: number; msPerStep: number; imagesPerSecond: number; etaSeconds: number }
  | { type: 'epoch'; epoch: number; epochs: number; trainLoss: number; trainAccuracy: number; validation: EvaluationResult | null; seconds: number; imagesPerSecond: number }
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number };

export interface TrainResult {
  weights: ModelWeights;
  /** Why training ended: all epochs, a stop request, or a non-finite loss (weights restored). */
  ended: 'completed' | 'stopped' | 'diverged' | 'device-lost';
  message: string;
  steps: number;
  epochs: EpochSummary[];
  seconds: number;
}

export type { EpochSummary, TrainCheckpoint };

/** Resuming and checkpointing (checkpoint.ts). */
export interface TrainOptions {
  /** Continue this run from its checkpoint (made by the same model, split and configuration, epochs aside). */
  resume?: TrainCheckpoint;
  /**
   * Called with a checkpoint at the end of every epoch and when the run stops early (Stop, Ctrl-C); the run waits
   * for it, so a checkpoint written to disk is complete before the next step.
   */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => Promise<void> | void;
}

/** Pause / resume / stop from another task (the page's buttons, Ctrl-C in the CLI). */
export class TrainingControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    this.wake?.();
  }
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }
  get isStopped(): boolean {
    return this.stopped;
  }
  get isPaused(): boolean {
    return this.paused;
  }
  /** Resolves when not paused (immediately if running). */
  async whilePaused(): Promise<void> {
    while (this.paused && !this.stopped) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
  }
}

export class NonFiniteLossError extends Error {
  override name = 'NonFiniteLossError';
}

/** Trains `model` on the training split of `data`; returns new weights (the input model is not modified). */
export async function train(
  ctx: GpuContext,
  model: Model,
  data: GpuDataset,
  split: SplitDataset,
  config: TrainConfig,
  onEvent: (event: TrainEvent) => void = () => {},
  control = new TrainingControl(),
  options: TrainOptions = {},
): Promise<TrainResult> {
  checkTrainConfig(config);
  const resume = options.resume;
  if (resume) checkResumable(resume, model, config);
  requireModelFitsDataset(model.spec, data.dataset);
  const B = config.batchSize;
  if (split.train.length < B) throw new RangeError(`the training split has ${split.train.length} images, fewer than one batch of ${B}`);
  const started = performance.now();
  const owned: GPUBuffer[] = [];
  const buffer = (label: string, bytes: number) => {
    const b = ctx.createBuffer(label, bytes);
    owned.push(b);
    return b;
  };
  // Forward, loss, backward and updates: planned by TrainStep, which the benchmarks time too.
  const trainStep = await TrainStep.create(ctx, resume ? { spec: model.spec, weights: resume.weights } : model, B, config);
  if (resume) {
    for (const [key, { buffer, count }] of trainStep.optimizerState) {
      const saved = resume.optimizerState[key];
      if (!saved || saved.length !== count) throw new RangeError(`the checkpoint's optimizer state has no ${count} values for '${key}'`);
      ctx.device.queue.writeBuffer(buffer, 0, saved.buffer, saved.byteOffset, saved.byteLength);
    }
  }
  const { network, labels, totals } = trainStep;
  let gather: BatchGather | null = null;
  let evaluator: InferenceRunner | null = null;
  try {
    gather = await data.planGather({
      batchSize: B,
      preprocessing: model.spec.preprocessing,
      augmentation: config.augment ? { padding: config.augmentPadding, flip: true } : undefined,
      output: { x: network.input, labels },
    });
    // Two weight copies (moving statistics included) that swap roles: `good` produced a finite loss; the step
    // before a read-back writes its pre-update weights into `candidate`.
    const slots = [...network.weights.values()];
    const copies = [0, 1].map((k) => slots.map((slot) => buffer(`weights copy ${k} ${slot.key}`, slot.count * 4)));
    let good = 0;
    const copyWeights = (encoder: GPUCommandEncoder, to: 'copy' | 'network', k: number) => {
      slots.forEach((slot, i) => {
        if (to === 'copy') encoder.copyBufferToBuffer(slot.value, 0, copies[k][i], 0, slot.count * 4);
        else encoder.copyBufferToBuffer(copies[k][i], 0, slot.value, 0, slot.count * 4);
      });
    };
    const initial = ctx.device.createCommandEncoder({ label: 'keep initial weights' });
    copyWeights(initial, 'copy', good);
    ctx.device.queue.submit([initial.finish()]);
    if (config.validate && split.validation.length > 0) {
      evaluator = await InferenceRunner.create(ctx, model, data, Math.min(256, Math.max(1, split.validation.length)));
    }

    const stepsPerEpoch = config.maxSteps > 0 ? Math.min(config.maxSteps, Math.floor(split.train.length / B)) : Math.floor(split.train.length / B);
    const totalSteps = stepsPerEpoch * config.epochs;
    const epochs: EpochSummary[] = resume ? resume.epochs.map((e) => ({ ...e })) : [];
    let step = resume?.step ?? 0;
    let ended: TrainResult['ended'] = 'completed';
    let message = `trained ${config.epochs} epoch(s), ${totalSteps} steps of ${B}`;
    const batchIndices = new Uint32Array(B);
    // CPU copy of the weights at the last epoch boundary: what survives a lost GPU device.
    let lastEpochWeights = resume?.weights ?? model.weights;
    const record = splitRecord(split);
    if (resume && JSON.stringify(resume.split) !== JSON.stringify(record)) {
      throw new RangeError(
        `the checkpoint trains on another split (seed ${resume.split.seed} of '${resume.split.dataset.name}' #${resume.split.dataset.hash}) ` +
          `than this one (seed ${record.seed} of '${record.dataset.name}' #${record.dataset.hash})`,
      );
    }
    /** The run's state after `stepInEpoch` steps of epoch `epoch` (read back from the GPU). */
    const checkpoint = async (epoch: number, stepInEpoch: number, partial: TrainCheckpoint['partial']): Promise<TrainCheckpoint> => {
      const optimizerState: Record<string, Float32Array> = {};
      for (const [key, { buffer, count }] of trainStep.optimizerState) optimizerState[key] = await ctx.readFloat32(buffer, count);
      return {
        spec: model.spec, config, split: record, epoch, stepInEpoch, step, weights: await network.readWeights(), optimizerState,
        epochs: epochs.map((e) => ({ ...e })), partial: { ...partial },
      };
    };
    let previousStepDone: Promise<void> | null = null;
    try {
    outer: for (let epoch = resume?.epoch ?? 0; epoch < config.epochs; epoch++) {
      const epochStart = performance.now();
      const order = shuffleIndices(split.train, (config.seed * 1000003 + epoch) >>> 0);
      let windowStart = performance.now();
      let windowSteps = 0;
      const resumed = resume && epoch === resume.epoch ? resume : null;
      let epochLoss = resumed?.partial.loss ?? 0;
      let epochCorrect = resumed?.partial.correct ?? 0;
      let epochSeen = resumed?.partial.seen ?? 0;
      for (let s = resumed?.stepInEpoch ?? 0; s < stepsPerEpoch; s++) {
        if (control.isPaused) {
          onEvent({ type: 'paused', step });
          await control.whilePaused();
          onEvent({ type: 'resumed', step });
          windowStart = performance.now();
        }
        if (control.isStopped) {
          ended = 'stopped';
          message = `stopped by request after ${step} steps`;
          // The steps since the last read-back are in the weights but not yet in the epoch's sums: read them now.
          if (windowSteps > 0) {
            const [lossSum, correctCount] = await ctx.readFloat32(totals, 2);
            epochLoss += lossSum;
            epochCorrect += correctCount;
            epochSeen += windowSteps * B;
          }
          await options.onCheckpoint?.(await checkpoint(epoch, s, { loss: epochLoss, correct: epochCorrect, seen: epochSeen }));
          break outer;
        }
        batchIndices.set(order.subarray(s * B, (s + 1) * B));
        const stepSeed = (Math.imul(config.seed, 0x85ebca6b) + step) >>> 0;
        gather.write(batchIndices, stepSeed);
        network.setDropoutSeed(stepSeed);
        const lr = learningRate(config, step, stepsPerEpoch, totalSteps);
        trainStep.setStep(lr, step + 1);
        const readBack = windowSteps + 1 === config.logEvery || s === stepsPerEpoch - 1;
        ctx.assertAlive();
        const encoder = ctx.device.createCommandEncoder({ label: `train step ${step + 1}` });
        trainStep.encode(encoder, {
          accumulate: windowSteps > 0,
          before: gather.calls,
          between: readBack ? (e) => copyWeights(e, 'copy', 1 - good) : undefined,
        });
        ctx.device.queue.submit([encoder.finish()]);
        // At most two steps in the GPU's queue: wait for the previous step before encoding the next. This keeps
        // the CPU one step ahead (no bubble on a real GPU) and, because the wait goes through the event loop,
        // lets a Stop or Pause from the page (a worker message) or Ctrl-C land before the next step: they take
        // effect within one step instead of after a whole read-back window of queued steps.
        const done = ctx.device.queue.onSubmittedWorkDone();
        if (previousStepDone) await previousStepDone;
        previousStepDone = done;
        step++;
        windowSteps++;
        if (readBack) {
          const [lossSum, correctCount] = await ctx.readFloat32(totals, 2);
          const rows = windowSteps * B;
          if (!Number.isFinite(lossSum)) {
            const restore = ctx.device.createCommandEncoder({ label: 'restore last good weights' });
            copyWeights(restore, 'network', good);
            ctx.device.queue.submit([restore.finish()]);
            ended = 'diverged';
            message =
              `the training loss became ${lossSum} at step ${step} (epoch ${epoch + 1}); training stopped and the weights were ` +
              `restored to the last ones that gave a finite loss. Try a smaller learning rate (now ${lr}).`;
            break outer;
          }
          good = 1 - good;
          const ms = (performance.now() - windowStart) / windowSteps;
          epochLoss += lossSum;
          epochCorrect += correctCount;
          epochSeen += rows;
          onEvent({
            type: 'step', epoch: epoch + 1, step, totalSteps, loss: lossSum / rows, accuracy: correctCount / rows, lr,
            msPerStep: ms, imagesPerSecond: (1000 * B) / ms, etaSeconds: ((totalSteps - step) * ms) / 1000,
          });
          windowStart = performance.now();
          windowSteps = 0;
        }
      }
      let validation: EvaluationResult | null = null;
      if (evaluator) {
        evaluator.copyWeightsFrom(network);
        validation = await evaluator.evaluate(split.validation, { label: `validation after epoch ${epoch + 1}` });
      }
      const seconds = (performance.now() - epochStart) / 1000;
      const summary: EpochSummary = {
        epoch: epoch + 1, trainLoss: epochLoss / Math.max(1, epochSeen), trainAccuracy: epochCorrect / Math.max(1, epochSeen),
        validationLoss: validation?.loss ?? null, validationAccuracy: validation?.accuracy ?? null, seconds,
      };
      epochs.push(summary);
      lastEpochWeights = await network.readWeights();
      if (options.onCheckpoint) await options.onCheckpoint(await checkpoint(epoch + 1, 0, { loss: 0, correct: 0, seen: 0 }));
      onEvent({ type: 'epoch', epoch: epoch + 1, epochs: config.epochs, trainLoss: summary.trainLoss, trainAccuracy: summary.trainAccuracy, validation, seconds, imagesPerSecond: epochSeen / seconds });
    }
    } catch (error) {
      if (!(error instanceof GpuDeviceLostError)) throw error;
      const kept = epochs.length ? `the weights at the end of epoch ${epochs.length}` : 'the starting weights';
      return {
        weights: lastEpochWeights, ended: 'device-lost', steps: step, epochs, seconds: (performance.now() - started) / 1000,
        message: `${error.message} Training stopped after ${step} steps; returning ${kept}.`,
      };
    }
    const weights = await network.readWeights();
    return { weights, ended, message, steps: step, epochs, seconds: (performance.now() - started) / 1000 };
  } finally {
    gather?.destroy();
    evaluator?.destroy();
    trainStep.destroy();
    for (const b of owned) b.destroy();
  }
}

/** Refuses a checkpoint that is not of this model, split and configuration (epochs may grow). */
function checkResumable(resume: TrainCheckpoint, model: Model, config: TrainConfig): void {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(resume.spec.layers, model.spec.layers) || !same(resume.spec.inputShape, model.spec.inputShape)) {
    throw new RangeError(`the checkpoint is of another architecture than model '${model.spec.name}'`);
  }
  const { epochs: a, ...restA } = resume.config;
  const { epochs: b, ...restB } = config;
  if (!same(restA, restB)) throw new RangeError('the checkpoint was made with other training settings than these (only --epochs may change on resume)');
  if (b < resume.epoch) throw new RangeError(`the checkpoint is after epoch ${resume.epoch}, beyond the ${b} epoch(s) asked for`);
  void a;
}
