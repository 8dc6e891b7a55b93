/**
 * Shape inference, parameter counts and FLOP counts for a ModelSpec.
 *
 * Shapes are per image, without the batch axis: [height, width, channels] for feature maps (NHWC without N) and
 * [features] after a flatten or a dense layer. Window geometry (conv, pooling) is TensorFlow's, from
 * src/gpu/kernels/window-geometry.ts, so the numbers agree with Keras's `model.summary()` for imported models.
 *
 * Each kind's rule is its module's `summarize` (src/nn/layer-kinds/); this file walks the model and checks names.
 * FLOPs are counted per image for one forward pass at inference:
 *   - conv2d / dense: 2 x multiply-adds, i.e. 2 * K per output value with K = kH*kW*inC (conv) or inF (dense).
 *     That is K multiplies and K adds: K - 1 adds to sum the products and one for the bias (we count 2K with or
 *     without a bias, the usual convention). Every tap of the window counts, also those that fall on 'same'
 *     padding (the hardware does them too). A fused ReLU adds 1 per output, a fused softmax 3 (below).
 *   - relu: 1 per element (a max).
 *   - maxpool: kH*kW - 1 comparisons per output; avgpool: kH*kW - 1 adds and one multiply per output.
 *     Like conv, the full window counts, also where it overlaps padding.
 *   - globalavgpool ([H, W, C] -> [C]): counted like one avgpool window per channel, H*W - 1 adds and one
 *     multiply, so H*W*C.
 *   - batchnorm (inference form, folded into y = x * a[c] + b[c]): 2 per element.
 *   - softmax: 3 per element (one exp, one add to the sum, one divide); the max subtraction is not counted.
 *   - flatten, dropout (identity at inference): 0.
 * Parameters: conv kH*kW*inC*filters (+ filters for the bias); dense inF*units (+ units); batchnorm 4 per
 * channel (gamma, beta, moving mean, moving variance; gamma/beta only when `scale`/`center`), as Keras counts
 * them; of these only gamma and beta are trainable.
 */
import type { LayerSpec, ModelSpec } from './layers.ts';
import { layerKind } from './layer-registry.ts';
import { fmtShape } from './layer-kinds/shape-rules.ts';
import { ModelSpecError } from './model-spec-error.ts';

export { ModelSpecError } from './model-spec-error.ts';

/** The shapes, sizes and cost of one layer. */
export interface LayerSummary {
  name: string;
  kind: LayerSpec['kind'];
  /** Per-image input shape: [h, w, c] or [features]. */
  inputShape: number[];
  /** Per-image output shape: [h, w, c] or [features]. */
  outputShape: number[];
  /** Shape of every weight of the layer, by Keras weight name (empty for layers without weights). */
  weightShapes: Record<string, number[]>;
  /** Number of weight values, all weights (as Keras's "Param #"). */
  params: number;
  /** Weight values changed by gradient descent (batchnorm's moving statistics are not). */
  trainableParams: number;
  /** Floating-point operations per image for the forward pass (see the file comment for the rules). */
  flops: number;
}

/** Shape inference and counts for a whole model. */
export interface ModelSummary {
  inputShape: [number, number, number];
  /** Per-image shape of the last layer's output (the logits for a classifier). */
  outputShape: number[];
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  totalFlops: number;
}

/**
 * Layer names become Keras layer names and weight-name prefixes (`conv1/kernel`) in saved files, so they follow
 * TF.js's rule for tensor names, without '/', which would make weight names ambiguous.
 */
const LAYER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/** Infers one layer's output shape, weight shapes, parameter and FLOP counts from its input shape (its kind's rule). */
export function summarizeLayer(layer: LayerSpec, inputShape: readonly number[]): LayerSummary {
  const input = [...inputShape];
  return { name: layer.name, kind: layer.kind, inputShape: input, ...layerKind(layer).summarize(layer, input) };
}

/**
 * Infers every layer's shapes and counts. Throws ModelSpecError naming the layer when a layer does not fit its
 * input (a window larger than a 'valid' input, a dense layer on a feature map, …), when a name is not a valid
 * Keras/TF.js layer name, or when two layers share a name.
 */
export function summarizeModel(spec: ModelSpec): ModelSummary {
  const inputShape = spec.inputShape;
  if (!Array.isArray(inputShape) || inputShape.length !== 3 || !inputShape.every(isPositiveInt)) {
    throw new ModelSpecError(`model '${spec.name}': inputShape must be [height, width, channels] of positive integers, got ${JSON.stringify(inputShape)}`);
  }
  const seen = new Set<string>();
  const layers: LayerSummary[] = [];
  let shape: number[] = [...inputShape];
  for (const layer of spec.layers) {
    if (typeof layer.name !== 'string' || !LAYER_NAME.test(layer.name)) {
      throw new ModelSpecError(
        `model '${spec.name}': layer name ${JSON.stringify(layer.name)} (${layer.kind}) must start with a letter or digit and contain only letters, digits, '.', '_' and '-'`,
        layer.name,
      );
    }
    if (seen.has(layer.name)) throw new ModelSpecError(`model '${spec.name}': two layers are named '${layer.name}'`, layer.name);
    seen.add(layer.name);
    const summary = summarizeLayer(layer, shape);
    layers.push(summary);
    shape = summary.outputShape;
  }
  return {
    inputShape: [...inputShape],
    outputShape: shape,
    layers,
    totalParams: layers.reduce((s, l) => s + l.params, 0),
    trainableParams: layers.reduce((s, l) => s + l.trainableParams, 0),
    totalFlops: layers.reduce((s, l) => s + l.flops, 0),
  };
}

/**
 * A plain-text table of the model, one row per layer (name, kind, output shape, params, FLOPs) and a total row,
 * like Keras's `model.summary()`.
 */
export function describeModel(spec: ModelSpec): string {
  const summary = summarizeModel(spec);
  const n = (v: number): string => v.toLocaleString('en-US');
  const header = ['Layer', 'Kind', 'Output shape', 'Params', 'FLOPs'];
  const rows = [
    ['input', 'input', fmtShape(summary.inputShape), '0', '0'],
    ...summary.layers.map((l) => [l.name, l.kind, fmtShape(l.outputShape), n(l.params), n(l.flops)]),
  ];
  const total = ['total', '', '', n(summary.totalParams), n(summary.totalFlops)];
  const widths = header.map((h, i) => Math.max(h.length, ...[...rows, total].map((r) => r[i].length)));
  // Text columns left-aligned, number columns right-aligned.
  const line = (r: string[]): string =>
    r.map((cell, i) => (i >= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [
    `Model '${spec.name}'`,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    line(total),
    `Trainable params: ${n(summary.trainableParams)}`,
  ].join('\n');
}
