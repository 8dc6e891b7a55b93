/**
 * Our TF.js Layers files against TF.js itself (@tensorflow/tfjs-layers on the CPU backend):
 *   - a model built and saved by TF.js loads, and referenceForward gives TF.js's `predict` logits within 1e-4;
 *   - a model saved by us loads in `tf.loadLayersModel` unchanged and predicts what referenceForward predicts.
 * Tolerance 1e-4 (absolute, on values of magnitude ~1-10): both sides compute in float32 activations, but
 * TF.js sums conv/dense products in float32 in its own order while our references sum in float64, and
 * batchnorm is folded differently; the differences are a few float32 ulps per layer (measured: < 1e-6 here).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelFromArtifacts, modelToArtifacts, type ModelJson } from '../../src/io/tfjs-layers.ts';
import { cifarRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import { createRng } from '../../src/nn/random.ts';
import { preprocessImages, referenceForward } from '../../src/reference/model-forward.ts';
import { everyKindSpec, globalPoolSpec, randomInput, randomModel } from '../helpers/models.ts';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  tf.env().set('IS_TEST', true); // silences the "install tfjs-node" banner; we want the pure-JS CPU backend
  await tf.setBackend('cpu');
});

/** Saves a TF.js model through a save handler and returns model.json and the weight bytes as files would hold them. */
async function saveWithTfjs(model: tfl.LayersModel): Promise<{ json: ModelJson; data: ArrayBuffer }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts!;
  const data = Array.isArray(a.weightData) ? tf.io.concatenateArrayBuffers(a.weightData) : (a.weightData as ArrayBuffer);
  // model.json as TF.js's file writers lay it out (io.browserDownloads / tfjs-node's file://).
  const json: ModelJson = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['./model.weights.bin'], weights: a.weightSpecs! }],
  };
  return { json, data };
}

/** Sets every TF.js weight to random values (positive where batchnorm needs it). */
function randomizeTfjs(model: tfl.LayersModel, seed: number): void {
  const rng = createRng(seed);
  model.setWeights(
    model.weights.map((w) => {
      const positive = /gamma|moving_variance/.test(w.originalName);
      const shape = w.shape as number[]; // weights have fully known shapes
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, () => (positive ? rng.uniform(0.5, 1.5) : rng.uniform(-1, 1)));
      return tf.tensor(values, shape);
    }),
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('a model saved by TF.js', () => {
  it('loads and gives the logits of TF.js predict', async () => {
    const model = tfl.sequential({
      name: 'from-tfjs',
      layers: [
        tfl.layers.conv2d({ name: 'conv1', inputShape: [9, 7, 2], filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.batchNormalization({ name: 'bn1' }),
        tfl.layers.averagePooling2d({ name: 'pool1', poolSize: 3, strides: [2, 1], padding: 'same' }),
        tfl.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: [1, 2], padding: 'valid', useBias: false }),
        tfl.layers.activation({ name: 'act', activation: 'relu' }),
        tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2, strides: 1 }),
        tfl.layers.dropout({ name: 'drop', rate: 0.5 }),
        tfl.layers.reLU({ name: 'relu' }),
        tfl.layers.flatten({ name: 'flatten' }),
        tfl.layers.dense({ name: 'dense1', units: 6, activation: 'relu' }),
        tfl.layers.dense({ name: 'dense2', units: 3 }),
      ],
    });
    randomizeTfjs(model, 11);
    const { json, data } = await saveWithTfjs(model);
    const loaded = modelFromArtifacts(json, { './model.weights.bin': data });
    expect(loaded.spec.name).toBe('from-tfjs');
    expect(loaded.spec.layers.map((l) => l.kind)).toEqual(['conv2d', 'batchnorm', 'avgpool', 'conv2d', 'relu', 'maxpool', 'dropout', 'relu', 'flatten', 'dense', 'dense']);
    expect(loaded.spec.preprocessing).toEqual({ scale: 1 / 255, mean: [0, 0], std: [1, 1] });

    const batch = 3;
    const x = randomInput(batch * 9 * 7 * 2, 12, -2, 2);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(x, [batch, 9, 7, 2])) as tf.Tensor).dataSync());
    const ours = referenceForward(loaded, x, batch);
    expect(ours.layers.at(-1)!.shape).toEqual([batch, 3]);
    expect(maxAbsDiff(ours.logits, expected)).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('with global average pooling (conv -> relu -> GlobalAveragePooling2D -> dense) loads and gives its logits', async () => {
    const model = tfl.sequential({
      name: 'gap-from-tfjs',
      layers: [
        tfl.layers.conv2d({ name: 'conv', inputShape: [7, 5, 3], filters: 37, kernelSize: 3, padding: 'same' }),
        tfl.layers.reLU({ name: 'relu' }),
        tfl.layers.globalAveragePooling2d({ name: 'gap' }),
        tfl.layers.dense({ name: 'logits', units: 4 }),
      ],
    });
    randomizeTfjs(model, 41);
    const { json, data } = await saveWithTfjs(model);
    const loaded = modelFromArtifacts(json, data);
    expect(loaded.spec.layers.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'globalavgpool', 'dense']);
    expect(loaded.weights.logits.kernel.shape).toEqual([37, 4]);

    const batch = 3;
    const x = randomInput(batch * 7 * 5 * 3, 42, -2, 2);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(x, [batch, 7, 5, 3])) as tf.Tensor).dataSync());
    const ours = referenceForward(loaded, x, batch);
    expect(ours.layers[2].shape).toEqual([batch, 37]);
    expect(maxAbsDiff(ours.logits, expected)).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('with a Rescaling front and a softmax head: raw pixels give the same probabilities', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.rescaling({ name: 'rescale', inputShape: [5, 5, 3], scale: 1 / 127.5, offset: -1 }),
        tfl.layers.conv2d({ name: 'conv', filters: 3, kernelSize: 3, activation: 'relu' }),
        tfl.layers.flatten({ name: 'flat' }),
        tfl.layers.dense({ name: 'out', units: 4, activation: 'softmax' }),
      ],
    });
    randomizeTfjs(model, 21);
    const { json, data } = await saveWithTfjs(model);
    const loaded = modelFromArtifacts(json, data);
    expect(loaded.spec.preprocessing).toEqual({ scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] });

    const batch = 2;
    const rng = createRng(22);
    const pixels = Uint8Array.from({ length: batch * 75 }, () => Math.floor(rng.next() * 256));
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(Float32Array.from(pixels), [batch, 5, 5, 3])) as tf.Tensor).dataSync());
    const ours = referenceForward(loaded, preprocessImages(pixels, loaded.spec.preprocessing), batch);
    expect(maxAbsDiff(ours.output, expected)).toBeLessThan(TOLERANCE);
    // logits are the dense pre-activation: their softmax is the output.
    const e = Array.from(ours.logits.slice(0, 4), Math.exp);
    const total = e.reduce((a, b) => a + b, 0);
    expect(maxAbsDiff(e.map((v) => v / total), ours.output.slice(0, 4))).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('a model saved by us', () => {
  it('loads in tf.loadLayersModel and predicts what referenceForward predicts', async () => {
    const ours = randomModel(everyKindSpec(), 31);
    const { modelJson, weightData } = modelToArtifacts(ours);
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as object,
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
        userDefinedMetadata: modelJson.userDefinedMetadata as Record<string, unknown>,
      }),
    );
    expect(model.layers.map((l) => l.name)).toEqual(ours.spec.layers.map((l) => l.name));
    expect(model.getUserDefinedMetadata()).toEqual(modelJson.userDefinedMetadata);
    // The weights arrive bit for bit.
    const tfWeights = new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
    for (const [layer, ws] of Object.entries(ours.weights)) {
      for (const [name, t] of Object.entries(ws)) expect(tfWeights.get(`${layer}/${name}`)).toEqual(t.data);
    }

    const batch = 3;
    const x = randomInput(batch * 7 * 9 * 3, 32, -2, 2);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(x, [batch, 7, 9, 3])) as tf.Tensor).dataSync());
    const result = referenceForward(ours, x, batch);
    expect(maxAbsDiff(result.output, expected)).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('with global average pooling loads in tf.loadLayersModel and predicts what referenceForward predicts', async () => {
    const ours = randomModel(globalPoolSpec(), 33);
    const { modelJson, weightData } = modelToArtifacts(ours);
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[], weightData }),
    );
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'Activation', 'GlobalAveragePooling2D', 'BatchNormalization', 'Dense']);
    expect(model.outputs[0].shape).toEqual([null, 4]);
    const batch = 2;
    const x = randomInput(batch * 7 * 5 * 3, 34, -2, 2);
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(x, [batch, 7, 5, 3])) as tf.Tensor).dataSync());
    expect(maxAbsDiff(referenceForward(ours, x, batch).output, expected)).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('cifar-ref, in two shards, loads in TF.js with the parameter count of METHOD.md', async () => {
    const { modelJson, weightData, shards } = modelToArtifacts(initModel(cifarRef(), 1));
    expect(shards).toHaveLength(2);
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology as object, weightSpecs: modelJson.weightsManifest[0].weights as tf.io.WeightsManifestEntry[], weightData }),
    );
    expect(model.countParams()).toBe(1_116_970);
    expect(model.outputs[0].shape).toEqual([null, 10]);
    model.dispose();
  });
});
