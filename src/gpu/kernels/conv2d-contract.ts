/**
 * What the conv2d kernels (conv2d.ts), their CPU reference (src/reference/conv2d.ts) and the model layers agree
 * on: the shape of one convolution and its window geometry (TensorFlow's, window-geometry.ts). Part of the
 * kernels' contracts (see pcg-hash.ts for the scheme).
 *
 *   y[n, oy, ox, k] = bias[k] + sum_{dy, dx, c} x[n, oy*strideH + dy - padTop, ox*strideW + dx - padLeft, c] * w[dy, dx, c, k]
 * with x NHWC [batch, inH, inW, inC], w HWIO [kH, kW, inC, outC] and y NHWC [batch, outH, outW, outC].
 */
import { windowGeometry, type Padding, type WindowGeometry } from './window-geometry.ts';

export interface Conv2dShape {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  kH: number;
  kW: number;
  outC: number;
  strideH: number;
  strideW: number;
  padding: Padding;
}

/** Output size and padding of the convolution `s`. */
export function conv2dGeometry(s: Conv2dShape): WindowGeometry {
  return windowGeometry(s.inH, s.inW, s.kH, s.kW, s.strideH, s.strideW, s.padding);
}
