/**
 * Shape inference, parameter counts and FLOP counts for a ModelSpec.
 *
 * Shapes are per image, without the batch axis: [height, width, channels] for feature maps (NHWC without N) and
 * [features] after a flatten or a dense layer. Window geometry (conv, pooling) is TensorFlow's, from
 * src/gpu/kernels/window-geometry.ts, so the numbers agree with Keras's `model.summary()` for imported models.
 *
 * FLOPs are counted per image for one forward pass at inference:
 *   - conv2d / dense: 2 x multiply-adds, i.e. 2 * K per output value with K = kH*kW*inC (conv) or inF (dense).
 *     That is K multiplies and K adds: K - 1 adds to sum the products and one for the bias (we count 2K with or
 *     without a bias, the usual convention). Every tap of the window counts, also those that fall on 'same'
 *     padding (the hardware does them too). A fused ReLU adds 1 per output, a fused softmax 3 (below).
 *   - relu: 1 per element (a max).
 *   - maxpool: kH*kW - 1 comparisons per output; avgpool: kH*kW - 1 adds and one multiply per output.
 *     Like conv, the full window counts, also where it overlaps padding.
 *   - batchnorm (inference form, folded into y = x * a[c] + b[c]): 2 per element.
 *   - softmax: 3 per element (one exp, one add to the sum, one divide); the max subtraction is not counted.
 *   - flatten, dropout (identity at inference): 0.
 * Parameters: conv kH*kW*inC*filters (+ filters for the bias); dense inF*units (+ units); batchnorm 4 per
 * channel (gamma, beta, moving mean, moving variance; gamma/beta only when `scale`/`center`), as Keras counts
 * them; of these only gamma and beta are trainable.
 */
import { windowGeometry } from './conv-geometry.ts';
import type { LayerSpec, ModelSpec } from './layers.ts';

/** A spec that does not describe a computable model; `layer` names the offending layer when there is one. */
export class ModelSpecError extends Error {
  readonly layer: string | undefined;
  constructor(message: string, layer?: string) {
    super(message);
    this.name = 'ModelSpecError';
    this.layer = layer;
  }
}

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

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function layerError(layer: LayerSpec, problem: string): ModelSpecError {
  return new ModelSpecError(`layer '${layer.name}' (${layer.kind}): ${problem}`, layer.name);
}

function requirePositiveInts(layer: LayerSpec, what: string, values: readonly number[]): void {
  if (!values.every(isPositiveInt)) throw layerError(layer, `${what} must be positive integers, got ${fmtShape(values)}`);
}

function requireMap(layer: LayerSpec, input: readonly number[]): [number, number, number] {
  if (input.length !== 3) {
    throw layerError(layer, `needs a feature map [height, width, channels] but gets ${fmtShape(input)}`);
  }
  return input as [number, number, number];
}

/** Applies windowGeometry, turning its RangeError into an error that names the layer. */
function windowOutput(layer: LayerSpec, input: readonly number[], k: [number, number], s: [number, number], padding: 'same' | 'valid') {
  const [h, w] = input;
  try {
    return windowGeometry(h, w, k[0], k[1], s[0], s[1], padding);
  } catch (err) {
    throw layerError(layer, (err as Error).message);
  }
}

/** Infers one layer's output shape, weight shapes, parameter and FLOP counts from its input shape. */
export function summarizeLayer(layer: LayerSpec, inputShape: readonly number[]): LayerSummary {
  const input = [...inputShape];
  const base = { name: layer.name, kind: layer.kind, inputShape: input };
  const elements = product(input);
  switch (layer.kind) {
    case 'conv2d': {
      const [, , inC] = requireMap(layer, input);
      requirePositiveInts(layer, 'filters, kernelSize and strides', [layer.filters, ...layer.kernelSize, ...layer.strides]);
      const g = windowOutput(layer, input, layer.kernelSize, layer.strides, layer.padding);
      const [kH, kW] = layer.kernelSize;
      const weightShapes: Record<string, number[]> = { kernel: [kH, kW, inC, layer.filters] };
      if (layer.useBias) weightShapes.bias = [layer.filters];
      const outputs = g.outH * g.outW * layer.filters;
      const params = sumSizes(weightShapes);
      const flops = outputs * (2 * kH * kW * inC + activationFlops(layer.activation));
      return { ...base, outputShape: [g.outH, g.outW, layer.filters], weightShapes, params, trainableParams: params, flops };
    }
    case 'dense': {
      if (input.length !== 1) {
        throw layerError(layer, `needs a flat input [features] but gets ${fmtShape(input)}; add a flatten layer before it`);
      }
      requirePositiveInts(layer, 'units', [layer.units]);
      const inF = input[0];
      const weightShapes: Record<string, number[]> = { kernel: [inF, layer.units] };
      if (layer.useBias) weightShapes.bias = [layer.units];
      const params = sumSizes(weightShapes);
      const flops = layer.units * (2 * inF + activationFlops(layer.activation));
      return { ...base, outputShape: [layer.units], weightShapes, params, trainableParams: params, flops };
    }
    case 'maxpool':
    case 'avgpool': {
      const [, , c] = requireMap(layer, input);
      requirePositiveInts(layer, 'poolSize and strides', [...layer.poolSize, ...layer.strides]);
      const g = windowOutput(layer, input, layer.poolSize, layer.strides, layer.padding);
      const window = layer.poolSize[0] * layer.poolSize[1];
      // max: window - 1 comparisons; average: window - 1 adds and one multiply by 1/count.
      const perOutput = layer.kind === 'maxpool' ? window - 1 : window;
      return { ...base, outputShape: [g.outH, g.outW, c], weightShapes: {}, params: 0, trainableParams: 0, flops: g.outH * g.outW * c * perOutput };
    }
    case 'batchnorm': {
      if (input.length === 0) throw layerError(layer, 'needs an input with a channel axis');
      if (!(layer.epsilon > 0)) throw layerError(layer, `epsilon must be positive, got ${layer.epsilon}`);
      const c = input[input.length - 1];
      const weightShapes: Record<string, number[]> = {};
      if (layer.scale) weightShapes.gamma = [c];
      if (layer.center) weightShapes.beta = [c];
      weightShapes.moving_mean = [c];
      weightShapes.moving_variance = [c];
      const trainableParams = (layer.scale ? c : 0) + (layer.center ? c : 0);
      return { ...base, outputShape: input, weightShapes, params: sumSizes(weightShapes), trainableParams, flops: 2 * elements };
    }
    case 'dropout': {
      if (!(layer.rate >= 0 && layer.rate < 1)) throw layerError(layer, `rate must be in [0, 1), got ${layer.rate}`);
      return { ...base, outputShape: input, weightShapes: {}, params: 0, trainableParams: 0, flops: 0 };
    }
    case 'flatten':
      return { ...base, outputShape: [elements], weightShapes: {}, params: 0, trainableParams: 0, flops: 0 };
    case 'relu':
      return { ...base, outputShape: input, weightShapes: {}, params: 0, trainableParams: 0, flops: elements };
    case 'softmax':
      return { ...base, outputShape: input, weightShapes: {}, params: 0, trainableParams: 0, flops: 3 * elements };
    default: {
      const unknown = layer as { name?: unknown; kind?: unknown };
      throw new ModelSpecError(`layer '${String(unknown.name)}': unknown kind '${String(unknown.kind)}'`, String(unknown.name));
    }
  }
}

function activationFlops(activation: 'linear' | 'relu' | 'softmax'): number {
  return activation === 'relu' ? 1 : activation === 'softmax' ? 3 : 0;
}

function sumSizes(shapes: Record<string, number[]>): number {
  return Object.values(shapes).reduce((sum, s) => sum + product(s), 0);
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

/** Per-image output shape of every layer, in order (a shorthand of summarizeModel). */
export function inferShapes(spec: ModelSpec): number[][] {
  return summarizeModel(spec).layers.map((l) => l.outputShape);
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
