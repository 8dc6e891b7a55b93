/**
 * One layer between our LayerSpec and Keras's serialised layer config (class_name + config, as in model.json).
 *
 * Writing mirrors what TF.js's own `model.save` writes, so `tf.loadLayersModel` rebuilds the same layers
 * (initialisers are recorded too: He-uniform kernels, zero biases, as src/nn/init.ts does).
 * Reading accepts TF.js's and Keras 2/3's spellings for the supported classes:
 *   Conv2D, Dense, MaxPooling2D, AveragePooling2D, BatchNormalization, Dropout, Flatten, Activation
 *   (relu / softmax / linear), ReLU, Softmax -> layers; InputLayer and Activation('linear') -> nothing;
 *   Rescaling, Normalization -> the model's preprocessing (composed by the caller).
 * Anything else, or a supported class with an option we do not implement (dilation, groups, channels_first,
 * a leaky or capped ReLU, …), is a ModelFormatError naming the layer.
 */
import type { Activation, LayerSpec } from '../nn/layers.ts';
import type { KerasLayerEntry } from './keras-topology.ts';
import { ModelFormatError } from './model-format-error.ts';

/** What a Keras layer becomes on import. */
export type KerasImport =
  | { type: 'layer'; layer: LayerSpec }
  | { type: 'skip' }
  | { type: 'rescaling'; scale: number[]; offset: number[] }
  /** mean/variance null: the values are weights of the layer ('mean', 'variance'), not in its config. */
  | { type: 'normalization'; mean: number[] | null; variance: number[] | null };

/** Serialised Keras layer, as in model.json. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

export const SUPPORTED_KERAS_CLASSES = [
  'InputLayer', 'Conv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D', 'BatchNormalization', 'Dropout', 'Flatten',
  'Activation', 'ReLU', 'Softmax', 'Rescaling', 'Normalization',
] as const;

function fail(e: KerasLayerEntry, problem: string): ModelFormatError {
  return new ModelFormatError(`layer '${e.name}' (${e.className}): ${problem}`, e.name);
}

function num(e: KerasLayerEntry, key: string, fallback?: number): number {
  const v = e.config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(e, `${key} must be a number, got ${JSON.stringify(e.config[key])}`);
  return v;
}

function bool(e: KerasLayerEntry, key: string, fallback: boolean): boolean {
  const v = e.config[key] ?? fallback;
  if (typeof v !== 'boolean') throw fail(e, `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** An int or a pair of ints (kernel_size, strides, pool_size). */
function pair(e: KerasLayerEntry, key: string, fallback?: [number, number]): [number, number] {
  const v = e.config[key] ?? fallback;
  const list = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((x) => Number.isInteger(x) && x > 0)) {
    throw fail(e, `${key} must be a positive integer or a pair of them, got ${JSON.stringify(e.config[key])}`);
  }
  return [list[0], list[1]];
}

function numberList(e: KerasLayerEntry, key: string): number[] {
  const v = e.config[key];
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw fail(e, `${key} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
  }
  return list;
}

function padding(e: KerasLayerEntry): 'same' | 'valid' {
  const v = String(e.config.padding ?? 'valid').toLowerCase();
  if (v !== 'same' && v !== 'valid') throw fail(e, `padding '${v}' is not supported (same or valid)`);
  return v;
}

function requireChannelsLast(e: KerasLayerEntry): void {
  const f = e.config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') throw fail(e, `data_format '${String(f)}' is not supported (channels_last only)`);
}

/** Keras activation name; Keras 3 may write a serialised function object instead of a string. */
function activationName(e: KerasLayerEntry): string {
  const v = e.config.activation;
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const inner = o.config as Record<string, unknown> | undefined;
    if (typeof inner?.name === 'string') return inner.name;
    if (typeof o.class_name === 'string') return o.class_name;
  }
  throw fail(e, `cannot read activation ${JSON.stringify(v)}`);
}

function fusedActivation(e: KerasLayerEntry, allowSoftmax: boolean): Activation | 'softmax' {
  const a = activationName(e);
  if (a === 'linear' || a === 'relu' || (allowSoftmax && a === 'softmax')) return a;
  throw fail(e, `activation '${a}' is not supported (${allowSoftmax ? 'linear, relu or softmax' : 'linear or relu'})`);
}

/** Whether the integer axis (or a one-element list of it) is the last axis of a rank-`rank` tensor with batch. */
function isLastAxis(axis: unknown, rank: number): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === -1 || a === rank - 1;
}

/** The per-image input shape [h, w, c] a layer config declares (batch_input_shape, or Keras 3's batch_shape). */
export function declaredInputShape(e: KerasLayerEntry): unknown {
  return e.config.batch_input_shape ?? e.config.batch_shape;
}

/**
 * Converts one Keras layer. `inputShape` is the per-image shape arriving at it (needed to check the axis of
 * BatchNormalization / Softmax against the tensor's rank).
 */
export function layerFromKeras(e: KerasLayerEntry, inputShape: readonly number[]): KerasImport {
  const name = e.name;
  const rank = inputShape.length + 1; // Keras axes count the batch axis
  switch (e.className) {
    case 'InputLayer':
      return { type: 'skip' };
    case 'Conv2D':
    case 'Convolution2D': {
      requireChannelsLast(e);
      const dilation = pair(e, 'dilation_rate', [1, 1]);
      if (dilation[0] !== 1 || dilation[1] !== 1) throw fail(e, `dilation_rate ${JSON.stringify(dilation)} is not supported (1 only)`);
      if ((e.config.groups ?? 1) !== 1) throw fail(e, `groups ${JSON.stringify(e.config.groups)} is not supported (1 only)`);
      const activation = fusedActivation(e, false) as Activation;
      return {
        type: 'layer',
        layer: {
          kind: 'conv2d', name, filters: num(e, 'filters'), kernelSize: pair(e, 'kernel_size'), strides: pair(e, 'strides', [1, 1]),
          padding: padding(e), useBias: bool(e, 'use_bias', true), activation,
        },
      };
    }
    case 'Dense':
      return { type: 'layer', layer: { kind: 'dense', name, units: num(e, 'units'), useBias: bool(e, 'use_bias', true), activation: fusedActivation(e, true) } };
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      requireChannelsLast(e);
      const poolSize = pair(e, 'pool_size', [2, 2]);
      // Keras: strides null means strides = pool_size.
      const strides = e.config.strides == null ? poolSize : pair(e, 'strides');
      const kind = e.className.startsWith('Max') ? 'maxpool' : 'avgpool';
      return { type: 'layer', layer: { kind, name, poolSize, strides, padding: padding(e) } };
    }
    case 'BatchNormalization':
    case 'BatchNormalizationV1':
    case 'BatchNormalizationV2': {
      if (!isLastAxis(e.config.axis ?? -1, rank)) {
        throw fail(e, `axis ${JSON.stringify(e.config.axis)} is not supported: only the channel (last) axis of its ${rank}-D input`);
      }
      return {
        type: 'layer',
        layer: {
          kind: 'batchnorm', name, epsilon: num(e, 'epsilon', 1e-3), momentum: num(e, 'momentum', 0.99),
          center: bool(e, 'center', true), scale: bool(e, 'scale', true),
        },
      };
    }
    case 'Dropout':
      return { type: 'layer', layer: { kind: 'dropout', name, rate: num(e, 'rate') } };
    case 'Flatten':
      requireChannelsLast(e);
      return { type: 'layer', layer: { kind: 'flatten', name } };
    case 'Activation': {
      const a = activationName(e);
      if (a === 'linear') return { type: 'skip' };
      if (a === 'relu' || a === 'softmax') return { type: 'layer', layer: { kind: a, name } };
      throw fail(e, `activation '${a}' is not supported (relu, softmax or linear)`);
    }
    case 'ReLU': {
      const maxValue = e.config.max_value ?? null;
      const slope = e.config.negative_slope ?? e.config.alpha ?? 0;
      const threshold = e.config.threshold ?? 0;
      if (maxValue !== null || slope !== 0 || threshold !== 0) {
        throw fail(e, `only the plain ReLU is supported (max_value ${JSON.stringify(maxValue)}, negative_slope ${JSON.stringify(slope)}, threshold ${JSON.stringify(threshold)})`);
      }
      return { type: 'layer', layer: { kind: 'relu', name } };
    }
    case 'Softmax':
      if (!isLastAxis(e.config.axis ?? -1, rank)) throw fail(e, `axis ${JSON.stringify(e.config.axis)} is not supported: only the last axis`);
      return { type: 'layer', layer: { kind: 'softmax', name } };
    case 'Rescaling':
      return { type: 'rescaling', scale: numberList(e, 'scale'), offset: e.config.offset == null ? [0] : numberList(e, 'offset') };
    case 'Normalization': {
      if (e.config.invert === true) throw fail(e, 'invert=true (de-normalisation) is not supported');
      const axis = e.config.axis === undefined ? -1 : e.config.axis;
      // axis null: one mean/variance for the whole input; otherwise it must be the channel axis.
      if (axis !== null && !isLastAxis(axis, rank)) throw fail(e, `axis ${JSON.stringify(axis)} is not supported: only the channel (last) axis`);
      const mean = e.config.mean == null ? null : numberList(e, 'mean');
      const variance = e.config.variance == null ? null : numberList(e, 'variance');
      if ((mean === null) !== (variance === null)) throw fail(e, 'config gives only one of mean and variance');
      return { type: 'normalization', mean, variance };
    }
    default:
      throw fail(e, `unsupported layer type; supported: ${SUPPORTED_KERAS_CLASSES.join(', ')}`);
  }
}

const HE_UNIFORM = { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'uniform', seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };
const ONES = { class_name: 'Ones', config: {} };

/** The Keras config of one of our layers, as TF.js's `model.save` writes it. */
export function layerToKeras(layer: LayerSpec): KerasLayerJson {
  const common = { name: layer.name, trainable: true };
  switch (layer.kind) {
    case 'conv2d':
      return {
        class_name: 'Conv2D',
        config: {
          filters: layer.filters, kernel_initializer: HE_UNIFORM, kernel_regularizer: null, kernel_constraint: null,
          kernel_size: [...layer.kernelSize], strides: [...layer.strides], padding: layer.padding, data_format: 'channels_last',
          dilation_rate: [1, 1], activation: layer.activation, use_bias: layer.useBias, bias_initializer: ZEROS,
          bias_regularizer: null, activity_regularizer: null, bias_constraint: null, ...common,
        },
      };
    case 'dense':
      return {
        class_name: 'Dense',
        config: {
          units: layer.units, activation: layer.activation, use_bias: layer.useBias, kernel_initializer: HE_UNIFORM,
          bias_initializer: ZEROS, kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null,
          kernel_constraint: null, bias_constraint: null, ...common,
        },
      };
    case 'maxpool':
    case 'avgpool':
      return {
        class_name: layer.kind === 'maxpool' ? 'MaxPooling2D' : 'AveragePooling2D',
        config: { pool_size: [...layer.poolSize], padding: layer.padding, strides: [...layer.strides], data_format: 'channels_last', ...common },
      };
    case 'batchnorm':
      return {
        class_name: 'BatchNormalization',
        config: {
          axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: layer.center, scale: layer.scale,
          beta_initializer: ZEROS, gamma_initializer: ONES, moving_mean_initializer: ZEROS, moving_variance_initializer: ONES,
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null, ...common,
        },
      };
    case 'dropout':
      return { class_name: 'Dropout', config: { rate: layer.rate, noise_shape: null, seed: null, ...common } };
    case 'flatten':
      return { class_name: 'Flatten', config: { ...common } };
    case 'relu':
    case 'softmax':
      return { class_name: 'Activation', config: { activation: layer.kind, ...common } };
  }
}
