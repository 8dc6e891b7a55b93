/**
 * A layer kind's Keras/TF.js Layers codec: which Keras classes read as the kind, and the config we write for it
 * (as TF.js's `model.save` writes it, so `tf.loadLayersModel` rebuilds the same layer). One module per kind
 * beside this file, collected in ../keras-codec-registry.ts, typed so a kind without a codec fails to compile.
 */
import type { LayerSpec } from '../../nn/layers.ts';
import type { KerasLayerJson } from '../keras-config.ts';
import type { KerasLayerEntry } from '../keras-topology.ts';

/**
 * Reads one Keras layer as the kind. `inputShape` is the per-image shape arriving at it (to check an axis against
 * the tensor's rank). Throws ModelFormatError naming the layer for an option we do not implement.
 */
export type KerasReader<L extends LayerSpec> = (e: KerasLayerEntry, inputShape: readonly number[]) => L;

export interface KerasCodec<L extends LayerSpec> {
  /** Keras class names (every spelling TF.js and Keras 2/3 write) read as this kind. */
  read: Readonly<Record<string, KerasReader<L>>>;
  write(layer: L): KerasLayerJson;
}
