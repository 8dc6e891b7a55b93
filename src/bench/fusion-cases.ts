/**
 * Means tried for speed, measured side by side (ours against ours): each row times a candidate against what it
 * would replace, alternately in the same run, with ratio = replaced ms / candidate ms (> 1: the candidate pays).
 *   'relu mask fused': a conv+ReLU layer's backward with the ReLU mask read inside the gradient GEMMs (input,
 *   weight and bias gradients of dy where y > 0) against a relu-backward dispatch into a buffer followed by the
 *   same three GEMMs, on the four reference conv shapes.
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, submitCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planBiasGrad, planConv2dBackpropFilter, planConv2dBackpropInput } from '../gpu/kernels/conv2d.ts';
import { conv2dGeometry } from '../gpu/kernels/conv2d-contract.ts';
import { planReluBackward } from '../gpu/kernels/relu.ts';
import { REFERENCE_CONV_SHAPES, convFlops, describeConvShape } from './conv-cases.ts';
import { timeSideBySide, type BenchCase, type BenchRow } from './harness.ts';

const round = (x: number) => Math.round(x * 1000) / 1000;

/** One row per reference conv shape: fused mask (ours) against a separate relu backward (the peer). */
export async function compareReluFusion(ctx: GpuContext, options: { repetitions?: number; minSeconds?: number; filter?: (name: string, shape: string) => boolean } = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const s of REFERENCE_CONV_SHAPES) {
    const name = 'relu mask fused';
    const shape = describeConvShape(s);
    if (options.filter && !options.filter(name, shape)) continue;
    const g = conv2dGeometry(s);
    const yN = s.batch * g.outH * g.outW * s.outC;
    const x = ctx.createBuffer('bench x', s.batch * s.inH * s.inW * s.inC * 4);
    const w = ctx.createBuffer('bench w', s.kH * s.kW * s.inC * s.outC * 4);
    // y alternates sign so that the mask keeps half of dy (as a ReLU's output does, roughly).
    const y = ctx.upload('bench y', new Float32Array(yN).map((_, i) => (i % 2 ? 1 : -1)));
    const dy = ctx.upload('bench dy', new Float32Array(yN).fill(0.5));
    const g0 = ctx.createBuffer('bench pre-activation grad', yN * 4);
    const dx = ctx.createBuffer('bench dx', s.batch * s.inH * s.inW * s.inC * 4);
    const dw = ctx.createBuffer('bench dw', s.kH * s.kW * s.inC * s.outC * 4);
    const db = ctx.createBuffer('bench db', s.outC * 4);
    const grads = async (from: GPUBuffer, mask: GPUBuffer | null): Promise<KernelCall[]> => [
      ...(await planConv2dBackpropFilter(ctx, { x, dy: from, dw, shape: s, mask })),
      ...(await planConv2dBackpropInput(ctx, { dy: from, w, dx, shape: s, mask })),
      ...(await planBiasGrad(ctx, { dy: from, db, rows: yN / s.outC, channels: s.outC, mask })),
    ];
    const fused = await grads(dy, y);
    const separate = [await planReluBackward(ctx, { dy, y, dx: g0, count: yN }), ...(await grads(g0, null))];
    try {
      const ours: BenchCase = { name, shape, unit: 'GFLOP/s', work: 2 * convFlops(s), run: () => submitCalls(ctx, fused) };
      const peer = { run: async () => { submitCalls(ctx, separate); await ctx.sync(); }, dispose() {} };
      const t = await timeSideBySide(ctx, ours, peer, options.repetitions ?? 3, options.minSeconds ?? 0);
      rows.push({
        name, shape, unit: 'GFLOP/s', ours: round((2 * convFlops(s)) / 1e9 / (t.ours / 1000)), oursMs: round(t.ours),
        peer: round((2 * convFlops(s)) / 1e9 / (t.peer / 1000)), peerMs: round(t.peer), peerName: 'relu backward + grads', ratio: round(t.peer / t.ours),
      });
    } finally {
      destroyCalls([...fused, ...separate]);
      for (const b of [x, w, y, dy, g0, dx, dw, db]) b.destroy();
    }
  }
  return rows;
}
