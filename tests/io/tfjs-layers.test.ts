/**
 * The TF.js Layers format without TF.js: bit-exact round trips, shards, Keras-converter files, and the errors.
 * (tfjs-interop.test.ts checks the same files against TF.js itself.)
 */
import { describe, expect, it } from 'vitest';
import { cifarRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import type { Model } from '../../src/nn/layers.ts';
import { composeNormalization, composeRescaling, identityPreprocessing } from '../../src/nn/preprocessing.ts';
import { ModelFormatError, modelFromArtifacts, modelToArtifacts, type ModelJson } from '../../src/io/tfjs-layers.ts';
import { everyKindSpec, globalPoolSpec, randomModel } from '../helpers/models.ts';

/** Bit patterns of every weight, so NaN payloads, -0 and subnormals compare exactly. */
function weightBits(model: Model): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [layer, ws] of Object.entries(model.weights)) {
    for (const [name, t] of Object.entries(ws)) out[`${layer}/${name}`] = [...new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length)];
  }
  return out;
}

/** The ModelFormatError thrown by fn. */
function formatError(fn: () => unknown): ModelFormatError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelFormatError) return err;
    throw err;
  }
  throw new Error('expected a ModelFormatError');
}

const clone = <T>(v: T): T => structuredClone(v);

describe('save / load round trip', () => {
  it('is bit-exact for weights and exact for the spec', () => {
    const model = randomModel(everyKindSpec(), 1);
    const k = model.weights.conv1.kernel.data;
    const bits = new Uint32Array(k.buffer, k.byteOffset, 4);
    bits[0] = 0x7fc01234; // a NaN with a payload
    bits[1] = 0x80000000; // -0
    bits[2] = 0x00000001; // the smallest subnormal
    bits[3] = 0x7f7fffff; // the largest float32
    const { modelJson, weightData, shards } = modelToArtifacts(model);
    expect(shards).toEqual([{ path: 'group1-shard1of1.bin', begin: 0, end: weightData.byteLength }]);
    // Through JSON text, as on disk.
    const loaded = modelFromArtifacts(JSON.stringify(modelJson), weightData);
    expect(loaded.spec).toEqual(model.spec);
    expect(weightBits(loaded)).toEqual(weightBits(model));
    expect(Object.keys(loaded.weights)).toEqual(Object.keys(model.weights));
  });

  it('writes a Sequential Keras topology, our metadata, and weights named layer/weight', () => {
    const { modelJson } = modelToArtifacts(randomModel(everyKindSpec(), 2));
    const topology = modelJson.modelTopology as { class_name: string; config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    expect(modelJson.format).toBe('layers-model');
    expect(topology.class_name).toBe('Sequential');
    expect(topology.config.layers.map((l) => l.class_name)).toEqual([
      'Conv2D', 'BatchNormalization', 'AveragePooling2D', 'Conv2D', 'Activation', 'MaxPooling2D', 'Dropout', 'Flatten', 'Dense', 'Dense', 'Activation',
    ]);
    expect(topology.config.layers[0].config).toMatchObject({ batch_input_shape: [null, 7, 9, 3], kernel_size: [3, 3], strides: [2, 2], padding: 'same', activation: 'relu' });
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name)).toEqual([
      'conv1/kernel', 'conv1/bias', 'bn1/gamma', 'bn1/beta', 'bn1/moving_mean', 'bn1/moving_variance', 'conv2/kernel',
      'dense1/kernel', 'dense1/bias', 'dense2/kernel', 'dense2/bias',
    ]);
    expect(modelJson.userDefinedMetadata).toEqual({
      aomStudio: { name: 'every-kind', preprocessing: everyKindSpec().preprocessing, classNames: ['cat', 'dog', 'bird', 'fish'] },
    });
  });

  it('splits weights into 4 MiB shards like TF.js and reads them back by path in any key order', () => {
    const model = initModel(cifarRef(), 9);
    const { modelJson, weightData, shards } = modelToArtifacts(model);
    expect(weightData.byteLength).toBe(1_116_970 * 4);
    expect(shards.map((s) => s.path)).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect(shards[0].end).toBe(4 * 1024 * 1024);
    expect(modelJson.weightsManifest[0].paths).toEqual(shards.map((s) => s.path));
    const files = new Map(shards.reverse().map((s) => [s.path, new Uint8Array(weightData.slice(s.begin, s.end))]));
    const loaded = modelFromArtifacts(modelJson, files);
    // Byte comparison: vitest's deep equality is slow on a million elements.
    const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytesOf(loaded.weights.dense1.kernel.data).equals(bytesOf(model.weights.dense1.kernel.data))).toBe(true);
    expect(loaded.weights.dense2.bias.shape).toEqual([10]);
  });

  it('accepts any manifest layout: several groups, shards cut inside a weight', () => {
    const model = randomModel(everyKindSpec(), 3);
    const { modelJson, weightData } = modelToArtifacts(model, { shardBytes: 100 });
    const json = clone(modelJson);
    // Move the last three weights to a second group with its own (single) shard.
    const weights = json.weightsManifest[0].weights;
    const tail = weights.splice(weights.length - 3);
    const tailBytes = tail.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
    const headBytes = weightData.byteLength - tailBytes;
    const headShards = Math.ceil(headBytes / 100);
    json.weightsManifest = [
      { paths: Array.from({ length: headShards }, (_, i) => `a/part${i}.bin`), weights },
      { paths: ['b/rest.bin'], weights: tail },
    ];
    const files: Record<string, Uint8Array> = { 'b/rest.bin': new Uint8Array(weightData, headBytes) };
    for (let i = 0; i < headShards; i++) files[`a/part${i}.bin`] = new Uint8Array(weightData, i * 100, Math.min(100, headBytes - i * 100));
    expect(weightBits(modelFromArtifacts(json, files))).toEqual(weightBits(model));
  });
});

describe('files from tensorflowjs_converter (Keras)', () => {
  /** A converter-style model.json: Functional chain with Rescaling + Normalization, prefixed and suffixed names. */
  function converterFixture(): { json: ModelJson; data: ArrayBuffer; values: Record<string, number[]> } {
    const dense = (name: string, units: number, activation: string, inbound: string) => ({
      class_name: 'Dense', name, inbound_nodes: [[[inbound, 0, 0, {}]]],
      config: { name, trainable: true, dtype: 'float32', units, activation, use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } },
    });
    const layers = [
      { class_name: 'InputLayer', name: 'input_1', inbound_nodes: [], config: { batch_input_shape: [null, 4, 4, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
      { class_name: 'Rescaling', name: 'rescaling', inbound_nodes: [[['input_1', 0, 0, {}]]], config: { name: 'rescaling', trainable: true, dtype: 'float32', scale: 1 / 255, offset: 0 } },
      { class_name: 'Normalization', name: 'normalization', inbound_nodes: [[['rescaling', 0, 0, {}]]], config: { name: 'normalization', trainable: true, dtype: 'float32', axis: [-1], invert: false, mean: null, variance: null } },
      {
        class_name: 'Conv2D', name: 'conv2d', inbound_nodes: [[['normalization', 0, 0, {}]]],
        config: { name: 'conv2d', trainable: true, dtype: 'float32', filters: 2, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true },
      },
      { class_name: 'BatchNormalization', name: 'batch_normalization', inbound_nodes: [[['conv2d', 0, 0, {}]]], config: { name: 'batch_normalization', trainable: true, dtype: 'float32', axis: [3], momentum: 0.99, epsilon: 0.001, center: true, scale: true } },
      { class_name: 'Activation', name: 'activation', inbound_nodes: [[['batch_normalization', 0, 0, {}]]], config: { name: 'activation', trainable: true, dtype: 'float32', activation: 'linear' } },
      { class_name: 'ReLU', name: 're_lu', inbound_nodes: [[['activation', 0, 0, {}]]], config: { name: 're_lu', trainable: true, dtype: 'float32', max_value: null, negative_slope: 0.0, threshold: 0.0 } },
      { class_name: 'MaxPooling2D', name: 'max_pooling2d', inbound_nodes: [[['re_lu', 0, 0, {}]]], config: { name: 'max_pooling2d', trainable: true, dtype: 'float32', pool_size: [2, 2], padding: 'valid', strides: [2, 2], data_format: 'channels_last' } },
      { class_name: 'Flatten', name: 'flatten', inbound_nodes: [[['max_pooling2d', 0, 0, {}]]], config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
      dense('dense', 3, 'softmax', 'flatten'),
    ];
    // Entry order, names and dtypes as the converter may write them: an int32 'count' we skip, scope prefixes,
    // ':0' slots and '_1' suffixes.
    const manifest = [
      ['normalization/mean', [3], 'float32'],
      ['normalization/variance', [3], 'float32'],
      ['normalization/count', [], 'int32'],
      ['model/conv2d_1/kernel:0', [3, 3, 3, 2], 'float32'],
      ['model/conv2d_1/bias:0', [2], 'float32'],
      ['batch_normalization/gamma', [2], 'float32'],
      ['batch_normalization/beta', [2], 'float32'],
      ['batch_normalization/moving_mean', [2], 'float32'],
      ['batch_normalization/moving_variance', [2], 'float32'],
      ['dense/kernel_1', [2, 3], 'float32'],
      ['dense/bias_1', [3], 'float32'],
    ] as const;
    const values: Record<string, number[]> = {};
    const bytes: number[] = [];
    manifest.forEach(([name, shape, dtype], w) => {
      const size = shape.reduce((a: number, b: number) => a * b, 1);
      const v = Array.from({ length: size }, (_, i) => (name.includes('variance') ? 0.25 + i : w + i / 8));
      values[name] = v;
      const buf = dtype === 'int32' ? new Int32Array(v.map(() => 1000)) : new Float32Array(v);
      bytes.push(...new Uint8Array(buf.buffer));
    });
    const json: ModelJson = {
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
      convertedBy: 'TensorFlow.js Converter v4.22.0',
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: { class_name: 'Functional', config: { name: 'model', layers, input_layers: [['input_1', 0, 0]], output_layers: [['dense', 0, 0]] } },
        training_config: { loss: 'sparse_categorical_crossentropy' },
      },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: manifest.map(([name, shape, dtype]) => ({ name, shape: [...shape], dtype })) }],
    };
    return { json, data: new Uint8Array(bytes).buffer, values };
  }

  it('loads a Functional chain with Rescaling, Normalization, prefixed and suffixed weight names', () => {
    const { json, data, values } = converterFixture();
    const model = modelFromArtifacts(json, { 'group1-shard1of1.bin': data });
    expect(model.spec.name).toBe('model');
    expect(model.spec.inputShape).toEqual([4, 4, 3]);
    expect(model.spec.layers.map((l) => `${l.name}:${l.kind}`)).toEqual([
      'conv2d:conv2d', 'batch_normalization:batchnorm', 're_lu:relu', 'max_pooling2d:maxpool', 'flatten:flatten', 'dense:dense',
    ]);
    expect(model.spec.layers[0]).toMatchObject({ padding: 'valid', activation: 'relu', filters: 2 });
    expect(model.spec.layers.at(-1)).toMatchObject({ activation: 'softmax', units: 3 });
    expect([...model.weights.conv2d.kernel.data]).toEqual(values['model/conv2d_1/kernel:0']);
    expect([...model.weights.dense.bias.data]).toEqual(values['dense/bias_1']);
    expect([...model.weights.batch_normalization.moving_variance.data]).toEqual(values['batch_normalization/moving_variance']);

    // Rescaling(1/255) then Normalization(mean m, variance v) on raw pixels: x = (p/255 - m) / sqrt(v).
    const m = values['normalization/mean'];
    const sd = values['normalization/variance'].map(Math.sqrt);
    expect(model.spec.preprocessing.scale).toBe(1 / 255);
    const { scale, mean, std } = model.spec.preprocessing;
    // Same maps, composed differently: equal up to float64 rounding.
    for (const p of [0, 1, 77, 254, 255]) {
      for (let c = 0; c < 3; c++) expect((p * scale - mean[c]) / std[c]).toBeCloseTo((p / 255 - m[c]) / sd[c], 12);
    }
  });

  it('loads the converter nesting of a Sequential with an InputLayer, and Keras 3 inbound nodes', () => {
    const seq = {
      modelTopology: {
        keras_version: '2.15.0',
        backend: 'tensorflow',
        model_config: {
          class_name: 'Sequential',
          config: {
            name: 'sequential',
            layers: [
              { class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 3, 1], dtype: 'float32', name: 'input_1' } },
              { class_name: 'Flatten', config: { name: 'flatten' } },
              { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear', use_bias: false } },
            ],
          },
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'sequential/dense/kernel', shape: [9, 2], dtype: 'float32' }] }],
    };
    const model = modelFromArtifacts(seq, new Float32Array(18).fill(0.5));
    expect(model.spec.layers.map((l) => l.kind)).toEqual(['flatten', 'dense']);
    expect(model.spec.preprocessing).toEqual({ scale: 1 / 255, mean: [0], std: [1] });
    expect(model.weights.dense.kernel.shape).toEqual([9, 2]);

    const history = (name: string) => [{ args: [{ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [name, 0, 0] } }], kwargs: {} }];
    const keras3 = {
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'functional',
          layers: [
            { class_name: 'InputLayer', name: 'input_layer', inbound_nodes: [], config: { batch_shape: [null, 2, 2, 3], dtype: 'float32', name: 'input_layer' } },
            { class_name: 'Rescaling', name: 'rescaling', inbound_nodes: history('input_layer'), config: { name: 'rescaling', scale: 1 / 127.5, offset: -1 } },
            { class_name: 'Normalization', name: 'norm', inbound_nodes: history('rescaling'), config: { name: 'norm', axis: -1, mean: [0, 0.5, 1], variance: [1, 4, 16], invert: false } },
            { class_name: 'Flatten', name: 'flatten', inbound_nodes: history('norm'), config: { name: 'flatten' } },
          ],
          input_layers: ['input_layer', 0, 0],
          output_layers: ['flatten', 0, 0],
        },
      },
      weightsManifest: [],
    };
    const m3 = modelFromArtifacts(keras3, new ArrayBuffer(0));
    // (p/127.5 - 1 - mean) / std  ==  (p/127.5 - (1 + mean)) / std
    expect(m3.spec.preprocessing).toEqual({ scale: 1 / 127.5, mean: [1, 1.5, 2], std: [1, 2, 4] });
  });

  it('composes preprocessing layers as Keras applies them', () => {
    const p = composeNormalization(composeRescaling(identityPreprocessing(2), [0.5, 0.25], [1]), [1, 2], [2, 4]);
    const apply = (pix: number, c: number) => (pix * p.scale - p.mean[c]) / p.std[c];
    for (const pix of [0, 17, 255]) {
      expect(apply(pix, 0)).toBeCloseTo((pix * 0.5 + 1 - 1) / 2, 12);
      expect(apply(pix, 1)).toBeCloseTo((pix * 0.25 + 1 - 2) / 4, 12);
    }
  });
});

describe('errors name the layer', () => {
  const saved = () => modelToArtifacts(randomModel(everyKindSpec(), 4));

  it('for an unsupported layer', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson) as ModelJson & { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } };
    json.modelTopology.config.layers[4] = { class_name: 'LeakyReLU', config: { name: 'leaky', alpha: 0.3 } };
    const err = formatError(() => modelFromArtifacts(json, weightData));
    expect(err.layer).toBe('leaky');
    expect(err.message).toMatch(/layer 'leaky' \(LeakyReLU\): unsupported layer type/);

    json.modelTopology.config.layers[4] = { class_name: 'Activation', config: { name: 'act', activation: 'tanh' } };
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'act' \(Activation\): activation 'tanh'/);
    json.modelTopology.config.layers[4] = { class_name: 'Conv2D', config: { name: 'dil', filters: 6, kernel_size: 1, dilation_rate: 2 } };
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'dil' \(Conv2D\): dilation_rate/);
  });

  it('for a missing weight', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson);
    json.weightsManifest[0].weights.pop(); // dense2/bias, the last in the byte stream
    const err = formatError(() => modelFromArtifacts(json, weightData));
    expect(err.layer).toBe('dense2');
    expect(err.message).toMatch(/layer 'dense2' \(dense\): weight 'bias' \[4\] is missing/);
  });

  it('for a weight whose shape does not fit', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson);
    const kernel = json.weightsManifest[0].weights.find((w) => w.name === 'conv2/kernel')!;
    kernel.shape = [1, 2, 5, 6]; // same size as [2, 1, 5, 6], so the byte layout stays valid
    const err = formatError(() => modelFromArtifacts(json, weightData));
    expect(err.layer).toBe('conv2');
    expect(err.message).toMatch(/layer 'conv2' \(conv2d\): weight 'conv2\/kernel' has shape \[1, 2, 5, 6\] but the layer needs \[2, 1, 5, 6\]/);
  });

  it('for a weight that is not float32, or quantized', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson);
    json.weightsManifest[0].weights[0].dtype = 'int32';
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'conv1' \(conv2d\): weight 'conv1\/kernel' is dtype int32; only float32/);
    const q = clone(modelJson);
    q.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 0.01, min: -1 };
    expect(formatError(() => modelFromArtifacts(q, weightData)).message).toMatch(/weight 'conv1\/kernel' is quantized to uint8/);
  });

  it('for a layer that does not fit its input', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson) as ModelJson & { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } };
    json.modelTopology.config.layers.splice(7, 1); // drop the Flatten: dense1 now follows a feature map
    const err = formatError(() => modelFromArtifacts(json, weightData));
    expect(err.layer).toBe('dense1');
    expect(err.message).toMatch(/layer 'dense1' \(dense\): needs a flat input.*\[2, 2, 6\]/);
  });

  it('for preprocessing layers after the first computing layer, or doubled by our metadata', () => {
    const { modelJson, weightData } = saved();
    const json = clone(modelJson) as ModelJson & { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } };
    json.modelTopology.config.layers.splice(2, 0, { class_name: 'Rescaling', config: { name: 'late', scale: 2 } });
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'late' \(Rescaling\): preprocessing layers are supported only at the front/);
    const both = clone(modelJson) as typeof json;
    both.modelTopology.config.layers.unshift({ class_name: 'Rescaling', config: { name: 'front', scale: 2, batch_input_shape: [null, 7, 9, 3] } });
    expect(formatError(() => modelFromArtifacts(both, weightData)).layer).toBe('front');
  });

  it('for a Functional graph that is not a chain', () => {
    const json = {
      modelTopology: {
        class_name: 'Model',
        config: {
          name: 'branchy',
          layers: [
            { class_name: 'InputLayer', name: 'in', inbound_nodes: [], config: { name: 'in', batch_input_shape: [null, 2, 2, 1] } },
            { class_name: 'ReLU', name: 'a', inbound_nodes: [[['in', 0, 0, {}]]], config: { name: 'a' } },
            { class_name: 'ReLU', name: 'b', inbound_nodes: [[['in', 0, 0, {}]]], config: { name: 'b' } },
          ],
          input_layers: [['in', 0, 0]],
          output_layers: [['a', 0, 0]],
        },
      },
      weightsManifest: [],
    };
    const err = formatError(() => modelFromArtifacts(json, new ArrayBuffer(0)));
    expect(err.layer).toBe('in');
    expect(err.message).toMatch(/layer 'in' feeds 2 layers \(a, b\)/);
  });

  it('for missing or short weight data and a non-image input', () => {
    const { modelJson, weightData } = saved();
    expect(formatError(() => modelFromArtifacts(modelJson, {})).message).toMatch(/shard 'group1-shard1of1.bin'.*not provided/);
    expect(formatError(() => modelFromArtifacts(modelJson, weightData.slice(0, 100))).message).toMatch(/weight data has 100 bytes/);
    const flat = clone(modelJson) as ModelJson & { modelTopology: { config: { layers: Array<{ config: Record<string, unknown> }> } } };
    flat.modelTopology.config.layers[0].config.batch_input_shape = [null, 784];
    expect(formatError(() => modelFromArtifacts(flat, weightData)).message).toMatch(/input shape \[null,784\] is not an image/);
  });

  it('when saving a model whose weights do not match its spec', () => {
    const model = randomModel(everyKindSpec(), 5);
    model.weights.dense1.kernel = { shape: [7, 24], data: new Float32Array(168) };
    const err = formatError(() => modelToArtifacts(model));
    expect(err.layer).toBe('dense1');
    expect(err.message).toMatch(/weight 'kernel' has shape \[7, 24\].*needs \[24, 7\]/);
    const stray = randomModel(everyKindSpec(), 5);
    stray.weights.pool1 = { kernel: { shape: [1], data: new Float32Array(1) } };
    expect(formatError(() => modelToArtifacts(stray)).layer).toBe('pool1');
  });
});

describe('global average pooling in the save format', () => {
  it('round-trips as GlobalAveragePooling2D, and refuses keepdims and channels_first naming the layer', () => {
    const model = randomModel(globalPoolSpec(), 8);
    const { modelJson, weightData } = modelToArtifacts(model);
    const json = clone(modelJson) as ModelJson & { modelTopology: { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } } };
    const gap = json.modelTopology.config.layers[2];
    expect(gap).toEqual({ class_name: 'GlobalAveragePooling2D', config: { data_format: 'channels_last', name: 'gap', trainable: true } });
    const back = modelFromArtifacts(modelJson, weightData);
    expect(back.spec.layers).toEqual(model.spec.layers);
    expect(weightBits(back)).toEqual(weightBits(model));

    gap.config.keepdims = true;
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'gap' \(GlobalAveragePooling2D\): keepdims true is not supported/);
    gap.config = { name: 'gap', data_format: 'channels_first' };
    expect(formatError(() => modelFromArtifacts(json, weightData)).message).toMatch(/layer 'gap' \(GlobalAveragePooling2D\): data_format 'channels_first'/);
  });
});
