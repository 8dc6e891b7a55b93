/**
 * The layer registry: one entry per layer kind, each the kind's module in layer-kinds/. The mapped type makes a
 * kind of LayerSpec without an entry, or an entry without one of LayerKind's parts, a compile error; code that
 * needs a kind's behaviour asks `layerKind(layer)` instead of switching on `layer.kind`.
 */
import type { LayerKindName, LayerOf, LayerSpec } from './layers.ts';
import { ModelSpecError } from './model-spec-error.ts';
import type { LayerKind } from './layer-kinds/layer-kind.ts';
import { avgpoolKind } from './layer-kinds/avgpool.ts';
import { batchnormKind } from './layer-kinds/batchnorm.ts';
import { conv2dKind } from './layer-kinds/conv2d.ts';
import { denseKind } from './layer-kinds/dense.ts';
import { dropoutKind } from './layer-kinds/dropout.ts';
import { flattenKind } from './layer-kinds/flatten.ts';
import { globalAvgPoolKind } from './layer-kinds/global-avg-pool.ts';
import { maxpoolKind } from './layer-kinds/maxpool.ts';
import { reluKind } from './layer-kinds/relu.ts';
import { softmaxKind } from './layer-kinds/softmax.ts';

export type LayerRegistry = { readonly [K in LayerKindName]: LayerKind<LayerOf<K>> };

export const LAYER_KINDS: LayerRegistry = {
  conv2d: conv2dKind,
  dense: denseKind,
  maxpool: maxpoolKind,
  avgpool: avgpoolKind,
  globalavgpool: globalAvgPoolKind,
  batchnorm: batchnormKind,
  dropout: dropoutKind,
  flatten: flattenKind,
  relu: reluKind,
  softmax: softmaxKind,
};

/**
 * The kind of `layer`. The registry's mapped type guarantees LAYER_KINDS[K] handles LayerOf<K>; TypeScript cannot
 * correlate the two through a union-typed `layer`, hence the one cast here. A kind that is not in the registry
 * (a spec read from untyped JSON) is a ModelSpecError naming the layer.
 */
export function layerKind<L extends LayerSpec>(layer: L): LayerKind<L> {
  const kind = Object.hasOwn(LAYER_KINDS, layer.kind) ? LAYER_KINDS[layer.kind as LayerKindName] : undefined;
  if (!kind) {
    throw new ModelSpecError(
      `layer '${String(layer.name)}': unknown kind '${String(layer.kind)}' (known: ${Object.keys(LAYER_KINDS).join(', ')})`,
      String(layer.name),
    );
  }
  return kind as unknown as LayerKind<L>;
}
