/**
 * One layer between our LayerSpec and Keras's serialised layer config (class_name + config, as in model.json).
 *
 * Each kind's codec (keras-codecs/, collected in keras-codec-registry.ts) names the Keras classes it reads and
 * writes its config as TF.js's own `model.save` does, so `tf.loadLayersModel` rebuilds the same layers
 * (initialisers are recorded too: He-uniform kernels, zero biases, as src/nn/init.ts does). This file adds the
 * classes that are not one kind: InputLayer and Activation('linear') -> nothing; Activation('relu' / 'softmax')
 * -> the relu / softmax kinds; Rescaling, Normalization -> the model's preprocessing (composed by the caller).
 * Anything else, or a supported class with an option we do not implement (dilation, groups, channels_first,
 * a leaky or capped ReLU, …), is a ModelFormatError naming the layer.
 */
import type { LayerKindName, LayerSpec } from '../nn/layers.ts';
import { activationName, fail, isLastAxis, numberList, type KerasLayerJson } from './keras-config.ts';
import { KERAS_CODECS, kerasCodec } from './keras-codec-registry.ts';
import type { KerasReader } from './keras-codecs/keras-codec.ts';
import type { KerasLayerEntry } from './keras-topology.ts';

export type { KerasLayerJson } from './keras-config.ts';

/** What a Keras layer becomes on import. */
export type KerasImport =
  | { type: 'layer'; layer: LayerSpec }
  | { type: 'skip' }
  | { type: 'rescaling'; scale: number[]; offset: number[] }
  /** mean/variance null: the values are weights of the layer ('mean', 'variance'), not in its config. */
  | { type: 'normalization'; mean: number[] | null; variance: number[] | null };

/** Keras class name -> the reader of the kind it becomes, from every codec; a class claimed twice is a bug here. */
const READERS = new Map<string, KerasReader<LayerSpec>>();
for (const kind of Object.keys(KERAS_CODECS) as LayerKindName[]) {
  for (const [className, reader] of Object.entries(KERAS_CODECS[kind].read)) {
    if (READERS.has(className)) throw new Error(`keras-layers: Keras class '${className}' is read by two layer kinds`);
    READERS.set(className, reader);
  }
}

/** Classes this file reads itself (they are not one layer kind). */
const NON_KIND_CLASSES = ['InputLayer', 'Activation', 'Rescaling', 'Normalization'] as const;

export const SUPPORTED_KERAS_CLASSES: readonly string[] = [...READERS.keys(), ...NON_KIND_CLASSES];

/** The per-image input shape [h, w, c] a layer config declares (batch_input_shape, or Keras 3's batch_shape). */
export function declaredInputShape(e: KerasLayerEntry): unknown {
  return e.config.batch_input_shape ?? e.config.batch_shape;
}

/**
 * Converts one Keras layer. `inputShape` is the per-image shape arriving at it (needed to check the axis of
 * BatchNormalization / Softmax against the tensor's rank).
 */
export function layerFromKeras(e: KerasLayerEntry, inputShape: readonly number[]): KerasImport {
  const rank = inputShape.length + 1; // Keras axes count the batch axis
  const reader = READERS.get(e.className);
  if (reader) return { type: 'layer', layer: reader(e, inputShape) };
  switch (e.className) {
    case 'InputLayer':
      return { type: 'skip' };
    case 'Activation': {
      const a = activationName(e);
      if (a === 'linear') return { type: 'skip' };
      if (a === 'relu' || a === 'softmax') return { type: 'layer', layer: { kind: a, name: e.name } };
      throw fail(e, `activation '${a}' is not supported (relu, softmax or linear)`);
    }
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

/** The Keras config of one of our layers, as TF.js's `model.save` writes it (its kind's codec). */
export function layerToKeras(layer: LayerSpec): KerasLayerJson {
  return kerasCodec(layer).write(layer);
}
