/**
 * CPU reference of a dense (fully connected) layer, forward and backward side by side.
 *   y[n, o]  = bias[o] + sum_i x[n, i] * w[i, o]          (w is [in, out], Keras's kernel layout)
 *   dx[n, i] = sum_o dy[n, o] * w[i, o]
 *   dw[i, o] = sum_n x[n, i] * dy[n, o]
 *   db[o]    = sum_n dy[n, o]
 * Sums are accumulated in float64.
 */
export function denseForward(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  batch: number,
  inF: number,
  outF: number,
  activation: 'linear' | 'relu' = 'linear',
): Float32Array {
  const y = new Float32Array(batch * outF);
  for (let n = 0; n < batch; n++)
    for (let o = 0; o < outF; o++) {
      let acc = bias ? bias[o] : 0;
      for (let i = 0; i < inF; i++) acc += x[n * inF + i] * w[i * outF + o];
      y[n * outF + o] = activation === 'relu' ? Math.max(acc, 0) : acc;
    }
  return y;
}

export function denseBackward(
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  batch: number,
  inF: number,
  outF: number,
): { dx: Float32Array; dw: Float32Array; db: Float32Array } {
  const dx = new Float32Array(batch * inF);
  const dw = new Float32Array(inF * outF);
  const db = new Float32Array(outF);
  for (let n = 0; n < batch; n++)
    for (let i = 0; i < inF; i++) {
      let acc = 0;
      for (let o = 0; o < outF; o++) acc += dy[n * outF + o] * w[i * outF + o];
      dx[n * inF + i] = acc;
    }
  for (let i = 0; i < inF; i++)
    for (let o = 0; o < outF; o++) {
      let acc = 0;
      for (let n = 0; n < batch; n++) acc += x[n * inF + i] * dy[n * outF + o];
      dw[i * outF + o] = acc;
    }
  for (let o = 0; o < outF; o++) {
    let acc = 0;
    for (let n = 0; n < batch; n++) acc += dy[n * outF + o];
    db[o] = acc;
  }
  return { dx, dw, db };
}
