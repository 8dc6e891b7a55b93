import { describe, expect, it } from 'vitest';
import { expectClose, randomArray, useGpu } from '../helpers/gpu.ts';
import { planAdam, planSgd } from '../../src/gpu/kernels/optimizers.ts';
import { destroyCalls, submitCalls } from '../../src/gpu/kernel-call.ts';
import { adamStep, sgdStep } from '../../src/reference/optimizers.ts';

const gpu = useGpu();

// Several steps with a new lr each (and new gradients), through setStep on one planned call, against the
// reference iterated in float64. Each step rounds a handful of float32 operations; a step moves p by about lr,
// so after K steps the error is about K * (ulp(|p|) + few ulp * lr): 2e-6 relative to max |p| (~1) covers it.
// Adam's sqrt(vhat) and divisions err by 2.5 ulp in WGSL, which only scales the (small) step.
const STEPS = 3;

describe('optimizer kernels', () => {
  for (const count of [1, 300, 4099]) {
    it(`SGD with momentum and weight decay matches the reference over ${STEPS} steps (${count} parameters)`, async () => {
      const ctx = gpu();
      let p: Float64Array = Float64Array.from(randomArray(count, count));
      let v: Float64Array = new Float64Array(count);
      const param = ctx.upload('param', Float32Array.from(p));
      const grad = ctx.createBuffer('grad', count * 4);
      const velocity = ctx.upload('velocity', new Float32Array(count));
      const hp = { momentum: 0.9, weightDecay: 5e-4 };
      const kernel = await planSgd(ctx, { param, grad, velocity, count, ...hp, lr: 0.1 });
      for (let step = 1; step <= STEPS; step++) {
        const lr = 0.1 / step;
        const g = Float32Array.from(randomArray(count, 100 * count + step));
        ctx.device.queue.writeBuffer(grad, 0, g);
        kernel.setStep(ctx, { lr, step });
        submitCalls(ctx, [kernel.call]);
        // The reference state is rounded to float32 before each step, as the GPU stores it.
        ({ param: p, velocity: v } = sgdStep(Float32Array.from(p), g, Float32Array.from(v), { lr, ...hp }));
      }
      expectClose(await ctx.readFloat32(param), p, { rtol: 2e-6 }, 'sgd param');
      expectClose(await ctx.readFloat32(velocity), v, { rtol: 2e-6 }, 'sgd velocity');
      destroyCalls([kernel.call]);
      for (const b of [param, grad, velocity]) b.destroy();
    });

    it(`AdamW matches the reference over ${STEPS} steps (${count} parameters)`, async () => {
      const ctx = gpu();
      let p: Float64Array = Float64Array.from(randomArray(count, count + 1));
      let m: Float64Array = new Float64Array(count);
      let v: Float64Array = new Float64Array(count);
      const param = ctx.upload('param', Float32Array.from(p));
      const grad = ctx.createBuffer('grad', count * 4);
      const mBuf = ctx.upload('m', new Float32Array(count));
      const vBuf = ctx.upload('v', new Float32Array(count));
      const hp = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01 };
      const kernel = await planAdam(ctx, { param, grad, m: mBuf, v: vBuf, count, ...hp, lr: 1e-3, step: 1 });
      for (let step = 1; step <= STEPS; step++) {
        const lr = 1e-3 * (1 + step);
        // Gradients over several orders of magnitude: Adam's step should not care.
        const g = randomArray(count, 200 * count + step).map((x, i) => x * 10 ** ((i % 5) - 2));
        ctx.device.queue.writeBuffer(grad, 0, g);
        kernel.setStep(ctx, { lr, step });
        submitCalls(ctx, [kernel.call]);
        ({ param: p, m, v } = adamStep(Float32Array.from(p), g, Float32Array.from(m), Float32Array.from(v), { lr, step, ...hp }));
      }
      expectClose(await ctx.readFloat32(param), p, { rtol: 2e-6 }, 'adam param');
      // The moments are float32 sums of two products: a few ulp of their magnitude.
      expectClose(await ctx.readFloat32(mBuf), m, { rtol: 1e-6 }, 'adam m');
      expectClose(await ctx.readFloat32(vBuf), v, { rtol: 1e-6 }, 'adam v');
      destroyCalls([kernel.call]);
      for (const b of [param, grad, mBuf, vBuf]) b.destroy();
    });
  }

  it('refuses a step that is not 1-based and aliased state', async () => {
    const ctx = gpu();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => ctx.createBuffer(n, 16));
    const kernel = await planSgd(ctx, { param: a, grad: b, velocity: c, count: 4, momentum: 0, weightDecay: 0, lr: 0.1 });
    expect(() => kernel.setStep(ctx, { lr: 0.1, step: 0 })).toThrow(/sgd\(a, 4\): step must be a 1-based integer/);
    expect(() => planAdam(ctx, { param: a, grad: b, m: c, v: c, count: 4, weightDecay: 0, lr: 0.1, step: 1 })).toThrow(/m and v are the same buffer/);
    destroyCalls([kernel.call]);
    for (const buffer of [a, b, c]) buffer.destroy();
  });
});
