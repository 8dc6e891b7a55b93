/**
 * Which buffer holds a conv layer's map "after the layer's nonlinearity" (METHOD.md):
 *   - a conv2d with a fused 'relu' activation: its own output;
 *   - otherwise the output of the first 'relu' layer reached through layers that keep the channels one to one
 *     (batchnorm, dropout, relu itself), e.g. conv (linear) -> batchnorm -> relu;
 *   - otherwise (a linear conv followed by pooling, a flatten or another conv) the conv's own output, compared
 *     against tau as it is.
 * Ablation zeroes this same map, so it removes exactly what the layer's consumers would lose if the kernel were
 * dropped (whenever the map is the consumers' input, as in all three cases above but the last).
 */
import type { ModelSpec } from '../nn/layers.ts';
import { ModelSpecError } from '../nn/shapes.ts';

export interface MapSource {
  /** Index and name of the conv layer. */
  convIndex: number;
  layer: string;
  /** Index and name of the layer whose output buffer is counted. */
  sourceIndex: number;
  sourceLayer: string;
}

/** The map source of conv layer `name` in `spec`; errors name the layer when it is missing or not a conv. */
export function mapSource(spec: ModelSpec, name: string): MapSource {
  const convIndex = spec.layers.findIndex((l) => l.name === name);
  if (convIndex < 0) {
    const convs = spec.layers.filter((l) => l.kind === 'conv2d').map((l) => l.name);
    throw new ModelSpecError(`model '${spec.name}' has no layer '${name}' (conv layers: ${convs.join(', ') || 'none'})`, name);
  }
  const conv = spec.layers[convIndex];
  if (conv.kind !== 'conv2d') throw new ModelSpecError(`layer '${name}' is a ${conv.kind}, not a conv2d; maps are made for conv layers`, name);
  let sourceIndex = convIndex;
  if (conv.activation !== 'relu') {
    for (let j = convIndex + 1; j < spec.layers.length; j++) {
      const kind = spec.layers[j].kind;
      if (kind === 'relu') {
        sourceIndex = j;
        break;
      }
      if (kind !== 'batchnorm' && kind !== 'dropout') break;
    }
  }
  return { convIndex, layer: name, sourceIndex, sourceLayer: spec.layers[sourceIndex].name };
}

/** Names of every conv2d layer, in model order. */
export function convLayerNames(spec: ModelSpec): string[] {
  return spec.layers.filter((l) => l.kind === 'conv2d').map((l) => l.name);
}
