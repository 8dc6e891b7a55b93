/**
 * 2-D max and average pooling over NHWC tensors, plain-loop reference (oracle of shaders/pool.wgsl), forward and
 * backward side by side, in float64.
 *
 * Geometry is TF's (windowGeometry): window (oy, ox) covers input rows iy = oy * strideH + ky - padTop for
 * ky in [0, poolH), columns likewise; taps outside the input are padding. Max pooling ignores padding and sends
 * each window's gradient to its FIRST maximal tap in row-major tap order (ky, then kx), so ties go to the
 * earliest tap. Average pooling divides by the number of in-bounds taps (padding is not counted), as TF does.
 */
import { poolGeometry, type Nhwc, type PoolParams } from '../gpu/kernels/pool-contract.ts';
import type { WindowGeometry } from '../gpu/kernels/window-geometry.ts';

/** Output shape [batch, outH, outW, channels]. */
export function poolOutputShape(xShape: Nhwc, params: PoolParams): Nhwc {
  const g = poolGeometry(xShape, params);
  return [xShape[0], g.outH, g.outW, xShape[3]];
}

function checkLength(what: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) throw new RangeError(`pool: ${what} has ${array.length} elements, expected ${expected}`);
}

/**
 * For each output element, the tap index ky * poolW + kx of the first maximal in-bounds element of its window
 * (-1 for a window with no in-bounds tap, which TF geometry never produces). The GPU forward records the same.
 */
export function maxPoolArgmax(x: ArrayLike<number>, xShape: Nhwc, params: PoolParams): Int32Array {
  const g = poolGeometry(xShape, params);
  const [batch, h, w, c] = xShape;
  checkLength('x', x, batch * h * w * c);
  const argmax = new Int32Array(batch * g.outH * g.outW * c).fill(-1);
  let o = 0; // flat output index ((n * outH + oy) * outW + ox) * c + ch, advanced in that order
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let ch = 0; ch < c; ch++, o++) {
          let best = 0;
          let bestTap = -1;
          for (let ky = 0; ky < g.kH; ky++) {
            const iy = oy * g.strideH + ky - g.padTop;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < g.kW; kx++) {
              const ix = ox * g.strideW + kx - g.padLeft;
              if (ix < 0 || ix >= w) continue;
              const v = x[((n * h + iy) * w + ix) * c + ch];
              // Strictly greater: a later tap equal to the current best does not take over (ties -> first).
              if (bestTap < 0 || v > best) {
                best = v;
                bestTap = ky * g.kW + kx;
              }
            }
          }
          argmax[o] = bestTap;
        }
      }
    }
  }
  return argmax;
}

/**
 * Calls `visit(o, inputIndex)` for every output element o whose argmax tap is in bounds, with the flat input
 * index of that tap. Shared by forward (gather) and backward (scatter) so both use one reading of the argmax.
 */
function forEachArgmax(argmax: Int32Array, xShape: Nhwc, g: WindowGeometry, visit: (o: number, i: number) => void): void {
  const [batch, h, w, c] = xShape;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let ch = 0; ch < c; ch++, o++) {
          const tap = argmax[o];
          if (tap < 0) continue;
          const iy = oy * g.strideH + Math.floor(tap / g.kW) - g.padTop;
          const ix = ox * g.strideW + (tap % g.kW) - g.padLeft;
          visit(o, ((n * h + iy) * w + ix) * c + ch);
        }
      }
    }
  }
}

/** y[n, oy, ox, c] = max over the window's in-bounds taps (0 for an empty window). */
export function maxPoolForward(x: ArrayLike<number>, xShape: Nhwc, params: PoolParams): Float64Array {
  const g = poolGeometry(xShape, params);
  const argmax = maxPoolArgmax(x, xShape, params);
  const y = new Float64Array(argmax.length);
  forEachArgmax(argmax, xShape, g, (o, i) => (y[o] = x[i]));
  return y;
}

/**
 * dx: each window's dy goes, whole, to the first maximal tap of that window; an input that is the argmax of
 * several overlapping windows receives the sum, accumulated in increasing output order.
 */
export function maxPoolBackward(x: ArrayLike<number>, dy: ArrayLike<number>, xShape: Nhwc, params: PoolParams): Float64Array {
  const g = poolGeometry(xShape, params);
  const argmax = maxPoolArgmax(x, xShape, params);
  checkLength('dy', dy, argmax.length);
  const dx = new Float64Array(x.length);
  forEachArgmax(argmax, xShape, g, (o, i) => (dx[i] += dy[o]));
  return dx;
}

/** Number of in-bounds taps of a window starting at signed coordinate `start` along an axis of `size`. */
function inBounds(start: number, k: number, size: number): number {
  return Math.max(0, Math.min(start + k, size) - Math.max(start, 0));
}

/** y[n, oy, ox, c] = mean of the window's in-bounds taps. */
export function avgPoolForward(x: ArrayLike<number>, xShape: Nhwc, params: PoolParams): Float64Array {
  const g = poolGeometry(xShape, params);
  const [batch, h, w, c] = xShape;
  checkLength('x', x, batch * h * w * c);
  const y = new Float64Array(batch * g.outH * g.outW * c);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const top = oy * g.strideH - g.padTop;
      for (let ox = 0; ox < g.outW; ox++) {
        const left = ox * g.strideW - g.padLeft;
        const count = inBounds(top, g.kH, h) * inBounds(left, g.kW, w);
        for (let ch = 0; ch < c; ch++, o++) {
          let sum = 0;
          for (let iy = Math.max(top, 0); iy < Math.min(top + g.kH, h); iy++) {
            for (let ix = Math.max(left, 0); ix < Math.min(left + g.kW, w); ix++) sum += x[((n * h + iy) * w + ix) * c + ch];
          }
          y[o] = count > 0 ? sum / count : 0;
        }
      }
    }
  }
  return y;
}

/** dx: each window spreads dy / (its in-bounds tap count) over its in-bounds taps. */
export function avgPoolBackward(dy: ArrayLike<number>, xShape: Nhwc, params: PoolParams): Float64Array {
  const g = poolGeometry(xShape, params);
  const [batch, h, w, c] = xShape;
  checkLength('dy', dy, batch * g.outH * g.outW * c);
  const dx = new Float64Array(batch * h * w * c);
  let o = 0;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < g.outH; oy++) {
      const top = oy * g.strideH - g.padTop;
      for (let ox = 0; ox < g.outW; ox++) {
        const left = ox * g.strideW - g.padLeft;
        const count = inBounds(top, g.kH, h) * inBounds(left, g.kW, w);
        for (let ch = 0; ch < c; ch++, o++) {
          if (count === 0) continue;
          const share = dy[o] / count;
          for (let iy = Math.max(top, 0); iy < Math.min(top + g.kH, h); iy++) {
            for (let ix = Math.max(left, 0); ix < Math.min(left + g.kW, w); ix++) dx[((n * h + iy) * w + ix) * c + ch] += share;
          }
        }
      }
    }
  }
  return dx;
}
