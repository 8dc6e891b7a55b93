/**
 * The layer registries (src/nn/layer-registry.ts, src/io/keras-codec-registry.ts, src/reference/layer-references.ts)
 * cover the same kinds, and their types refuse an incomplete registry: the `@ts-expect-error` lines below fail
 * `tsc --noEmit` (run by `npm test`) if a registry missing a kind, or a kind missing a part, ever compiles.
 */
import { describe, expect, it } from 'vitest';
import { KERAS_CODECS } from '../../src/io/keras-codec-registry.ts';
import { LAYER_KINDS, layerKind, type LayerRegistry } from '../../src/nn/layer-registry.ts';
import type { LayerKind } from '../../src/nn/layer-kinds/layer-kind.ts';
import type { LayerOf, LayerSpec } from '../../src/nn/layers.ts';
import { ModelSpecError } from '../../src/nn/model-spec-error.ts';
import { LAYER_REFERENCES } from '../../src/reference/layer-references.ts';

describe('the layer registries', () => {
  it('hold the same kinds: every kind has its module, its Keras codec and its CPU reference', () => {
    const kinds = Object.keys(LAYER_KINDS).sort();
    expect(kinds.length).toBeGreaterThanOrEqual(9);
    expect(Object.keys(KERAS_CODECS).sort()).toEqual(kinds);
    expect(Object.keys(LAYER_REFERENCES).sort()).toEqual(kinds);
  });

  it('refuse, at compile time, a registry without a kind and a kind without a part', () => {
    const { relu: _dropped, ...withoutRelu } = LAYER_KINDS;
    // @ts-expect-error: 'relu' is missing, so this is not a LayerRegistry.
    const incomplete: LayerRegistry = withoutRelu;
    const { outputSign: _sign, ...partial } = LAYER_KINDS.relu;
    // @ts-expect-error: a kind without outputSign is not a LayerKind.
    const partialKind: LayerKind<LayerOf<'relu'>> = partial;
    expect(Object.keys(incomplete)).not.toContain('relu');
    expect(partialKind).not.toHaveProperty('outputSign');
  });

  it('name the layer of a kind no registry knows (a spec from untyped JSON)', () => {
    const bogus = { kind: 'lstm', name: 'rnn1' } as unknown as LayerSpec;
    expect(() => layerKind(bogus)).toThrow(ModelSpecError);
    expect(() => layerKind(bogus)).toThrow(/layer 'rnn1': unknown kind 'lstm' \(known: conv2d, dense/);
  });
});
