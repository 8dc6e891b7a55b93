import { describe, expect, it } from 'vitest';
import { expectClose, useGpu } from '../helpers/gpu.ts';
import { directFirstConvSpec, everyKindSpec, foldedReluSpec, globalPoolSpec, randomInput, randomModel, twoWinogradConvsSpec, winogradSpec } from '../helpers/models.ts';
import { dropoutLayerSeed, GpuNetwork } from '../../src/nn/gpu-network.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import { planSoftmaxCrossEntropy } from '../../src/gpu/kernels/softmax-cross-entropy.ts';
import { referenceGradients } from '../../src/reference/model-gradients.ts';
import type { Model } from '../../src/nn/layers.ts';

const gpu = useGpu();

// Tolerance: gradients pass back through ~10 layers of float32 sums (batch-norm's backward subtracts nearly equal
// terms), in another order than the float64-accumulating reference; 5e-4 of each gradient tensor's largest
// magnitude bounds that, and is still far below any error a wrong index or a missing term would make.
const TOL = { rtol: 5e-4, atol: 1e-6 };

/** Runs one training step's forward, loss and backward on the GPU and compares every gradient with the reference. */
async function expectReferenceGradients(
  model: Model, batch: number, labels: Uint32Array, inputSeed: number, checkPlan: (net: GpuNetwork) => void = () => {},
): Promise<Map<string, Float32Array>> {
  const ctx = gpu();
  const classes = 4;
  const [h, w, c] = model.spec.inputShape;
  const x = randomInput(batch * h * w * c, inputSeed, -1, 1);
  const net = await GpuNetwork.create(ctx, model, { batch, training: true });
  checkPlan(net);
  const stepSeed = 1234;
  net.setDropoutSeed(stepSeed);
  ctx.write(net.input, x);
  const labelBuffer = ctx.upload('labels', labels);
  const scratch = ['loss', 'predicted', 'correct'].map((n) => ctx.createBuffer(n, batch * 4));
  const loss = await planSoftmaxCrossEntropy(ctx, {
    logits: net.logits, labels: labelBuffer, loss: scratch[0], dlogits: net.logitsGrad, predicted: scratch[1], correct: scratch[2], rows: batch, classes,
  });
  submitCalls(ctx, [...net.forward, loss, ...net.backward]);
  const ref = referenceGradients(model, x, labels, batch, (layer) => dropoutLayerSeed(stepSeed, layer));
  expectClose(await ctx.readFloat32(net.logits, batch * classes), ref.logits, { rtol: 1e-4, atol: 1e-6 }, 'training logits');
  expect(net.trainable.map((s) => s.key).sort()).toEqual([...ref.grads.keys()].sort());
  for (const slot of net.trainable) {
    const expected = ref.grads.get(slot.key);
    if (!expected) throw new Error(`the reference has no gradient for ${slot.key}`);
    expectClose(await ctx.readFloat32(slot.grad!, slot.count), expected, TOL, `gradient of ${slot.key}`);
  }
  net.destroy();
  for (const b of [labelBuffer, ...scratch]) b.destroy();
  return ref.grads;
}

describe('GpuNetwork backward matches the CPU reference gradients', () => {
  it('on a model with every layer kind (training mode: batch statistics, dropout)', async () => {
    const grads = await expectReferenceGradients(randomModel(everyKindSpec(), 11), 5, Uint32Array.from([0, 3, 1, 2, 3]), 12);
    expect(grads.size).toBe(9); // conv1 kernel+bias, bn1 gamma+beta, conv2 kernel, dense1 and dense2 kernel+bias
  });

  it('through global average pooling (conv -> relu -> gap -> batchnorm -> dense, batch 3)', async () => {
    const grads = await expectReferenceGradients(randomModel(globalPoolSpec(), 13), 3, Uint32Array.from([2, 0, 3]), 14);
    expect([...grads.keys()].sort()).toEqual(['bn/beta', 'bn/gamma', 'conv1/bias', 'conv1/kernel', 'logits/bias', 'logits/kernel']);
  });

  it('with a conv\'s ReLU backward folded into the tiling max-pool after it, and kept where the pool overlaps', async () => {
    const grads = await expectReferenceGradients(randomModel(foldedReluSpec(), 17), 4, Uint32Array.from([2, 1, 0, 3]), 18, (net) => {
      const labels = net.backward.map((c) => c.label);
      // conv1 -> pool1 (2x2/2 on 8x6): folded, so no ReLU pass for conv1; conv2 -> pool2 (stride 1): its own pass.
      expect(labels.filter((l) => l.startsWith('relu backward'))).toEqual([expect.stringContaining('conv2 output grad')]);
      expect(labels.filter((l) => l.includes('ReLU backward folded in'))).toEqual([expect.stringContaining('pool1 output grad -> conv1 output grad')]);
    });
    expect([...grads.keys()].sort()).toEqual(['conv1/bias', 'conv1/kernel', 'conv2/bias', 'conv2/kernel', 'logits/bias', 'logits/kernel']);
  });

  it('through a 3-channel first conv on the direct kernel, its ReLU backward folded into its weight gradient', async () => {
    const grads = await expectReferenceGradients(randomModel(directFirstConvSpec(), 19), 3, Uint32Array.from([3, 0, 2]), 20, (net) => {
      const conv1 = [...net.forward, ...net.backward].filter((c) => c.label.startsWith('conv1'));
      // forward; weight + bias grad with their two reduces: no ReLU pass, no separate bias grad, no input grad.
      expect(conv1.map((c) => c.label)).toEqual(['conv1 forward', 'conv1 backward weight grad', 'conv1 backward weight grad reduce', 'conv1 backward weight grad bias reduce']);
      expect(conv1.filter((c) => c.shape?.startsWith('direct 3x3x3 -> 6')).map((c) => c.label)).toEqual(['conv1 forward', 'conv1 backward weight grad']);
      const labels = net.backward.map((c) => c.label);
      expect(labels.filter((l) => l.startsWith('relu backward'))).toEqual([expect.stringContaining('conv2 output grad')]);
    });
    expect([...grads.keys()].sort()).toEqual(['conv1/bias', 'conv1/kernel', 'conv2/bias', 'conv2/kernel', 'logits/bias', 'logits/kernel']);
  });

  for (const kernel of [3, 5] as const) {
    const tile = kernel === 3 ? 'F(4x4, 3x3)' : 'F(4x4, 5x5)';
    it(`through a Winograd ${tile} conv (${kernel}x${kernel} reading 16 channels, writing 17: forward, input and weight gradients all Winograd)`, async () => {
      const grads = await expectReferenceGradients(randomModel(winogradSpec(kernel), 15), 3, Uint32Array.from([1, 3, 0]), 16, (net) => {
        const conv2 = [...net.forward, ...net.backward].filter((c) => c.label.startsWith('conv2') && c.shape?.includes('transform'));
        // forward: filter, input, output transforms; input grad: the same three; weight grad: dy and filter grad
        // (it reads the input tiles the forward kept).
        expect(conv2.map((c) => c.label)).toEqual([
          'conv2 forward filter transform', 'conv2 forward input transform', 'conv2 forward output transform',
          'conv2 backward weight grad dy transform', 'conv2 backward weight grad filter grad transform',
          'conv2 backward input grad filter transform', 'conv2 backward input grad input transform', 'conv2 backward input grad output transform',
        ]);
        expect(conv2.every((c) => c.shape!.startsWith(tile))).toBe(true);
      });
      expect([...grads.keys()].sort()).toEqual(['conv1/bias', 'conv1/kernel', 'conv2/bias', 'conv2/kernel', 'logits/bias', 'logits/kernel']);
    });
  }

  it('through two Winograd convs in a row, each weight gradient reading the input tiles its own forward kept', async () => {
    const grads = await expectReferenceGradients(randomModel(twoWinogradConvsSpec(), 16), 2, Uint32Array.from([2, 1]), 17, (net) => {
      const transforms = (layer: string) => [...net.forward, ...net.backward].filter((c) => c.label.startsWith(`${layer} `) && c.label.includes('input transform')).map((c) => c.label);
      // conv3's forward writes the network's shared tiles after conv2's: only a buffer of conv2's own keeps its V.
      expect(transforms('conv2')).toEqual(['conv2 forward input transform', 'conv2 backward input grad input transform']);
      expect(transforms('conv3')).toEqual(['conv3 forward input transform', 'conv3 backward input grad input transform']);
    });
    expect([...grads.keys()].sort()).toEqual(['conv1/bias', 'conv1/kernel', 'conv2/bias', 'conv2/kernel', 'conv3/bias', 'conv3/kernel', 'logits/bias', 'logits/kernel']);
  });
});
