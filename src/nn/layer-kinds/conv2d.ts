/**
 * conv2d: y = act(conv(x, kernel HWIO) + bias), TF window geometry. Each pass takes the algorithm that pays for
 * its shape (src/gpu/kernels/conv2d-fastest.ts): the implicit GEMM (conv2d.ts: forward with bias and ReLU fused,
 * input, weight and bias gradients), Winograd for 3x3 and 5x5 stride-1 convs of many channels
 * (conv2d-winograd.ts), the direct kernel for few input channels (conv2d-direct.ts: a first layer's forward and
 * weight + bias gradient).
 * FLOPs: 2 * kH * kW * inC per output value (+1 for a fused ReLU). It is the layer the method edits: its filters
 * are the channels that drop/widen remap, and it reads its input's channels through kH * kW taps.
 */
import { convAlgorithms, keptWinogradInputTiles, planConv2dBackpropFilterFastest, planConv2dBackpropInputFastest, planConv2dForwardFastest } from '../../gpu/kernels/conv2d-fastest.ts';
import { planReluBackward } from '../../gpu/kernels/relu.ts';
import type { KernelCall } from '../../gpu/kernel-call.ts';
import type { Conv2dShape } from '../../gpu/kernels/conv2d-contract.ts';
import { conv2dShapeOf } from '../kernel-shapes.ts';
import type { Conv2dLayer } from '../layers.ts';
import type { ForwardPlan, LayerKind } from './layer-kind.ts';
import { activationFlops, product, requireMap, requirePositiveInts, sumSizes, windowOutput } from './shape-rules.ts';
import { kernelAndBias } from './weight-init.ts';

/**
 * A training layer's own buffer for the Winograd input tiles its forward writes and its weight gradient reads
 * (the same for both passes: a scratch buffer is made once per name); none where they do not share them, or in
 * inference.
 */
function keptInputTiles(p: ForwardPlan, shape: Conv2dShape): GPUBuffer | undefined {
  const elements = p.training ? keptWinogradInputTiles(p.ctx, shape) : null;
  return elements === null ? undefined : p.scratch('Winograd input tiles', elements);
}

export const conv2dKind: LayerKind<Conv2dLayer> = {
  summarize(layer, input) {
    const [, , inC] = requireMap(layer, input);
    requirePositiveInts(layer, 'filters, kernelSize and strides', [layer.filters, ...layer.kernelSize, ...layer.strides]);
    const g = windowOutput(layer, input, layer.kernelSize, layer.strides, layer.padding);
    const [kH, kW] = layer.kernelSize;
    const weightShapes: Record<string, number[]> = { kernel: [kH, kW, inC, layer.filters] };
    if (layer.useBias) weightShapes.bias = [layer.filters];
    const params = sumSizes(weightShapes);
    const flops = g.outH * g.outW * layer.filters * (2 * kH * kW * inC + activationFlops(layer.activation));
    return { outputShape: [g.outH, g.outW, layer.filters], weightShapes, params, trainableParams: params, flops };
  },
  init: (layer, weightShapes, seed) => kernelAndBias(weightShapes, seed, layer.name),
  appliesSoftmax: () => false,
  gpu: {
    aliasesInput: () => false,
    fusedRelu: (layer) => layer.activation === 'relu',
    planForward(layer, p) {
      const args = {
        label: p.label, x: p.x, w: p.weight('kernel')!.value, bias: p.weight('bias')?.value ?? null, y: p.y,
        shape: conv2dShapeOf(layer, p.inputShape, p.batch), relu: layer.activation === 'relu',
      };
      // Winograd's tiles, where it runs, live in the network's transient buffers; when training, its input tiles
      // in the layer's own, for the weight gradient (keptWinogradInputTiles).
      return planConv2dForwardFastest(p.ctx, { ...args, transient: p.transient, keptInputTiles: keptInputTiles(p, args.shape) });
    },
    async planBackward(layer, p) {
      const kernel = p.weight('kernel')!;
      const bias = p.weight('bias');
      const count = p.batch * product(p.outputShape);
      const shape = conv2dShapeOf(layer, p.inputShape, p.batch);
      const calls: KernelCall[] = [];
      // A fused ReLU: the gradient before it is dy where y > 0. A first layer (no dx) whose weight gradient is the
      // direct kernel's masks dy there, in the same pass; otherwise a pass of its own, unless the next layer did it.
      let g = p.dy;
      const reluPending = layer.activation === 'relu' && !p.reluBackwardDone;
      const maskInWeightGrad = reluPending && !p.dx && convAlgorithms(p.ctx, shape).weightGrad === 'direct';
      if (reluPending && !maskInWeightGrad) {
        g = p.scratch('pre-activation grad', count);
        calls.push(await planReluBackward(p.ctx, { dy: p.dy, y: p.y, dx: g, count }));
      }
      // The weight gradient with the bias gradient (one pass where the direct kernel for few channels runs).
      calls.push(...(await planConv2dBackpropFilterFastest(p.ctx, {
        label: `${p.label} weight grad`, x: p.x, dy: g, dw: kernel.grad!, shape, transient: p.transient,
        db: bias?.grad ?? null, biasLabel: `${p.label} bias grad`, reluOutput: maskInWeightGrad ? p.y : undefined,
        keptInputTiles: keptInputTiles(p, shape),
      })));
      if (p.dx) calls.push(...(await planConv2dBackpropInputFastest(p.ctx, { label: `${p.label} input grad`, dy: g, w: kernel.value, dx: p.dx, shape, transient: p.transient })));
      return calls;
    },
  },
  channels: {
    flow: (layer) => ({ type: 'consumer', taps: layer.kernelSize[0] * layer.kernelSize[1] }),
    editable: { count: (layer) => layer.filters, withCount: (layer, filters) => ({ ...layer, filters }) },
  },
  outputSign: (layer) =>
    layer.activation === 'relu' ? { type: 'non-negative' } : { type: 'any', reason: `it is a conv2d with activation '${layer.activation}'` },
};
