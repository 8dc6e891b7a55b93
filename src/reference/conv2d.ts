/**
 * CPU reference of 2-D convolution, forward and backward side by side: plain loops, the oracle of the GPU tests.
 *
 *   y[n, oy, ox, k]  = bias[k] + sum_{dy, dx, c} x[n, oy*sh + dy - padTop, ox*sw + dx - padLeft, c] * w[dy, dx, c, k]
 *   dx[n, iy, ix, c] = sum_{oy, ox, dy, dx, k with iy = oy*sh + dy - padTop, ix = ox*sw + dx - padLeft} dy[n, oy, ox, k] * w[dy, dx, c, k]
 *   dw[dy, dx, c, k] = sum_{n, oy, ox} x[n, oy*sh + dy - padTop, ox*sw + dx - padLeft, c] * dy[n, oy, ox, k]
 *   db[k]            = sum_{n, oy, ox} dy[n, oy, ox, k]
 * Out-of-range input positions read as zero (zero padding). Sums are accumulated in float64.
 */
import { conv2dGeometry, type Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';

/** y = conv(x, w) + bias, optionally followed by ReLU. Returns y as NHWC [batch, outH, outW, outC]. */
export function conv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, s: Conv2dShape, relu = false): Float32Array {
  const g = conv2dGeometry(s);
  const y = new Float32Array(s.batch * g.outH * g.outW * s.outC);
  for (let n = 0; n < s.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let k = 0; k < s.outC; k++) {
          let acc = bias ? bias[k] : 0;
          for (let dy = 0; dy < s.kH; dy++) {
            const iy = oy * s.strideH + dy - g.padTop;
            if (iy < 0 || iy >= s.inH) continue;
            for (let dx = 0; dx < s.kW; dx++) {
              const ix = ox * s.strideW + dx - g.padLeft;
              if (ix < 0 || ix >= s.inW) continue;
              for (let c = 0; c < s.inC; c++) {
                acc += x[((n * s.inH + iy) * s.inW + ix) * s.inC + c] * w[((dy * s.kW + dx) * s.inC + c) * s.outC + k];
              }
            }
          }
          y[((n * g.outH + oy) * g.outW + ox) * s.outC + k] = relu ? Math.max(acc, 0) : acc;
        }
  return y;
}

/** Gradient with respect to the input, NHWC [batch, inH, inW, inC]. */
export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, s: Conv2dShape): Float32Array {
  const g = conv2dGeometry(s);
  const acc = new Float64Array(s.batch * s.inH * s.inW * s.inC);
  // Scatter form: each output gradient spreads over the inputs its window read.
  for (let n = 0; n < s.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let k = 0; k < s.outC; k++) {
          const grad = dy[((n * g.outH + oy) * g.outW + ox) * s.outC + k];
          for (let ky = 0; ky < s.kH; ky++) {
            const iy = oy * s.strideH + ky - g.padTop;
            if (iy < 0 || iy >= s.inH) continue;
            for (let kx = 0; kx < s.kW; kx++) {
              const ix = ox * s.strideW + kx - g.padLeft;
              if (ix < 0 || ix >= s.inW) continue;
              for (let c = 0; c < s.inC; c++) {
                acc[((n * s.inH + iy) * s.inW + ix) * s.inC + c] += grad * w[((ky * s.kW + kx) * s.inC + c) * s.outC + k];
              }
            }
          }
        }
  return Float32Array.from(acc);
}

/** Gradient with respect to the weights, HWIO [kH, kW, inC, outC]. */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, s: Conv2dShape): Float32Array {
  const g = conv2dGeometry(s);
  const acc = new Float64Array(s.kH * s.kW * s.inC * s.outC);
  for (let n = 0; n < s.batch; n++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ky = 0; ky < s.kH; ky++) {
          const iy = oy * s.strideH + ky - g.padTop;
          if (iy < 0 || iy >= s.inH) continue;
          for (let kx = 0; kx < s.kW; kx++) {
            const ix = ox * s.strideW + kx - g.padLeft;
            if (ix < 0 || ix >= s.inW) continue;
            for (let c = 0; c < s.inC; c++) {
              const xv = x[((n * s.inH + iy) * s.inW + ix) * s.inC + c];
              const base = ((ky * s.kW + kx) * s.inC + c) * s.outC;
              const dyBase = ((n * g.outH + oy) * g.outW + ox) * s.outC;
              for (let k = 0; k < s.outC; k++) acc[base + k] += xv * dy[dyBase + k];
            }
          }
        }
  return Float32Array.from(acc);
}

/** Gradient with respect to the bias: the sum of dy over every axis but the last. */
export function conv2dBiasGrad(dy: Float32Array, channels: number): Float32Array {
  const acc = new Float64Array(channels);
  for (let i = 0; i < dy.length; i++) acc[i % channels] += dy[i];
  return Float32Array.from(acc);
}
