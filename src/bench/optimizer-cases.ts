/**
 * One optimizer dispatch for all parameters, or one per tensor? Times, side by side in the same run, Adam over
 * the trainable tensors of a built-in architecture as the trainer runs it (one call per tensor, each in its own
 * buffer) against one call over the same number of elements in one packed buffer (what a network that kept its
 * parameters, gradients and moments packed would run; optimizers.ts allows it). ratio = per-tensor ms / packed
 * ms: above 1, packing would pay, by at most that step's share (bench --profile shows the optimizer's share).
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls } from '../gpu/kernel-call.ts';
import { planAdam, type OptimizerKernel } from '../gpu/kernels/optimizers.ts';
import { architectureByName } from '../nn/architectures.ts';
import { summarizeModel } from '../nn/shapes.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';

export async function compareOptimizerPacking(ctx: GpuContext, options: SelfComparisonOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const name of ['mnist-ref', 'cifar-ref']) {
    const summary = summarizeModel(architectureByName(name));
    const counts = summary.layers.flatMap((l) => Object.values(l.weightShapes).map((shape) => shape.reduce((a, b) => a * b, 1)));
    const total = counts.reduce((a, b) => a + b, 0);
    const rowName = 'adam, one dispatch';
    const shape = `${name}: ${total} parameters in ${counts.length} tensors`;
    if (options.filter && !options.filter(rowName, shape)) continue;
    const buffers: GPUBuffer[] = [];
    const buffer = (label: string, elements: number) => {
      const b = ctx.createBuffer(label, elements * 4);
      buffers.push(b);
      return b;
    };
    const adam = (label: string, count: number): Promise<OptimizerKernel> =>
      planAdam(ctx, { param: buffer(`${label} p`, count), grad: buffer(`${label} g`, count), m: buffer(`${label} m`, count), v: buffer(`${label} v`, count), count, weightDecay: 0, lr: 1e-3, step: 1 });
    const perTensor: OptimizerKernel[] = [];
    try {
      for (const [i, count] of counts.entries()) perTensor.push(await adam(`tensor ${i}`, count));
      const packed = await adam('packed', total);
      perTensor.push(packed); // destroyed with the others; not part of the per-tensor run
      const perTensorCalls = perTensor.slice(0, -1).map((o) => o.call);
      const other = { name: 'one per tensor', run: async () => { submitCalls(ctx, perTensorCalls); await ctx.sync(); } };
      // Adam moves 7 floats per parameter: reads p, g, m, v and writes p, m, v.
      rows.push(await compareOursWithOurs(ctx, { name: rowName, shape, unit: 'GB/s', work: total * 4 * 7 }, () => submitCalls(ctx, [packed.call]), other, options));
    } finally {
      destroyCalls(perTensor.map((o) => o.call));
      for (const b of buffers) b.destroy();
    }
  }
  return rows;
}
