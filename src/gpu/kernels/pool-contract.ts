/**
 * What the pool kernels (pool.ts), their CPU reference (src/reference/pool.ts) and the model layers agree on: the
 * parameters of a pooling window and its geometry (TensorFlow's, window-geometry.ts), checked the same way
 * everywhere. Part of the kernels' contracts (see pcg-hash.ts for the scheme).
 *
 * Window (oy, ox) covers input rows iy = oy * strideH + ky - padTop for ky in [0, poolH), columns likewise.
 */
import { windowGeometry, type Padding, type WindowGeometry } from './window-geometry.ts';

export interface PoolParams {
  poolH: number;
  poolW: number;
  strideH: number;
  strideW: number;
  padding: Padding;
}

/** [batch, height, width, channels]. */
export type Nhwc = [number, number, number, number];

/** The window geometry of a pooling layer, after checking that the shape and parameters are positive integers. */
export function poolGeometry(xShape: Nhwc, params: PoolParams): WindowGeometry {
  const fields: [string, number][] = [
    ['batch', xShape[0]], ['height', xShape[1]], ['width', xShape[2]], ['channels', xShape[3]],
    ['poolH', params.poolH], ['poolW', params.poolW], ['strideH', params.strideH], ['strideW', params.strideW],
  ];
  for (const [name, value] of fields) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`pool: ${name} must be a positive integer, got ${value}`);
  }
  return windowGeometry(xShape[1], xShape[2], params.poolH, params.poolW, params.strideH, params.strideW, params.padding);
}
