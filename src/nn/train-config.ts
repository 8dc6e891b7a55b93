/** Training hyper-parameters, their defaults, and the learning-rate schedule. */

export type OptimizerName = 'sgd' | 'adam';
export type ScheduleName = 'constant' | 'step' | 'cosine';

export interface TrainConfig {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  /** Base learning rate. */
  lr: number;
  /** SGD momentum (0 = plain SGD). */
  momentum: number;
  /** SGD: L2 folded into the gradient; Adam: decoupled (AdamW). */
  weightDecay: number;
  schedule: ScheduleName;
  /** 'step' schedule: multiply the rate by stepGamma every stepEpochs epochs. */
  stepEpochs: number;
  stepGamma: number;
  seed: number;
  /** Random crop (with this many pixels of zero padding) and horizontal flip; for CIFAR-style data. */
  augment: boolean;
  augmentPadding: number;
  /** Report loss and accuracy every this many steps (one 8-byte read-back each time). */
  logEvery: number;
  /** Evaluate on the validation split after every epoch. */
  validate: boolean;
  /** At most this many steps per epoch (0 = whole epochs); for quick retrains. */
  maxSteps: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  epochs: 5,
  batchSize: 64,
  optimizer: 'adam',
  lr: 0.001,
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'constant',
  stepEpochs: 10,
  stepGamma: 0.1,
  seed: 1,
  augment: false,
  augmentPadding: 4,
  logEvery: 20,
  validate: true,
  maxSteps: 0,
};

/** Learning rate at 0-based `step` of `totalSteps`, `stepsPerEpoch` steps an epoch. */
export function learningRate(config: TrainConfig, step: number, stepsPerEpoch: number, totalSteps: number): number {
  switch (config.schedule) {
    case 'constant':
      return config.lr;
    case 'step':
      return config.lr * config.stepGamma ** Math.floor(step / (stepsPerEpoch * config.stepEpochs));
    case 'cosine':
      return 0.5 * config.lr * (1 + Math.cos((Math.PI * Math.min(step, totalSteps)) / Math.max(1, totalSteps)));
  }
}

export function checkTrainConfig(c: TrainConfig): void {
  const positiveInt = (v: number, name: string) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  };
  positiveInt(c.epochs, 'epochs');
  positiveInt(c.batchSize, 'batch size');
  positiveInt(c.logEvery, 'logEvery');
  if (!(c.lr > 0 && Number.isFinite(c.lr))) throw new RangeError(`learning rate must be a positive number, got ${c.lr}`);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new RangeError(`momentum must be in [0, 1), got ${c.momentum}`);
  if (!(c.weightDecay >= 0)) throw new RangeError(`weight decay must be >= 0, got ${c.weightDecay}`);
  if (!['sgd', 'adam'].includes(c.optimizer)) throw new RangeError(`optimizer must be sgd or adam, got ${c.optimizer}`);
  if (!['constant', 'step', 'cosine'].includes(c.schedule)) throw new RangeError(`schedule must be constant, step or cosine, got ${c.schedule}`);
}
