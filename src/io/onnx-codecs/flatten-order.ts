/**
 * Where a flatten puts each feature in ONNX: ours flattens an H x W x C map in (h, w, c) order, ONNX's Flatten of
 * the NCHW map in (c, h, w) order. order[(h * W + w) * C + c] = (c * H + h) * W + w. With H * W = 1 both orders
 * are the channel order and the result is null (nothing to reorder).
 */
import type { FeatureOrder } from './onnx-codec.ts';

export function flattenOrder(shape: readonly number[]): FeatureOrder {
  if (shape.length !== 3) return null;
  const [H, W, C] = shape;
  if (H * W === 1) return null;
  const order = new Int32Array(H * W * C);
  for (let h = 0; h < H; h++) {
    for (let w = 0; w < W; w++) {
      for (let c = 0; c < C; c++) order[(h * W + w) * C + c] = (c * H + h) * W + w;
    }
  }
  return order;
}

/** `ours` with entry i taken from ONNX's `theirs[order[i]]` (a per-feature vector read from ONNX). */
export function fromOnnxOrder(theirs: Float32Array, order: FeatureOrder): Float32Array {
  if (!order) return theirs;
  return Float32Array.from(order, (j) => theirs[j]);
}

/** ONNX's vector with entry order[i] set to our `ours[i]` (a per-feature vector written to ONNX). */
export function toOnnxOrder(ours: Float32Array, order: FeatureOrder): Float32Array {
  if (!order) return ours;
  const theirs = new Float32Array(ours.length);
  order.forEach((j, i) => (theirs[j] = ours[i]));
  return theirs;
}
