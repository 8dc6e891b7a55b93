/**
 * dense: y = act(x · kernel [in, out] + bias) on a flat input. The GEMM kernels of src/gpu/kernels/dense.ts do the
 * forward (bias and ReLU fused) and the gradients. FLOPs: 2 * in per output (+1 for a fused ReLU, +3 for a fused
 * softmax, which only a final dense layer may have: the GPU network computes logits and leaves it to the loss).
 * Its units can be dropped or widened; as a consumer it reads the channels of the layer before it at every
 * position a flatten folded into its input.
 */
import { planBiasGrad } from '../../gpu/kernels/conv2d.ts';
import { planDenseBackpropFilter, planDenseBackpropInput, planDenseForward } from '../../gpu/kernels/dense.ts';
import { planReluBackward } from '../../gpu/kernels/relu.ts';
import type { KernelCall } from '../../gpu/kernel-call.ts';
import type { DenseLayer } from '../layers.ts';
import type { LayerKind } from './layer-kind.ts';
import { activationFlops, fmtShape, layerError, product, requirePositiveInts, sumSizes } from './shape-rules.ts';
import { kernelAndBias } from './weight-init.ts';

export const denseKind: LayerKind<DenseLayer> = {
  summarize(layer, input) {
    if (input.length !== 1) {
      throw layerError(layer, `needs a flat input [features] but gets ${fmtShape(input)}; add a flatten layer before it`);
    }
    requirePositiveInts(layer, 'units', [layer.units]);
    const inF = input[0];
    const weightShapes: Record<string, number[]> = { kernel: [inF, layer.units] };
    if (layer.useBias) weightShapes.bias = [layer.units];
    const params = sumSizes(weightShapes);
    const flops = layer.units * (2 * inF + activationFlops(layer.activation));
    return { outputShape: [layer.units], weightShapes, params, trainableParams: params, flops };
  },
  init: (layer, weightShapes, seed) => kernelAndBias(weightShapes, seed, layer.name),
  appliesSoftmax: (layer) => layer.activation === 'softmax',
  gpu: {
    aliasesInput: () => false,
    fusedRelu: (layer) => layer.activation === 'relu',
    planForward(layer, p) {
      return planDenseForward(p.ctx, {
        label: p.label, x: p.x, w: p.weight('kernel')!.value, bias: p.weight('bias')?.value ?? null, y: p.y,
        shape: { batch: p.batch, inF: product(p.inputShape), outF: layer.units }, relu: layer.activation === 'relu',
      });
    },
    async planBackward(layer, p) {
      const kernel = p.weight('kernel')!;
      const bias = p.weight('bias');
      const count = p.batch * layer.units;
      const shape = { batch: p.batch, inF: product(p.inputShape), outF: layer.units };
      const calls: KernelCall[] = [];
      let g = p.dy;
      if (layer.activation === 'relu' && !p.reluBackwardDone) {
        g = p.scratch('pre-activation grad', count);
        calls.push(await planReluBackward(p.ctx, { dy: p.dy, y: p.y, dx: g, count }));
      }
      calls.push(...(await planDenseBackpropFilter(p.ctx, { label: `${p.label} weight grad`, x: p.x, dy: g, dw: kernel.grad!, shape })));
      if (p.dx) calls.push(...(await planDenseBackpropInput(p.ctx, { label: `${p.label} input grad`, dy: g, w: kernel.value, dx: p.dx, shape })));
      if (bias) calls.push(...(await planBiasGrad(p.ctx, { label: `${p.label} bias grad`, dy: g, db: bias.grad!, rows: p.batch, channels: layer.units })));
      return calls;
    },
  },
  channels: {
    flow: () => ({ type: 'consumer', taps: 1 }),
    editable: { count: (layer) => layer.units, withCount: (layer, units) => ({ ...layer, units }) },
  },
  outputSign: (layer) =>
    layer.activation === 'relu' ? { type: 'non-negative' } : { type: 'any', reason: `it is a dense with activation '${layer.activation}'` },
};
