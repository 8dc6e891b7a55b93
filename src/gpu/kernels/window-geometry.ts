/**
 * Output size and padding of a 2-D window operation (conv, pooling), with TensorFlow's conventions so that
 * models imported from TF.js / Keras compute the same thing:
 *   'valid': out = ceil((in - k + 1) / s), no padding;
 *   'same':  out = ceil(in / s), padTotal = max((out - 1) * s + k - in, 0), padBefore = floor(padTotal / 2)
 *            (the odd extra row/column of padding goes after, at the bottom/right).
 * Input position of output `o` and tap `t`: i = o * s + t - padBefore (outside [0, in) reads zero).
 *
 * Part of the kernels' contracts (see pcg-hash.ts for the scheme): the conv and pool kernels, their references,
 * shape inference (src/nn) and the edits (src/surgery) all take their geometry from here.
 */
export type Padding = 'same' | 'valid';

export interface WindowGeometry {
  inH: number;
  inW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
}

export function windowGeometry(
  inH: number,
  inW: number,
  kH: number,
  kW: number,
  strideH: number,
  strideW: number,
  padding: Padding,
): WindowGeometry {
  const axis = (size: number, k: number, s: number): [number, number] => {
    if (padding === 'valid') {
      const out = Math.ceil((size - k + 1) / s);
      return [out, 0];
    }
    const out = Math.ceil(size / s);
    const total = Math.max((out - 1) * s + k - size, 0);
    return [out, Math.floor(total / 2)];
  };
  const [outH, padTop] = axis(inH, kH, strideH);
  const [outW, padLeft] = axis(inW, kW, strideW);
  if (outH < 1 || outW < 1) {
    throw new RangeError(`a ${kH}x${kW} window with stride ${strideH}x${strideW} and '${padding}' padding does not fit a ${inH}x${inW} input`);
  }
  return { inH, inW, kH, kW, strideH, strideW, outH, outW, padTop, padLeft };
}
