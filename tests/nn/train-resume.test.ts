/**
 * Resumable training: a run stopped at an epoch boundary or in the middle of an epoch and resumed from its
 * checkpoint ends with the same weights, bit for bit, as the run that was never stopped (dropout, batch-norm
 * moving statistics, augmentation, a cosine schedule and Adam's state all included).
 */
import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { squaresDataset } from '../helpers/synthetic-data.ts';
import { GpuDataset } from '../../src/data/gpu-dataset.ts';
import { splitDataset } from '../../src/data/splits.ts';
import { initModel } from '../../src/nn/init.ts';
import type { ModelSpec, ModelWeights } from '../../src/nn/layers.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../src/nn/train-config.ts';
import { train, TrainingControl, type TrainCheckpoint } from '../../src/nn/trainer.ts';

const gpu = useGpu();

function spec(): ModelSpec {
  return {
    name: 'resume-cnn',
    inputShape: [12, 12, 1],
    preprocessing: { scale: 1 / 255, mean: [0.3], std: [0.25] },
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 6, kernelSize: [3, 3], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
      { kind: 'batchnorm', name: 'bn1', epsilon: 1e-3, momentum: 0.9, center: true, scale: true },
      { kind: 'maxpool', name: 'pool1', poolSize: [2, 2], strides: [2, 2], padding: 'valid' },
      { kind: 'flatten', name: 'flatten' },
      { kind: 'dropout', name: 'drop', rate: 0.2 },
      { kind: 'dense', name: 'dense1', units: 4, useBias: true, activation: 'linear' },
    ],
  };
}

const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, epochs: 3, batchSize: 16, lr: 0.01, schedule: 'cosine', augment: true, augmentPadding: 2, seed: 5, logEvery: 3 };

function expectSameWeights(a: ModelWeights, b: ModelWeights): void {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const [layer, tensors] of Object.entries(a)) {
    for (const [name, t] of Object.entries(tensors)) {
      const other = b[layer][name].data;
      const differing = t.data.findIndex((v, i) => !Object.is(v, other[i]));
      expect(differing, `${layer}/${name}: first differing value at ${differing}`).toBe(-1);
    }
  }
}

describe('resumable training', () => {
  it('stopped anywhere and resumed, ends with the same weights bit for bit', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ train: 240, test: 40 });
    const split = splitDataset(dataset, { seed: 2 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = initModel(spec(), 4);
    const whole = await train(ctx, model, data, split, config);
    expect(whole.ended).toBe('completed');

    // Stopped in the middle of epoch 2 (from a progress event, as the page's Stop or Ctrl-C would)...
    for (const stopAtStep of [9, 24]) {
      const control = new TrainingControl();
      let last: TrainCheckpoint | null = null;
      const first = await train(ctx, model, data, split, config, (e) => {
        if (e.type === 'step' && e.step >= stopAtStep) control.stop();
      }, control, { onCheckpoint: (c) => void (last = c) });
      expect(first.ended).toBe('stopped');
      const checkpoint = last as TrainCheckpoint | null;
      expect(checkpoint).not.toBeNull();
      expect(checkpoint!.step).toBe(first.steps);
      expect(checkpoint!.step).toBeLessThan(whole.steps);
      const rest = await train(ctx, model, data, split, config, () => {}, new TrainingControl(), { resume: checkpoint! });
      expect(rest.ended).toBe('completed');
      expect(rest.steps).toBe(whole.steps);
      expect(rest.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
      expectSameWeights(whole.weights, rest.weights);
      expect(rest.epochs.at(-1)!.validationAccuracy).toBe(whole.epochs.at(-1)!.validationAccuracy);
    }
  });

  it('refuses a checkpoint of another architecture or other settings', async () => {
    const ctx = gpu();
    const dataset = squaresDataset({ train: 240, test: 40 });
    const split = splitDataset(dataset, { seed: 2 });
    const data = GpuDataset.upload(ctx, dataset);
    const model = initModel(spec(), 4);
    let last: TrainCheckpoint | null = null;
    await train(ctx, model, data, split, { ...config, epochs: 1 }, () => {}, new TrainingControl(), { onCheckpoint: (c) => void (last = c) });
    const checkpoint = last as unknown as TrainCheckpoint;
    const wider = initModel({ ...spec(), layers: spec().layers.map((l) => (l.kind === 'conv2d' ? { ...l, filters: 7 } : l)) }, 4);
    await expect(train(ctx, wider, data, split, config, () => {}, undefined, { resume: checkpoint })).rejects.toThrow(/another architecture/);
    await expect(train(ctx, model, data, split, { ...config, lr: 0.02 }, () => {}, undefined, { resume: checkpoint })).rejects.toThrow(/other training settings/);
    await expect(train(ctx, model, data, splitDataset(dataset, { seed: 3 }), config, () => {}, undefined, { resume: checkpoint })).rejects.toThrow(/another split/);
  });
});
