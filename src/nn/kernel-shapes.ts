/**
 * The kernel-level shapes of a layer: what a Conv2dLayer or PoolLayer means for the conv and pooling kernels
 * (GPU and reference alike), given the layer's per-image input shape [h, w, c] and the batch.
 */
import type { Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import type { PoolParams } from '../gpu/kernels/pool-contract.ts';
import type { Conv2dLayer, PoolLayer } from './layers.ts';

export function conv2dShapeOf(layer: Conv2dLayer, inputShape: readonly number[], batch: number): Conv2dShape {
  const [inH, inW, inC] = inputShape;
  return {
    batch, inH, inW, inC, kH: layer.kernelSize[0], kW: layer.kernelSize[1], outC: layer.filters,
    strideH: layer.strides[0], strideW: layer.strides[1], padding: layer.padding,
  };
}

export function poolParamsOf(layer: PoolLayer): PoolParams {
  return { poolH: layer.poolSize[0], poolW: layer.poolSize[1], strideH: layer.strides[0], strideW: layer.strides[1], padding: layer.padding };
}
