/**
 * A training checkpoint: everything that decides the rest of a run, so that a run stopped after any step and
 * resumed from its checkpoint ends with the same weights, bit for bit, as one never stopped.
 *
 * What decides the rest of a run: the weights (moving statistics included), the optimizer's state (Adam's m
 * and v, SGD's velocity), the position (epoch, step within it, global step: the learning-rate schedule, Adam's
 * bias correction and every random draw derive from it: the epoch's shuffle is seeded by (seed, epoch), the
 * dropout mask and the augmentation of step t by (seed, t)), the configuration, and the split (the training
 * images). The metrics so far come along, so the resumed run reports every epoch.
 */
import type { SplitRecord } from '../data/splits.ts';
import type { ModelSpec, ModelWeights } from './layers.ts';
import type { TrainConfig } from './train-config.ts';

/** One finished epoch's figures. */
export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  seconds: number;
}

export interface TrainCheckpoint {
  /** The architecture (its weights are `weights`). */
  spec: ModelSpec;
  config: TrainConfig;
  /** The split the run trains on (its training images are the ones being shuffled). */
  split: SplitRecord;
  /** 0-based epoch the next step belongs to, and the steps of it already done. */
  epoch: number;
  stepInEpoch: number;
  /** Steps done in the whole run. */
  step: number;
  weights: ModelWeights;
  /** Optimizer state by `${layer}/${weight}/${m|v|velocity}`. */
  optimizerState: Record<string, Float32Array>;
  epochs: EpochSummary[];
  /** The current epoch's loss and correct sums and images so far (its summary continues from them). */
  partial: { loss: number; correct: number; seen: number };
}
