/**
 * One pruning run of the baselines (Li et al.'s L1 norm, Hu et al.'s APoZ, random), walked the way `tune --auto`
 * walks the method so that the comparison with the AOM-guided run is fair: layer by layer in the plan's order
 * (drop-plan.ts: the model's conv order), the criterion picks that layer's kernels on the current model (the one
 * retrained after the previous layer), the kernels are dropped, the pruned model is evaluated ("right after the
 * drop"), retrained with the same TrainConfig as tune's retraining (epochs, learning rate, batch and seed: the
 * seed of the retraining is the configuration's, also for the random criterion, whose own seed only picks the
 * kernels), and evaluated again. Validation and test accuracy are measured on the model's own split.
 */
import { analyzeModel } from '../analysis/analyze-model.ts';
import type { LayerDrop } from '../analysis/drop-plan.ts';
import { requireConvLayer } from '../analysis/kernel-ranking.ts';
import { apozFromCounts, pickByApoz } from '../analysis/prune-apoz.ts';
import { filterL1Norms, pickByL1Norm } from '../analysis/prune-l1-norm.ts';
import { pickAtRandom } from '../analysis/prune-random.ts';
import { PruningError } from '../analysis/pruning-error.ts';
import type { GpuDataset } from '../data/gpu-dataset.ts';
import type { SplitDataset } from '../data/splits.ts';
import type { GpuContext } from '../gpu/context.ts';
import { InferenceRunner } from '../nn/inference-runner.ts';
import type { Model } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import type { TrainConfig } from '../nn/train-config.ts';
import { train, TrainingControl, type TrainEvent, type TrainResult } from '../nn/trainer.ts';
import { CancelledError } from '../nn/cancellation.ts';
import { dropKernels } from '../surgery/drop-kernels.ts';
import { withSplitRecord } from './split-policy.ts';

/** A baseline criterion; `random` carries the seed of its choice. */
export type PruningMethod = { kind: 'l1-norm' } | { kind: 'apoz' } | { kind: 'random'; seed: number };

/** What a run needs besides the model: the GPU, the data on it, the model's split and the shared budget. */
export interface PruningEnvironment {
  ctx: GpuContext;
  data: GpuDataset;
  split: SplitDataset;
  /** Pool indices the APoZ is counted over (tune's analysis set). */
  analysisIndices: ArrayLike<number>;
  /** The retraining after each layer: tune's configuration. */
  config: TrainConfig;
  /** Images per batch of analysis and evaluation. */
  batchSize: number;
  /** Stops the run (analysis and evaluation between batches, a retraining after its step) with a CancelledError. */
  signal?: AbortSignal;
  /** Hears every retraining's events (the page's progress). */
  onTrainEvent?: (event: TrainEvent) => void;
}

/** Accuracy on the split's validation and test images (null for an empty split). */
export interface SplitAccuracy {
  validation: number | null;
  test: number | null;
}

export interface PruningStep {
  layer: string;
  /** The kernels dropped, as indices of the layer before the drop, ascending. */
  kernels: number[];
  /** The criterion's score of every kernel of the layer (L1 norm, APoZ); null for random. */
  scores: number[] | null;
  /** Of the model after this layer's drop. */
  parameters: number;
  flops: number;
  afterDrop: SplitAccuracy;
  afterRetrain: SplitAccuracy;
  /** How the retraining ended ('completed' unless it diverged or was stopped) and its message. */
  training: { ended: TrainResult['ended']; steps: number; seconds: number; message: string };
}

export interface PruningRun {
  method: PruningMethod;
  /** The pruned, retrained model. */
  model: Model;
  steps: PruningStep[];
}

/** The method in a few words: 'l1-norm', 'apoz', 'random (seed 2)'. */
export function describeMethod(method: PruningMethod): string {
  return method.kind === 'random' ? `random (seed ${method.seed})` : method.kind;
}

/** Validation and test accuracy of `model` on the environment's split. */
export async function evaluateOnSplit(env: PruningEnvironment, model: Model): Promise<SplitAccuracy> {
  const runner = await InferenceRunner.create(env.ctx, model, env.data, env.batchSize);
  try {
    const { signal } = env;
    const validation = env.split.validation.length > 0 ? (await runner.evaluate(env.split.validation, { label: 'validation', signal })).accuracy : null;
    const test = env.split.test.length > 0 ? (await runner.evaluate(env.split.test, { label: 'test', signal })).accuracy : null;
    return { validation, test };
  } finally {
    runner.destroy();
  }
}

/** The kernels `method` drops from `layer` of `model`, with the scores it ranked them by. */
async function chooseKernels(env: PruningEnvironment, model: Model, layer: string, count: number, method: PruningMethod): Promise<{ kernels: number[]; scores: number[] | null }> {
  switch (method.kind) {
    case 'l1-norm':
      return { kernels: pickByL1Norm(model, layer, count), scores: filterL1Norms(model, layer) };
    case 'apoz': {
      // The same GPU occurrence counts as the maps (after the layer's ReLU, tau = 0); no ablation needed.
      const analysis = await analyzeModel(env.ctx, model, env.data, env.analysisIndices, { layers: [layer], ablation: false, tau: 0, batchSize: env.batchSize, signal: env.signal });
      const { counts, shape } = analysis.layers[0];
      const apoz = apozFromCounts(counts, analysis.classCounts, shape, layer);
      return { kernels: pickByApoz(layer, apoz, count), scores: apoz };
    }
    case 'random':
      return { kernels: pickAtRandom(layer, requireConvLayer(model.spec, layer).filters, count, method.seed), scores: null };
  }
}

/** Trains `model` with the environment's budget; the signal stops it after its step, with a CancelledError. */
async function retrain(env: PruningEnvironment, model: Model, what: string): Promise<TrainResult> {
  const control = new TrainingControl();
  const stop = () => control.stop();
  env.signal?.addEventListener('abort', stop);
  try {
    if (env.signal?.aborted) throw new CancelledError(`${what} was cancelled before it started`);
    const result = await train(env.ctx, model, env.data, env.split, env.config, env.onTrainEvent, control);
    if (env.signal?.aborted) throw new CancelledError(`${what} was cancelled after ${result.steps} steps`);
    return result;
  } finally {
    env.signal?.removeEventListener('abort', stop);
  }
}

/**
 * Prunes `start` by `method` along `plan`, retraining after every layer (see the file comment); `onStep` hears of
 * each layer when it is done. The plan must drop at least one kernel.
 */
export async function runPruning(
  env: PruningEnvironment,
  start: Model,
  plan: readonly LayerDrop[],
  method: PruningMethod,
  onStep: (step: PruningStep) => void = () => {},
): Promise<PruningRun> {
  if (plan.length === 0) throw new PruningError(`${describeMethod(method)}: the plan drops no kernel`);
  let model = start;
  const steps: PruningStep[] = [];
  for (const { layer, count } of plan) {
    const { kernels, scores } = await chooseKernels(env, model, layer, count, method);
    const pruned = dropKernels(model, layer, kernels);
    const afterDrop = await evaluateOnSplit(env, pruned);
    const result = await retrain(env, pruned, `${describeMethod(method)}: the retraining after the drop in ${layer}`);
    model = withSplitRecord({ spec: pruned.spec, weights: result.weights }, env.split);
    const afterRetrain = await evaluateOnSplit(env, model);
    const summary = summarizeModel(model.spec);
    const step: PruningStep = {
      layer, kernels, scores, parameters: summary.totalParams, flops: summary.totalFlops, afterDrop, afterRetrain,
      training: { ended: result.ended, steps: result.steps, seconds: result.seconds, message: result.message },
    };
    steps.push(step);
    onStep(step);
  }
  return { method, model, steps };
}
