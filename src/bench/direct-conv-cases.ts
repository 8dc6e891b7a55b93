/**
 * The direct convolution for few input channels (conv2d-direct.ts) against the implicit GEMM it replaces
 * (conv2d.ts), side by side in the same run, on the first layers of the reference models at batch 64: mnist-ref's
 * conv1 (5x5, 1 -> 16) and cifar-ref's (3x3, 3 -> 32). Two passes each: the forward (bias and ReLU fused in both)
 * and the weight gradient with the bias gradient (one dispatch and its reduces, against the GEMM's weight and bias
 * gradients). ratio = the GEMM's ms / the direct kernel's: above 1, the direct kernel pays.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { conv2dGeometry, type Conv2dShape } from '../gpu/kernels/conv2d-contract.ts';
import { planBiasGrad, planConv2dBackpropFilter, planConv2dForward } from '../gpu/kernels/conv2d.ts';
import { planConv2dBackpropFilterDirect, planConv2dForwardDirect } from '../gpu/kernels/conv2d-direct.ts';
import type { BenchRow } from './harness.ts';
import { compareOursWithOurs, type SelfComparisonOptions } from './self-comparison.ts';
import { describeConvShape } from './conv-cases.ts';

export const DIRECT_CONV_ROWS = ['conv forward, direct (few channels)', 'conv weight+bias grad, direct (few channels)'] as const;
export const DIRECT_CONV_SHAPES: Conv2dShape[] = [
  { batch: 64, inH: 28, inW: 28, inC: 1, kH: 5, kW: 5, outC: 16, strideH: 1, strideW: 1, padding: 'same' },
  { batch: 64, inH: 32, inW: 32, inC: 3, kH: 3, kW: 3, outC: 32, strideH: 1, strideW: 1, padding: 'same' },
];

export async function compareDirectConv(ctx: GpuContext, options: SelfComparisonOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const s of DIRECT_CONV_SHAPES) {
    const shape = describeConvShape(s);
    const g = conv2dGeometry(s);
    const xN = s.batch * s.inH * s.inW * s.inC;
    const wN = s.kH * s.kW * s.inC * s.outC;
    const yN = s.batch * g.outH * g.outW * s.outC;
    const buffers = [
      ctx.upload('bench x', new Float32Array(xN).map((_, i) => Math.sin(i * 0.37))),
      ctx.upload('bench w', new Float32Array(wN).map((_, i) => Math.cos(i * 0.11) * 0.1)),
      ctx.upload('bench bias', new Float32Array(s.outC).fill(0.01)),
      ctx.upload('bench dy', new Float32Array(yN).map((_, i) => Math.sin(i * 0.13))),
      ctx.createBuffer('bench y', yN * 4),
      ctx.createBuffer('bench dw', wN * 4),
      ctx.createBuffer('bench db', s.outC * 4),
    ];
    const [x, w, bias, dy, y, dw, db] = buffers;
    const planned: KernelCall[] = [];
    const plan = async (calls: KernelCall[]) => { planned.push(...calls); return calls; };
    try {
      const passes: Array<[string, KernelCall[], KernelCall[], number]> = [
        [DIRECT_CONV_ROWS[0],
          await plan([await planConv2dForwardDirect(ctx, { x, w, bias, y, shape: s, relu: true })]),
          await plan(await planConv2dForward(ctx, { x, w, bias, y, shape: s, relu: true })),
          2 * yN * s.kH * s.kW * s.inC],
        [DIRECT_CONV_ROWS[1],
          await plan(await planConv2dBackpropFilterDirect(ctx, { x, dy, dw, db, shape: s })),
          await plan([...(await planConv2dBackpropFilter(ctx, { x, dy, dw, shape: s })), ...(await planBiasGrad(ctx, { dy, db, rows: yN / s.outC, channels: s.outC }))]),
          2 * yN * s.kH * s.kW * s.inC + yN],
      ];
      for (const [name, direct, gemm, flops] of passes) {
        if (options.filter && !options.filter(name, shape)) continue;
        const other = { name: 'implicit GEMM (ours)', run: async () => { submitCalls(ctx, gemm); await ctx.sync(); } };
        rows.push(await compareOursWithOurs(ctx, { name, shape, unit: 'GFLOP/s', work: flops }, () => submitCalls(ctx, direct), other, options));
      }
    } finally {
      destroyCalls(planned);
      for (const b of buffers) b.destroy();
    }
  }
  return rows;
}
