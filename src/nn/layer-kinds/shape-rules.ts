/** Checks and counts shared by the kinds' shape inference; every error names the layer and its kind. */
import { windowGeometry, type Padding, type WindowGeometry } from '../../gpu/kernels/window-geometry.ts';
import type { LayerSpec, PoolLayer } from '../layers.ts';
import { ModelSpecError } from '../model-spec-error.ts';

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
export const fmtShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const isPositiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

export function layerError(layer: LayerSpec, problem: string): ModelSpecError {
  return new ModelSpecError(`layer '${layer.name}' (${layer.kind}): ${problem}`, layer.name);
}

export function requirePositiveInts(layer: LayerSpec, what: string, values: readonly number[]): void {
  if (!values.every(isPositiveInt)) throw layerError(layer, `${what} must be positive integers, got ${fmtShape(values)}`);
}

/** The input as a feature map [height, width, channels], or an error naming the layer. */
export function requireMap(layer: LayerSpec, input: readonly number[]): [number, number, number] {
  if (input.length !== 3) {
    throw layerError(layer, `needs a feature map [height, width, channels] but gets ${fmtShape(input)}`);
  }
  return [input[0], input[1], input[2]];
}

/** Applies windowGeometry, turning its RangeError into an error that names the layer. */
export function windowOutput(layer: LayerSpec, input: readonly number[], k: [number, number], s: [number, number], padding: Padding): WindowGeometry {
  const [h, w] = input;
  try {
    return windowGeometry(h, w, k[0], k[1], s[0], s[1], padding);
  } catch (err) {
    throw layerError(layer, (err as Error).message);
  }
}

/** FLOPs a fused activation adds per output value: relu 1 (a max), softmax 3 (exp, add, divide). */
export function activationFlops(activation: 'linear' | 'relu' | 'softmax'): number {
  return activation === 'relu' ? 1 : activation === 'softmax' ? 3 : 0;
}

export function sumSizes(shapes: Record<string, number[]>): number {
  return Object.values(shapes).reduce((sum, s) => sum + product(s), 0);
}

/** The summary of a layer without weights. */
export function weightless(outputShape: number[], flops: number) {
  return { outputShape, weightShapes: {}, params: 0, trainableParams: 0, flops };
}

/** Output shape [outH, outW, C] of a pooling window over a feature map, and its output count. */
export function poolWindows(layer: PoolLayer, input: readonly number[]): { outputShape: number[]; outputs: number; window: number } {
  const [, , c] = requireMap(layer, input);
  requirePositiveInts(layer, 'poolSize and strides', [...layer.poolSize, ...layer.strides]);
  const g = windowOutput(layer, input, layer.poolSize, layer.strides, layer.padding);
  return { outputShape: [g.outH, g.outW, c], outputs: g.outH * g.outW * c, window: layer.poolSize[0] * layer.poolSize[1] };
}
