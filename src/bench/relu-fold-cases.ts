/**
 * The backward of a conv's fused ReLU folded into the tiling max-pool after it (pool.wgsl's
 * max_backward_scatter_relu: one dispatch) against the two passes it replaces (the pool's scatter into the conv's
 * output gradient, then the ReLU's backward into its pre-activation gradient), side by side in the same run, on
 * the pools of the reference models at batch 64: mnist-ref's pool1 (28x28x16) and pool2 (14x14x32), cifar-ref's
 * (32x32x32 and 16x16x64). ratio = the two passes' ms / the folded one's: above 1, folding pays.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planMaxPoolBackward, planMaxPoolForward } from '../gpu/kernels/pool.ts';
import type { Nhwc } from '../gpu/kernels/pool-contract.ts';
import { planReluBackward } from '../gpu/kernels/relu.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';

export const RELU_FOLD_ROW = 'maxpool backward, ReLU folded in';
export const RELU_FOLD_SHAPES: Array<{ what: string; shape: Nhwc }> = [
  { what: 'mnist-ref pool1', shape: [64, 28, 28, 16] },
  { what: 'mnist-ref pool2', shape: [64, 14, 14, 32] },
  { what: 'cifar-ref pool1', shape: [64, 32, 32, 32] },
  { what: 'cifar-ref pool2', shape: [64, 16, 16, 64] },
];
export const reluFoldShape = (c: { what: string; shape: Nhwc }) => `${c.what}: ${c.shape.join('x')}, 2x2/2`;

export async function compareReluFold(ctx: GpuContext, options: SelfComparisonOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const params = { poolH: 2, poolW: 2, strideH: 2, strideW: 2, padding: 'valid' } as const;
  for (const c of RELU_FOLD_SHAPES) {
    const shape = reluFoldShape(c);
    if (options.filter && !options.filter(RELU_FOLD_ROW, shape)) continue;
    const [n, h, w, ch] = c.shape;
    const inputs = n * h * w * ch;
    const outputs = inputs / 4;
    // x: a ReLU's output (half zeros), so the argmax and the masks are as in training.
    const x = ctx.upload('bench relu output', new Float32Array(inputs).map((_, i) => Math.max(0, Math.sin(i * 0.37))));
    const buffers = [x, ...['pooled', 'argmax', 'dy'].map((l) => ctx.createBuffer(`bench ${l}`, outputs * 4)), ...['conv output grad', 'pre-activation grad'].map((l) => ctx.createBuffer(`bench ${l}`, inputs * 4))];
    const [, pooled, argmax, dy, outputGrad, preGrad] = buffers;
    let folded: KernelCall[] = [];
    let separate: KernelCall[] = [];
    try {
      const forward = await planMaxPoolForward(ctx, { x, y: pooled, argmax, xShape: c.shape, params });
      submitCalls(ctx, [forward]);
      destroyCalls([forward]);
      folded = [await planMaxPoolBackward(ctx, { dy, argmax, dx: preGrad, xShape: c.shape, params, reluPooled: pooled })];
      separate = [
        await planMaxPoolBackward(ctx, { dy, argmax, dx: outputGrad, xShape: c.shape, params }),
        await planReluBackward(ctx, { dy: outputGrad, y: x, dx: preGrad, count: inputs }),
      ];
      const other = { name: 'pool scatter + ReLU backward (ours)', run: async () => { submitCalls(ctx, separate); await ctx.sync(); } };
      // Bytes the folded pass moves: dy, argmax and the pooled value per output, dx per input.
      const bytes = (3 * outputs + inputs) * 4;
      rows.push(await compareOursWithOurs(ctx, { name: RELU_FOLD_ROW, shape, unit: 'GB/s', work: bytes }, () => submitCalls(ctx, folded), other, options));
    } finally {
      destroyCalls([...folded, ...separate]);
      for (const b of buffers) b.destroy();
    }
  }
  return rows;
}
