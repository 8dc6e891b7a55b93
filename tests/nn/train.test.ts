import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { smallCnn } from '../helpers/small-cnn.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { splitDataset } from '../../src/data/splits.ts';
import { initModel } from '../../src/nn/init.ts';
import { DEFAULT_TRAIN_CONFIG } from '../../src/nn/train-config.ts';
import { train, type TrainEvent } from '../../src/nn/trainer.ts';
import { InferenceRunner } from '../../src/nn/inference-runner.ts';

const gpu = useGpu();

describe('training on the GPU', () => {
  it('reduces the loss and learns a separable synthetic task (Adam and SGD)', async () => {
    const ctx = gpu();
    const dataset = squaresDataset();
    const split = splitDataset(dataset, { seed: 3, validationFraction: 0.125 });
    const data = GpuDataset.upload(ctx, dataset);
    for (const optimizer of ['adam', 'sgd'] as const) {
      const model = initModel(smallCnn({ dropout: 0.1 }), 5);
      const events: TrainEvent[] = [];
      const result = await train(ctx, model, data, split, {
        ...DEFAULT_TRAIN_CONFIG, epochs: 6, batchSize: 16, optimizer, lr: optimizer === 'adam' ? 0.01 : 0.05, logEvery: 4,
      }, (e) => events.push(e));
      const steps = events.filter((e) => e.type === 'step');
      expect(result.ended).toBe('completed');
      expect(steps.length).toBeGreaterThan(4);
      const first = steps[0].type === 'step' ? steps[0].loss : NaN;
      const last = steps[steps.length - 1].type === 'step' ? steps[steps.length - 1].loss : NaN;
      expect(last, `${optimizer}: loss ${first} -> ${last}`).toBeLessThan(first * 0.5);
      const evaluator = await InferenceRunner.create(ctx, { spec: model.spec, weights: result.weights }, data, 32);
      const test = await evaluator.evaluate(split.test);
      evaluator.destroy();
      expect(test.count).toBe(64);
      expect(test.accuracy, `${optimizer} test accuracy`).toBeGreaterThan(0.9);
      expect(test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(64);
    }
    data.destroy();
  });

  it('stops on a non-finite loss and restores weights that gave a finite loss', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ train: 64, test: 16 });
    const split = splitDataset(dataset, { seed: 1, validationFraction: 0 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = initModel(smallCnn({ dropout: 0.1 }), 2);
    const result = await train(ctx, model, data, split, { ...DEFAULT_TRAIN_CONFIG, epochs: 3, batchSize: 16, optimizer: 'sgd', momentum: 0, lr: 1e30, logEvery: 1, validate: false });
    expect(result.ended).toBe('diverged');
    expect(result.message).toMatch(/loss became (NaN|Infinity|-Infinity) at step \d+/);
    for (const layer of Object.values(result.weights)) for (const t of Object.values(layer)) expect(t.data.every(Number.isFinite)).toBe(true);
    // The restored weights give a finite loss.
    const evaluator = await InferenceRunner.create(ctx, { spec: model.spec, weights: result.weights }, data, 16);
    const check = await evaluator.evaluate(split.train);
    evaluator.destroy();
    expect(Number.isFinite(check.loss)).toBe(true);
    data.destroy();
  });
});

describe('training when the GPU device is lost', () => {
  it('stops with a message and returns the weights of the last finished epoch', async () => {
    const { acquireGpu } = await import('../../src/gpu/device.ts');
    const ctx = await acquireGpu({ timestamps: false }); // its own device: this test destroys it
    const dataset = squaresDataset({ train: 64, test: 16 });
    const split = splitDataset(dataset, { seed: 1, validationFraction: 0 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = initModel(smallCnn({ dropout: 0.1 }), 4);
    let afterFirstEpoch: Float32Array | null = null;
    const result = await train(ctx, model, data, split, { ...DEFAULT_TRAIN_CONFIG, epochs: 3, batchSize: 16, logEvery: 2, validate: false }, (e) => {
      if (e.type === 'epoch' && e.epoch === 1) ctx.device.destroy(); // as a driver reset would, mid-run
    });
    expect(result.ended).toBe('device-lost');
    expect(result.message).toMatch(/GPU device was lost.*returning the weights at the end of epoch 1/);
    expect(result.epochs).toHaveLength(1);
    afterFirstEpoch = result.weights.conv1.kernel.data;
    // Not the starting weights: the first epoch's training is kept.
    expect(afterFirstEpoch).not.toEqual(model.weights.conv1.kernel.data);
    expect(afterFirstEpoch.every(Number.isFinite)).toBe(true);
  });
});
