import { describe, expect, it } from 'vitest';
import { expectClose, useGpu } from '../helpers/gpu.ts';
import { everyKindSpec, randomInput, randomModel } from '../helpers/models.ts';
import { dropoutLayerSeed, GpuNetwork } from '../../src/nn/gpu-network.ts';
import { submitCalls } from '../../src/gpu/kernel-call.ts';
import { planSoftmaxCrossEntropy } from '../../src/gpu/kernels/softmax-cross-entropy.ts';
import { referenceGradients } from '../../src/reference/model-gradients.ts';

const gpu = useGpu();

// Tolerance: gradients pass back through ~10 layers of float32 sums (batch-norm's backward subtracts nearly equal
// terms), in another order than the float64-accumulating reference; 5e-4 of each gradient tensor's largest
// magnitude bounds that, and is still far below any error a wrong index or a missing term would make.
const TOL = { rtol: 5e-4, atol: 1e-6 };

describe('GpuNetwork backward matches the CPU reference gradients', () => {
  it('on a model with every layer kind (training mode: batch statistics, dropout)', async () => {
    const ctx = gpu();
    const model = randomModel(everyKindSpec(), 11);
    const batch = 5;
    const x = randomInput(batch * 7 * 9 * 3, 12, -1, 1);
    const labels = Uint32Array.from([0, 3, 1, 2, 3]);
    const net = await GpuNetwork.create(ctx, model, { batch, training: true });
    const stepSeed = 1234;
    net.setDropoutSeed(stepSeed);
    ctx.write(net.input, x);
    const labelBuffer = ctx.upload('labels', labels);
    const scratch = ['loss', 'predicted', 'correct'].map((n) => ctx.createBuffer(n, batch * 4));
    const loss = await planSoftmaxCrossEntropy(ctx, {
      logits: net.logits, labels: labelBuffer, loss: scratch[0], dlogits: net.logitsGrad, predicted: scratch[1], correct: scratch[2], rows: batch, classes: 4,
    });
    submitCalls(ctx, [...net.forward, loss, ...net.backward]);
    const ref = referenceGradients(model, x, labels, batch, (layer) => dropoutLayerSeed(stepSeed, layer));
    expectClose(await ctx.readFloat32(net.logits, batch * 4), ref.logits, { rtol: 1e-4, atol: 1e-6 }, 'training logits');
    expect(net.trainable.map((s) => s.key).sort()).toEqual([...ref.grads.keys()].sort());
    expect(ref.grads.size).toBe(9); // conv1 kernel+bias, bn1 gamma+beta, conv2 kernel, dense1 and dense2 kernel+bias
    for (const slot of net.trainable) {
      const expected = ref.grads.get(slot.key);
      if (!expected) throw new Error(`the reference has no gradient for ${slot.key}`);
      expectClose(await ctx.readFloat32(slot.grad!, slot.count), expected, TOL, `gradient of ${slot.key}`);
    }
    net.destroy();
  });
});
