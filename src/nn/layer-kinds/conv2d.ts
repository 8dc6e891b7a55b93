/**
 * conv2d: y = act(conv(x, kernel HWIO) + bias), TF window geometry. One implicit-GEMM kernel family
 * (src/gpu/kernels/conv2d.ts) does the forward with bias and ReLU fused, the input, weight and bias gradients;
 * the forward of a 3x3 stride-1 conv of 16 or more input channels, the input gradient of a 'same' one of 16 or
 * more output channels and the weight gradient of one with 16 or more of both are Winograd F(2x2, 3x3) instead
 * (conv2d-winograd.ts).
 * FLOPs: 2 * kH * kW * inC per output value (+1 for a fused ReLU). It is the layer the method edits: its filters
 * are the channels that drop/widen remap, and it reads its input's channels through kH * kW taps.
 */
import { planBiasGrad } from '../../gpu/kernels/conv2d.ts';
import { planConv2dBackpropFilterFastest, planConv2dBackpropInputFastest, planConv2dForwardFastest } from '../../gpu/kernels/conv2d-winograd.ts';
import { planReluBackward } from '../../gpu/kernels/relu.ts';
import type { KernelCall } from '../../gpu/kernel-call.ts';
import { conv2dShapeOf } from '../kernel-shapes.ts';
import type { Conv2dLayer } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { activationFlops, product, requireMap, requirePositiveInts, sumSizes, windowOutput } from './shape-rules.ts';
import { kernelAndBias } from './weight-init.ts';

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
      // 3x3 stride-1 convs of 16 or more input channels: Winograd F(2x2, 3x3), its tiles in the network's
      // transient buffers (conv2d-winograd.ts says where it was measured to pay).
      return planConv2dForwardFastest(p.ctx, { ...args, transient: p.transient });
    },
    async planBackward(layer, p) {
      const kernel = p.weight('kernel')!;
      const bias = p.weight('bias');
      const count = p.batch * product(p.outputShape);
      const shape = conv2dShapeOf(layer, p.inputShape, p.batch);
      const calls: KernelCall[] = [];
      // A fused ReLU: the gradient before it is dy where y > 0.
      let g = p.dy;
      if (layer.activation === 'relu' && !p.reluBackwardDone) {
        g = p.scratch('pre-activation grad', count);
        calls.push(await planReluBackward(p.ctx, { dy: p.dy, y: p.y, dx: g, count }));
      }
      calls.push(...(await planConv2dBackpropFilterFastest(p.ctx, { label: `${p.label} weight grad`, x: p.x, dy: g, dw: kernel.grad!, shape, transient: p.transient })));
      if (p.dx) calls.push(...(await planConv2dBackpropInputFastest(p.ctx, { label: `${p.label} input grad`, dy: g, w: kernel.value, dx: p.dx, shape, transient: p.transient })));
      if (bias) {
        calls.push(...(await planBiasGrad(p.ctx, { label: `${p.label} bias grad`, dy: g, db: bias.grad!, rows: count / layer.filters, channels: layer.filters })));
      }
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
