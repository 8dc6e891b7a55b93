/**
 * The window of a Conv, MaxPool or AveragePool in ONNX terms, both ways. Ours is TensorFlow's 'valid' (no padding)
 * or 'same' (out = ceil(in / s), padTotal = max((out - 1) * s + k - in, 0), the odd extra row/column after:
 * window-geometry.ts). ONNX writes explicit pads [top, left, bottom, right]; ONNX's output size is
 * floor((in + top + bottom - k) / s) + 1, which for TF's pads is TF's size. Reading accepts pads (or auto_pad
 * VALID / SAME_UPPER, which is TF's 'same') that are exactly one of the two, and refuses the rest by name:
 * PyTorch's symmetric padding of a stride-2 window on an even input, say, is neither.
 */
import { windowGeometry, type Padding } from '../../gpu/kernels/window-geometry.ts';
import { intAttribute, intsAttribute, stringAttribute, intsAttr, type OnnxTypes } from '../onnx/onnx-proto.ts';
import type { OnnxReadContext } from './onnx-codec.ts';

export interface Window {
  kernelSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

/** ONNX's pads [top, left, bottom, right] for our window on an [h, w, c] input. */
export function onnxPads(window: Window, inputShape: readonly number[]): number[] {
  const [kh, kw] = window.kernelSize;
  const [sh, sw] = window.strides;
  const g = windowGeometry(inputShape[0], inputShape[1], kh, kw, sh, sw, window.padding);
  if (window.padding === 'valid') return [0, 0, 0, 0];
  const totalH = Math.max((g.outH - 1) * sh + kh - inputShape[0], 0);
  const totalW = Math.max((g.outW - 1) * sw + kw - inputShape[1], 0);
  return [g.padTop, g.padLeft, totalH - g.padTop, totalW - g.padLeft];
}

/** kernel_shape, strides and pads attributes of our window. */
export function windowAttributes(window: Window, inputShape: readonly number[]): OnnxTypes.IAttributeProto[] {
  return [
    intsAttr('kernel_shape', [...window.kernelSize]),
    intsAttr('strides', [...window.strides]),
    intsAttr('pads', onnxPads(window, inputShape)),
  ];
}

/** Our window from a node's attributes; `kernel` when the node has no kernel_shape (a Conv takes it from W). */
export function readWindow(c: OnnxReadContext, kernel?: [number, number]): Window {
  const { node, inputShape } = c;
  if (inputShape.length !== 3) throw c.fail(`needs a 4-D NCHW input, but its input is [N, ${inputShape.join(', ')}]`);
  const shape = intsAttribute(node, 'kernel_shape', kernel ?? []);
  if (shape.length !== 2) throw c.fail(`kernel_shape ${JSON.stringify(shape)} is not 2-D`);
  const strides = intsAttribute(node, 'strides', [1, 1]);
  if (strides.length !== 2 || !strides.every((s) => Number.isInteger(s) && s > 0)) throw c.fail(`strides ${JSON.stringify(strides)} are not 2 positive integers`);
  const dilations = intsAttribute(node, 'dilations', [1, 1]);
  if (!dilations.every((d) => d === 1)) throw c.fail(`dilations ${JSON.stringify(dilations)} are not supported (1 only)`);
  const kernelSize: [number, number] = [shape[0], shape[1]];
  const stridePair: [number, number] = [strides[0], strides[1]];
  const autoPad = stringAttribute(node, 'auto_pad', 'NOTSET');
  let padding: Padding;
  if (autoPad === 'VALID') padding = 'valid';
  else if (autoPad === 'SAME_UPPER') padding = 'same';
  else if (autoPad === 'NOTSET' || autoPad === 'SAME_LOWER') {
    const pads = autoPad === 'SAME_LOWER' ? null : intsAttribute(node, 'pads', [0, 0, 0, 0]);
    const same = onnxPads({ kernelSize, strides: stridePair, padding: 'same' }, inputShape);
    if (pads && pads.every((p) => p === 0)) padding = 'valid';
    else if (pads && pads.length === 4 && pads.every((p, i) => p === same[i])) padding = 'same';
    else {
      const given = pads ? `pads ${JSON.stringify(pads)}` : 'auto_pad SAME_LOWER';
      throw c.fail(
        `${given} on a ${inputShape[0]}x${inputShape[1]} input are neither 'valid' (no padding) nor TensorFlow's 'same' ` +
          `(pads ${JSON.stringify(same)}), the two paddings this tool's layers have`,
      );
    }
  } else throw c.fail(`auto_pad '${autoPad}' is not an ONNX value`);
  try {
    windowGeometry(inputShape[0], inputShape[1], kernelSize[0], kernelSize[1], stridePair[0], stridePair[1], padding);
  } catch (error) {
    throw c.fail((error as Error).message);
  }
  if (intAttribute(node, 'ceil_mode', 0) !== 0) {
    // ceil_mode rounds the output size up; accept it where that changes nothing for this input.
    const pads = onnxPads({ kernelSize, strides: stridePair, padding }, inputShape);
    const floorSize = (i: number) => Math.floor((inputShape[i] + pads[i] + pads[i + 2] - kernelSize[i]) / stridePair[i]) + 1;
    const ceilSize = (i: number) => Math.ceil((inputShape[i] + pads[i] + pads[i + 2] - kernelSize[i]) / stridePair[i]) + 1;
    if (floorSize(0) !== ceilSize(0) || floorSize(1) !== ceilSize(1)) throw c.fail('ceil_mode 1 is not supported where it changes the output size');
  }
  return { kernelSize, strides: stridePair, padding };
}
