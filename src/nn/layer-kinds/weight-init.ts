/**
 * Initialisers the kinds share (the rules are explained in src/nn/init.ts's file comment): He-uniform kernels and
 * constant vectors.
 */
import type { Tensor } from '../layers.ts';
import { createRng } from '../random.ts';

/** The He-uniform bound sqrt(6 / fanIn). */
export function heUniformLimit(fanIn: number): number {
  return Math.sqrt(6 / fanIn);
}

export function filled(shape: number[], value: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape: [...shape], data: new Float32Array(size).fill(value) };
}

/**
 * A kernel whose last axis is the output (HWIO / [in, out]), so everything before it is the fan-in, drawn
 * He-uniform from the layer's own stream (seed, layer name).
 */
export function heUniformKernel(shape: number[], seed: number, layerName: string): Tensor {
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const limit = heUniformLimit(fanIn);
  const rng = createRng(seed, layerName);
  const kernel = filled(shape, 0);
  for (let i = 0; i < kernel.data.length; i++) kernel.data[i] = rng.uniform(-limit, limit);
  return kernel;
}

/** Kernel (He-uniform) and zero bias, when the layer has one: conv and dense layers. */
export function kernelAndBias(weightShapes: Record<string, number[]>, seed: number, layerName: string): Record<string, Tensor> {
  const out: Record<string, Tensor> = { kernel: heUniformKernel(weightShapes.kernel, seed, layerName) };
  if (weightShapes.bias) out.bias = filled(weightShapes.bias, 0);
  return out;
}
