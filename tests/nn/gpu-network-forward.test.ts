import { describe, it, expect } from 'vitest';
import { expectClose, useGpu } from '../helpers/gpu.ts';
import { everyKindSpec, globalPoolSpec, randomInput, randomModel } from '../helpers/models.ts';
import { GpuNetwork } from '../../src/nn/gpu-network.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import { referenceForward } from '../../src/reference/model-forward.ts';
import { cifarSmall, mnistRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import { DEFAULT_CONV_CHOICES } from '../../src/gpu/kernels/conv-choices.ts';

const gpu = useGpu();

// Tolerance: every layer's output is a float32 sum of at most a few hundred terms, computed in another order
// than the float64-accumulating reference; errors compound through ~10 layers but stay below 1e-4 of the
// logits' magnitude.
const TOL = { rtol: 1e-4, atol: 1e-5 };

describe('GpuNetwork inference matches the CPU reference forward', () => {
  it('on a model with every layer kind and awkward geometry (batch 3)', async () => {
    const ctx = gpu();
    const model = randomModel(everyKindSpec(), 7);
    const batch = 3;
    const x = randomInput(batch * 7 * 9 * 3, 8, -1, 1);
    const net = await GpuNetwork.create(ctx, model, { batch, training: false });
    ctx.write(net.input, x);
    submitCalls(ctx, net.forward);
    const ref = referenceForward(model, x, batch);
    expect(net.classCount).toBe(4);
    expectClose(await ctx.readFloat32(net.logits, batch * 4), ref.logits, TOL, 'logits');
    // Every layer that owns its buffer holds the reference's layer output.
    for (const [i, layer] of ref.layers.entries()) {
      if (net.outputs[i] === (i ? net.outputs[i - 1] : net.input) && layer.kind !== 'flatten') continue;
      if (layer.kind === 'softmax') continue;
      expectClose(await ctx.readFloat32(net.outputs[i], layer.data.length), layer.data, TOL, `layer ${layer.name}`);
    }
    net.destroy();
  });

  it('on a conv -> relu -> global average pool -> batchnorm -> dense model (batch 1 and 6)', async () => {
    const ctx = gpu();
    const model = randomModel(globalPoolSpec(), 5);
    for (const batch of [1, 6]) {
      const x = randomInput(batch * 7 * 5 * 3, 6 + batch, -1, 1);
      const net = await GpuNetwork.create(ctx, model, { batch, training: false });
      ctx.write(net.input, x);
      submitCalls(ctx, net.forward);
      const ref = referenceForward(model, x, batch);
      const pooled = ref.layers[2];
      expect(pooled.shape).toEqual([batch, 37]);
      expectClose(await ctx.readFloat32(net.outputs[2], pooled.data.length), pooled.data, TOL, `pooled features (batch ${batch})`);
      expectClose(await ctx.readFloat32(net.logits, batch * 4), ref.logits, TOL, `logits (batch ${batch})`);
      net.destroy();
    }
  });

  it('on mnist-ref (batch 2), whose 5x5 conv2 is Winograd F(4x4, 5x5), and weights read back bit-exact', async () => {
    const ctx = gpu();
    const model = initModel(mnistRef(), 3);
    const x = randomInput(2 * 28 * 28, 4);
    const net = await GpuNetwork.create(ctx, model, { batch: 2, training: false });
    // conv1 reads 1 channel (direct); conv2 (16 in) goes through the transforms.
    const transforms = net.forward.filter((c) => c.shape?.includes('input_transform'));
    expect(transforms.map((c) => [c.label, c.shape!.slice(0, 11)])).toEqual([['conv2 forward input transform', 'F(4x4, 5x5)']]);
    ctx.write(net.input, x);
    submitCalls(ctx, net.forward);
    expectClose(await ctx.readFloat32(net.logits, 20), referenceForward(model, x, 2).logits, TOL, 'mnist-ref logits');
    const back = await net.readWeights();
    expect(back.conv1.kernel.data).toEqual(model.weights.conv1.kernel.data);
    expect(back.dense2.bias.data).toEqual(model.weights.dense2.bias.data);
    net.destroy();
  });

  it('on cifar-small (batch 2), whose conv2 and conv3 forwards are Winograd F(4x4, 3x3) (F(2x2, 3x3) with AOM_WINOGRAD=small), and everything it made is freed', async () => {
    const ctx = gpu();
    const model = initModel(cifarSmall(), 5);
    const x = randomInput(2 * 32 * 32 * 3, 6);
    const before = ctx.liveBuffers;
    const net = await GpuNetwork.create(ctx, model, { batch: 2, training: false });
    // conv1 reads 3 channels (direct); conv2 (32 in) and conv3 (64 in) go through the three transforms.
    const transforms = net.forward.filter((c) => c.shape?.includes('input_transform'));
    expect(transforms.map((c) => c.label)).toEqual(['conv2 forward input transform', 'conv3 forward input transform']);
    expect(transforms.every((c) => c.shape!.startsWith('F(4x4, 3x3) input_transform'))).toBe(true);
    ctx.write(net.input, x);
    submitCalls(ctx, net.forward);
    const ref = referenceForward(model, x, 2);
    for (const name of ['conv2', 'conv3']) {
      const i = ref.layers.findIndex((l) => l.name === name);
      expectClose(await ctx.readFloat32(net.outputs[i], ref.layers[i].data.length), ref.layers[i].data, TOL, `cifar-small ${name} output`);
    }
    expectClose(await ctx.readFloat32(net.logits, 20), ref.logits, TOL, 'cifar-small logits');
    net.destroy();
    expect(ctx.liveBuffers).toBe(before);
    // AOM_WINOGRAD=small: the same convs in F(2x2, 3x3) tiles, the same logits.
    ctx.convChoices = { ...DEFAULT_CONV_CHOICES, winograd: 'small' };
    try {
      const small = await GpuNetwork.create(ctx, model, { batch: 2, training: false });
      const smallTransforms = small.forward.filter((c) => c.shape?.includes('input_transform'));
      expect(smallTransforms.map((c) => c.shape!.slice(0, 11))).toEqual(['F(2x2, 3x3)', 'F(2x2, 3x3)']);
      ctx.write(small.input, x);
      submitCalls(ctx, small.forward);
      expectClose(await ctx.readFloat32(small.logits, 20), ref.logits, TOL, 'cifar-small logits, small tiles');
      small.destroy();
    } finally {
      ctx.convChoices = { ...DEFAULT_CONV_CHOICES };
    }
    // AOM_WINOGRAD=off: every conv forward direct, the same logits.
    ctx.convChoices = { ...DEFAULT_CONV_CHOICES, winograd: 'off' };
    try {
      const direct = await GpuNetwork.create(ctx, model, { batch: 2, training: false });
      expect(direct.forward.some((c) => c.shape?.includes('input_transform'))).toBe(false);
      ctx.write(direct.input, x);
      submitCalls(ctx, direct.forward);
      expectClose(await ctx.readFloat32(direct.logits, 20), ref.logits, TOL, 'cifar-small logits, direct');
      direct.destroy();
    } finally {
      ctx.convChoices = { ...DEFAULT_CONV_CHOICES };
    }
  });
});
